package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"

	"kadra/db/internal/sqlcdb"
)

// DefaultExtensionPattern is the extension pattern of a new account: 3 to 6
// digits (R-SIP-1).
const DefaultExtensionPattern = `[0-9]{3,6}`

// extensionChars is what any pattern may accept at most: characters that
// are safe in a SIP user part, in HA1 and in an Asterisk section name.
var extensionChars = regexp.MustCompile(`^[0-9A-Za-z._-]{1,32}$`)

// SIPSettings are an account's SIP settings: its SIP domain (the realm its
// phones register to) and the pattern its extensions follow.
type SIPSettings struct {
	Domain           string `json:"sip_domain"`
	ExtensionPattern string `json:"extension_pattern"`
	// StaleAccounts counts SIP accounts whose password was set under
	// another domain: they cannot register until it is set again.
	StaleAccounts int `json:"stale_accounts"`
}

// SIPSettingsInput is the SIP settings form.
type SIPSettingsInput struct {
	Domain           string `json:"sip_domain" form:"sip_domain"`
	ExtensionPattern string `json:"extension_pattern" form:"extension_pattern"`
}

func extensionPatternKey(accountID int64) string {
	return fmt.Sprintf("account.%d.sip.extension_pattern", accountID)
}

func extensionPattern(ctx context.Context, q *sqlcdb.Queries, accountID int64) (string, error) {
	p, err := q.GetSetting(ctx, extensionPatternKey(accountID))
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultExtensionPattern, nil
	}
	return p, err
}

// compileExtensionPattern anchors an admin's pattern to the whole
// extension. The last pattern compiled is kept: every extension of the
// CSV import is checked against the same one, and compiling it for each
// row was 4% of the import's time (issue 15).
func compileExtensionPattern(p string) (*regexp.Regexp, error) {
	if c := lastPattern.Load(); c != nil && c.pattern == p {
		return c.re, c.err
	}
	re, err := regexp.Compile(`^(?:` + p + `)$`)
	lastPattern.Store(&compiledPattern{pattern: p, re: re, err: err})
	return re, err
}

type compiledPattern struct {
	pattern string
	re      *regexp.Regexp
	err     error
}

var lastPattern atomic.Pointer[compiledPattern]

// checkExtension validates an extension against the account's pattern.
func checkExtension(v *ValidationError, field, ext, pattern string) {
	re, err := compileExtensionPattern(pattern)
	switch {
	case ext == "":
		v.Add(field, M("error.required"))
	case !extensionChars.MatchString(ext):
		v.Add(field, M("sip.extension.chars"))
	case err != nil || !re.MatchString(ext):
		v.Add(field, extensionPatternMsg(pattern))
	}
}

// sipRealm is the realm of an account's SIP accounts: its SIP domain, in
// lower case as phones send it.
func sipRealm(domain string) string { return strings.ToLower(strings.TrimSpace(domain)) }

// SIPSettings returns the acting account's SIP settings.
// Returns EFORBIDDEN without sip.manage.
func (d *DB) SIPSettings(ctx context.Context, a Actor) (SIPSettings, error) {
	if err := a.require(PermSIPManage); err != nil {
		return SIPSettings{}, err
	}
	return sipSettings(ctx, d.rq, a.AccountID)
}

func sipSettings(ctx context.Context, q *sqlcdb.Queries, accountID int64) (SIPSettings, error) {
	set, err := sipDomainPattern(ctx, q, accountID)
	if err != nil {
		return SIPSettings{}, err
	}
	stale, err := q.CountStaleSIPAccounts(ctx, accountID)
	if err != nil {
		return SIPSettings{}, err
	}
	set.StaleAccounts = int(stale)
	return set, nil
}

// sipDomainPattern is sipSettings without the count of stale accounts (a
// scan of the account's SIP accounts), for creating one: the CSV import
// creates thousands.
func sipDomainPattern(ctx context.Context, q *sqlcdb.Queries, accountID int64) (SIPSettings, error) {
	acc, err := q.GetAccount(ctx, accountID)
	if err != nil {
		return SIPSettings{}, notFound(err)
	}
	p, err := extensionPattern(ctx, q, accountID)
	if err != nil {
		return SIPSettings{}, err
	}
	return SIPSettings{Domain: sipRealm(acc.SipDomain), ExtensionPattern: p}, nil
}

// SetSIPSettings changes the acting account's SIP domain and extension
// pattern. A new domain makes every password of the account useless (HA1
// contains the realm): its SIP accounts stop registering at once and each
// needs a new password (RegenerateSIPSecret or RegenerateStaleSIPSecrets);
// changing the domain back makes the old passwords work again. A new
// pattern applies to extensions created from now on.
// Returns EFORBIDDEN without sip.manage, EINVALID for a bad domain or
// pattern, ECONFLICT when another account in the new domain already uses one
// of this account's extensions.
func (d *DB) SetSIPSettings(ctx context.Context, a Actor, in SIPSettingsInput) (SIPSettings, error) {
	return d.PatchSIPSettings(ctx, a, SIPSettingsPatch{Domain: &in.Domain, ExtensionPattern: &in.ExtensionPattern})
}

// SIPSettingsPatch changes what it sets and keeps the rest (the API's
// PATCH).
type SIPSettingsPatch struct {
	Domain           *string `json:"sip_domain"`
	ExtensionPattern *string `json:"extension_pattern"`
}

// PatchSIPSettings is SetSIPSettings for the fields a patch sets, merged
// onto the settings inside the write (R-API-1). Returns what
// SetSIPSettings returns.
func (d *DB) PatchSIPSettings(ctx context.Context, a Actor, p SIPSettingsPatch) (SIPSettings, error) {
	if err := a.require(PermSIPManage); err != nil {
		return SIPSettings{}, err
	}
	var out SIPSettings
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := sipSettings(ctx, t.Queries, a.AccountID)
		if err != nil {
			return nil, err
		}
		in := SIPSettingsInput{Domain: before.Domain, ExtensionPattern: before.ExtensionPattern}
		setTo(&in.Domain, p.Domain)
		setTo(&in.ExtensionPattern, p.ExtensionPattern)
		in.Domain = sipRealm(in.Domain)
		in.ExtensionPattern = strings.TrimSpace(in.ExtensionPattern)
		var v ValidationError
		if in.Domain == "" {
			v.Add("sip_domain", M("error.required"))
		} else if !validDomain(in.Domain) {
			v.Add("sip_domain", M("error.domain"))
		}
		checkExtensionPattern(&v, "extension_pattern", in.ExtensionPattern)
		if err := v.Err(); err != nil {
			return nil, err
		}
		if in.Domain != before.Domain {
			clashes, err := t.SIPDomainClashes(ctx, sqlcdb.SIPDomainClashesParams{AccountID: a.AccountID, Domain: in.Domain})
			if err != nil {
				return nil, err
			}
			if len(clashes) > 0 {
				var v ValidationError
				v.Add("sip_domain", M("sip.domain.clash", "Extension", clashes[0].Extension, "Domain", in.Domain))
				return nil, v.Err()
			}
			if err := t.SetAccountSIPDomain(ctx, sqlcdb.SetAccountSIPDomainParams{ID: a.AccountID, SipDomain: in.Domain}); err != nil {
				return nil, err
			}
		}
		if in.ExtensionPattern != before.ExtensionPattern {
			if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: extensionPatternKey(a.AccountID),
				Value: in.ExtensionPattern}); err != nil {
				return nil, err
			}
		}
		if out, err = sipSettings(ctx, t.Queries, a.AccountID); err != nil {
			return nil, err
		}
		if out == before {
			return nil, nil
		}
		return one(change{Action: "sip.settings", TargetType: "account", TargetID: a.AccountID,
			TargetLabel: out.Domain, Before: before, After: out}), nil
	})
	return out, err
}

// checkExtensionPattern accepts a regular expression (RE2 syntax) that
// compiles, is not absurdly long and does not accept an empty extension.
func checkExtensionPattern(v *ValidationError, field, p string) {
	re, err := compileExtensionPattern(p)
	switch {
	case p == "":
		v.Add(field, M("error.required"))
	case len(p) > 200:
		v.Add(field, M("error.too_long", "Max", 200))
	case err != nil:
		v.Add(field, M("sip.pattern.invalid"))
	case re.MatchString(""):
		v.Add(field, M("sip.pattern.empty"))
	}
}
