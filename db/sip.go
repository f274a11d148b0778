package db

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// SIPAccount is an extension with its own SIP password (R-SIP-1). The
// password itself is never kept; see SIPSecret.
type SIPAccount struct {
	ID        int64  `json:"id"`
	AccountID int64  `json:"account_id"`
	Extension string `json:"extension"`
	Domain    string `json:"domain"`
	Enabled   bool   `json:"enabled"`
	// NeedsPassword: the password was set under another SIP domain, so the
	// account cannot register until a new one is set.
	NeedsPassword bool      `json:"needs_password"`
	UserID        int64     `json:"user_id,omitempty"`
	UserEmail     string    `json:"user_email,omitempty"`
	UserName      string    `json:"user_name,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

// Registers reports whether a phone can register with this account now.
func (s SIPAccount) Registers() bool { return s.Enabled && !s.NeedsPassword }

// User names the holder for people: the full name, else the e-mail.
func (s SIPAccount) User() string {
	if s.UserName != "" {
		return s.UserName
	}
	return s.UserEmail
}

// label is how the audit log names an account.
func (s SIPAccount) label() string { return s.Extension + "@" + s.Domain }

// SIPSecret is the answer of the operations that set a password: the only
// moment the password exists outside the phone (R-SIP-3).
type SIPSecret struct {
	SIPAccount
	Password string `json:"password"`
}

func sipAccountFrom(s sqlcdb.SipAccount, domain string) SIPAccount {
	return SIPAccount{ID: s.ID, AccountID: s.AccountID, Extension: s.Extension, Domain: domain,
		Enabled: s.Enabled == 1, NeedsPassword: s.Realm != domain, CreatedAt: time.Unix(s.CreatedAt, 0).UTC()}
}

func sipRow(r sqlcdb.GetSIPAccountRow) SIPAccount {
	s := sipAccountFrom(sqlcdb.SipAccount{ID: r.ID, AccountID: r.AccountID, Extension: r.Extension,
		Enabled: r.Enabled, CreatedAt: r.CreatedAt, Realm: r.Realm}, r.Domain)
	s.UserID, s.UserEmail, s.UserName = r.UserID, r.UserEmail, r.UserName
	return s
}

// SIPFilter narrows the SIP account list.
type SIPFilter struct {
	Q       string `query:"q"`     // extension, user name or e-mail, substring
	State   string `query:"state"` // "", free, assigned, enabled, disabled, stale
	Sort    string `query:"sort"`  // extension, user, enabled, created; "-" first for descending
	Page    int    `query:"page"`
	PerPage int    `query:"per_page"`
}

// SIPStates and SIPSorts are the values SIPFilter accepts.
var (
	SIPStates = []string{"free", "assigned", "enabled", "disabled", "stale"}
	SIPSorts  = []string{"extension", "user", "enabled", "created"}
)

// normalSort keeps sort when it names one of keys (optionally with a leading
// "-"), else returns def.
func normalSort(sort string, keys []string, def string) string {
	for _, k := range keys {
		if sort == k || sort == "-"+k {
			return sort
		}
	}
	return def
}

func oneOf(s string, values []string) string {
	for _, v := range values {
		if s == v {
			return s
		}
	}
	return ""
}

// SearchSIPAccounts returns a page of the acting account's SIP accounts with
// their users. Returns EFORBIDDEN without sip.manage.
func (d *DB) SearchSIPAccounts(ctx context.Context, a Actor, f SIPFilter) (Page[SIPAccount], error) {
	if err := a.require(PermSIPManage); err != nil {
		return Page[SIPAccount]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	q, state := likeContains(f.Q), oneOf(f.State, SIPStates)
	search := sqlcdb.SearchSIPAccountsParams{AccountID: a.AccountID, Q: q, State: state,
		Sort: normalSort(f.Sort, SIPSorts, "extension"), Lim: int64(f.PerPage), Off: int64((f.Page - 1) * f.PerPage)}
	rows, err := d.rq.SearchSIPAccounts(ctx, search)
	if err != nil {
		return Page[SIPAccount]{}, err
	}
	out := Page[SIPAccount]{Items: make([]SIPAccount, len(rows)), Page: f.Page, PerPage: f.PerPage}
	if len(rows) == 0 && f.Page > 1 { // past the end: the count comes from the first row
		search.Lim, search.Off = 1, 0
		first, err := d.rq.SearchSIPAccounts(ctx, search)
		if err != nil {
			return Page[SIPAccount]{}, err
		}
		if len(first) > 0 {
			out.Total = int(first[0].Total)
		}
	}
	for i, r := range rows {
		out.Items[i] = sipRow(sqlcdb.GetSIPAccountRow{ID: r.ID, AccountID: r.AccountID, Extension: r.Extension,
			Enabled: r.Enabled, CreatedAt: r.CreatedAt, Realm: r.Realm, UserID: r.UserID, UserEmail: r.UserEmail,
			UserName: r.UserName, Domain: r.Domain})
		out.Total = int(r.Total)
	}
	return out, nil
}

// GetSIPAccount returns one SIP account of the acting account.
// Returns EFORBIDDEN without sip.manage, ENOTFOUND for another account's.
func (d *DB) GetSIPAccount(ctx context.Context, a Actor, id int64) (SIPAccount, error) {
	if err := a.require(PermSIPManage); err != nil {
		return SIPAccount{}, err
	}
	return getSIP(ctx, d.rq, a.AccountID, id)
}

func getSIP(ctx context.Context, q *sqlcdb.Queries, accountID, id int64) (SIPAccount, error) {
	r, err := q.GetSIPAccount(ctx, sqlcdb.GetSIPAccountParams{ID: id, AccountID: accountID})
	if err != nil {
		return SIPAccount{}, notFound(err)
	}
	return sipRow(r), nil
}

// SIPAccountInput creates a SIP account. The password is generated unless
// PasswordMode is "typed" (or, from the API, a password is given without a
// mode). UserID, when set, assigns the new account to that user at once.
type SIPAccountInput struct {
	Extension    string `json:"extension" form:"extension"`
	Password     string `json:"password" form:"password"`
	PasswordMode string `json:"password_mode" form:"password_mode"`
	UserID       int64  `json:"user_id" form:"user_id"`
}

// CreateSIPAccount creates an extension in the acting account and returns it
// with its password, which is shown this once (R-SIP-1, R-SIP-3).
// Returns EFORBIDDEN without sip.manage (or, with a UserID, without
// sip.manage or users.manage), EINVALID for a bad extension or password or a
// taken extension, ECONFLICT when the user already has a SIP account.
func (d *DB) CreateSIPAccount(ctx context.Context, a Actor, in SIPAccountInput) (SIPSecret, error) {
	if in.UserID != 0 {
		return d.CreateSIPAccountForUser(ctx, a, in.UserID, in)
	}
	if err := a.require(PermSIPManage); err != nil {
		return SIPSecret{}, err
	}
	var out SIPSecret
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		var err error
		var c change
		out, c, err = t.createSIP(a.AccountID, in, "password")
		return []change{c}, err
	})
	return out, err
}

// createSIP validates and inserts a SIP account of accountID inside t.
// passwordField names the password's field in the caller's form.
func (t *tx) createSIP(accountID int64, in SIPAccountInput, passwordField string) (SIPSecret, change, error) {
	in.Extension = strings.TrimSpace(in.Extension)
	set, err := t.sipDomainPattern(accountID)
	if err != nil {
		return SIPSecret{}, change{}, err
	}
	var v ValidationError
	checkExtension(&v, "extension", in.Extension, set.ExtensionPattern)
	secret, err := sipSecretFrom(&v, passwordField, in.PasswordMode, in.Password, in.Extension)
	if err != nil {
		return SIPSecret{}, change{}, err
	}
	if !v.Has("extension") {
		n, err := t.SIPExtensionInDomain(t.ctx, sqlcdb.SIPExtensionInDomainParams{Extension: in.Extension, Domain: set.Domain})
		if err != nil {
			return SIPSecret{}, change{}, err
		}
		if n > 0 {
			v.Conflict("extension", M("sip.extension.taken", "Extension", in.Extension, "Domain", set.Domain))
		}
	}
	if err := v.Err(); err != nil {
		return SIPSecret{}, change{}, err
	}
	row, err := t.CreateSIPAccount(t.ctx, sqlcdb.CreateSIPAccountParams{AccountID: accountID, Extension: in.Extension,
		Ha1: ha1For(in.Extension, set.Domain, secret), Ha1b: ha1bFor(in.Extension, set.Domain, secret),
		Realm: set.Domain, CreatedAt: t.d.unix()})
	if err != nil {
		return SIPSecret{}, change{}, err
	}
	s := sipAccountFrom(row, set.Domain)
	return SIPSecret{SIPAccount: s, Password: secret},
		change{Action: "sip.create", TargetType: "sip_account", TargetID: s.ID, TargetLabel: s.label(),
			AccountID: accountID, After: s}, nil
}

// SIPSecretInput sets a new password: generated unless PasswordMode is
// "typed" (or, from the API, a password is given without a mode).
type SIPSecretInput struct {
	Password     string `json:"password" form:"password"`
	PasswordMode string `json:"password_mode" form:"password_mode"`
}

// RegenerateSIPSecret gives a SIP account a new password, under the
// account's current SIP domain, and returns it this once (R-SIP-3). The old
// password stops working at once.
// Returns EFORBIDDEN without sip.manage, ENOTFOUND, EINVALID for a typed
// password that breaks the policy.
func (d *DB) RegenerateSIPSecret(ctx context.Context, a Actor, id int64, in SIPSecretInput) (SIPSecret, error) {
	if err := a.require(PermSIPManage); err != nil {
		return SIPSecret{}, err
	}
	return updateItem(ctx, d, a, getSIP, id, func(t *tx, s SIPAccount) (SIPSecret, []change, error) {
		if err := t.maySIPHolder(s); err != nil {
			return SIPSecret{}, nil, err
		}
		var v ValidationError
		secret, err := sipSecretFrom(&v, "password", in.PasswordMode, in.Password, s.Extension)
		if err != nil {
			return SIPSecret{}, nil, err
		}
		if err := v.Err(); err != nil {
			return SIPSecret{}, nil, err
		}
		c, err := t.setSIPSecret(s, secret)
		s.NeedsPassword = false
		return SIPSecret{SIPAccount: s, Password: secret}, one(c), err
	})
}

// maySIPHolder asks the policy whether the actor may change the SIP
// account of its user, if it has one: a phone is part of its user (R-SEC-2).
func (t *tx) maySIPHolder(s SIPAccount) error {
	if s.UserID == 0 {
		return nil
	}
	u, err := t.GetUser(t.ctx, s.UserID)
	if err != nil {
		return notFound(err)
	}
	return t.mayActOnUser(ActSIP, u)
}

func (t *tx) setSIPSecret(s SIPAccount, secret string) (change, error) {
	err := t.SetSIPSecret(t.ctx, sqlcdb.SetSIPSecretParams{ID: s.ID, AccountID: s.AccountID,
		Ha1: ha1For(s.Extension, s.Domain, secret), Ha1b: ha1bFor(s.Extension, s.Domain, secret), Realm: s.Domain})
	return change{Action: "sip.secret", TargetType: "sip_account", TargetID: s.ID, TargetLabel: s.label(),
		AccountID: s.AccountID, Before: map[string]any{"needs_password": s.NeedsPassword}}, err
}

// RegenerateStaleSIPSecrets gives a new generated password to every SIP
// account of the acting account that needs one after a change of the SIP
// domain, and returns them this once.
// Returns EFORBIDDEN without sip.manage.
func (d *DB) RegenerateStaleSIPSecrets(ctx context.Context, a Actor) ([]SIPSecret, error) {
	if err := a.require(PermSIPManage); err != nil {
		return nil, err
	}
	var out []SIPSecret
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		rows, err := t.ListStaleSIPAccounts(ctx, a.AccountID)
		if err != nil {
			return nil, err
		}
		var changes []change
		for _, r := range rows {
			s, err := getSIP(ctx, t.Queries, a.AccountID, r.ID)
			if err != nil {
				return nil, err
			}
			if t.maySIPHolder(s) != nil {
				continue // a stronger user's phone waits for someone who may (R-SEC-2)
			}
			secret, err := generateSIPSecret()
			if err != nil {
				return nil, err
			}
			c, err := t.setSIPSecret(s, secret)
			if err != nil {
				return nil, err
			}
			s.NeedsPassword = false
			out = append(out, SIPSecret{SIPAccount: s, Password: secret})
			changes = append(changes, c)
		}
		return changes, nil
	})
	return out, err
}

// SetSIPEnabled enables or disables a SIP account. A disabled account stops
// registering at once; its user and password are kept.
// Returns EFORBIDDEN without sip.manage, ENOTFOUND.
func (d *DB) SetSIPEnabled(ctx context.Context, a Actor, id int64, enabled bool) (SIPAccount, error) {
	return d.UpdateSIPAccount(ctx, a, id, SIPAccountPatch{Enabled: &enabled})
}

// SIPAccountPatch changes what is set: Enabled, and UserID to give a free
// account to a user (see AssignSIPAccount).
type SIPAccountPatch struct {
	Enabled *bool  `json:"enabled"`
	UserID  *int64 `json:"user_id"`
}

// UpdateSIPAccount applies a patch to a SIP account in one transaction.
// Returns EFORBIDDEN without sip.manage (users.manage suffices for UserID
// alone), ENOTFOUND, and what AssignSIPAccount returns.
func (d *DB) UpdateSIPAccount(ctx context.Context, a Actor, id int64, p SIPAccountPatch) (SIPAccount, error) {
	if p.Enabled != nil {
		if err := a.require(PermSIPManage); err != nil {
			return SIPAccount{}, err
		}
	} else if err := requireSIPAssign(a); err != nil {
		return SIPAccount{}, err
	}
	return updateItem(ctx, d, a, getSIP, id, func(t *tx, s SIPAccount) (SIPAccount, []change, error) {
		var changes []change
		if p.Enabled != nil {
			if err := t.maySIPHolder(s); err != nil {
				return SIPAccount{}, nil, err
			}
		}
		if p.Enabled != nil && *p.Enabled != s.Enabled {
			if err := t.SetSIPEnabled(ctx, sqlcdb.SetSIPEnabledParams{ID: id, AccountID: a.AccountID,
				Enabled: sipFlag(*p.Enabled)}); err != nil {
				return SIPAccount{}, nil, err
			}
			action := "sip.disable"
			if *p.Enabled {
				action = "sip.enable"
			}
			changes = append(changes, change{Action: action, TargetType: "sip_account", TargetID: id,
				TargetLabel: s.label(), Before: map[string]bool{"enabled": s.Enabled},
				After: map[string]bool{"enabled": *p.Enabled}})
		}
		if p.UserID != nil {
			c, err := t.assignSIP(*p.UserID, id)
			if err != nil {
				return SIPAccount{}, nil, err
			}
			changes = append(changes, c)
		}
		out, err := getSIP(ctx, t.Queries, a.AccountID, id)
		return out, changes, err
	})
}

func sipFlag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// DeleteSIPAccount deletes a SIP account that no user has and returns it.
// Returns EFORBIDDEN without sip.manage, ENOTFOUND, ECONFLICT naming the
// user who has it.
func (d *DB) DeleteSIPAccount(ctx context.Context, a Actor, id int64) (SIPAccount, error) {
	if err := a.require(PermSIPManage); err != nil {
		return SIPAccount{}, err
	}
	return updateItem(ctx, d, a, getSIP, id, func(t *tx, s SIPAccount) (SIPAccount, []change, error) {
		if s.UserID != 0 {
			return s, nil, Errorf(ECONFLICT, "sip.delete.assigned", "Extension", s.Extension, "User", s.User())
		}
		if err := t.DeleteSIPAccount(ctx, sqlcdb.DeleteSIPAccountParams{ID: id, AccountID: a.AccountID}); err != nil {
			return s, nil, err
		}
		return s, one(change{Action: "sip.delete", TargetType: "sip_account", TargetID: id, TargetLabel: s.label(),
			Before: s}), nil
	})
}

// SIPSubscriber is one row of the registrar contract: what Kamailio reads
// from the subscriber view and what the Asterisk export prints (R-SIP-4).
type SIPSubscriber struct {
	ID       int64
	Username string
	Domain   string
	HA1      string
	HA1B     string
}

// SIPSubscribers lists every SIP account that may register now, in every
// account, or only in one domain when domain is not empty: exactly what
// the registrar sees. Only the operator at the command line may read it.
// Returns EFORBIDDEN for anyone else.
func (d *DB) SIPSubscribers(ctx context.Context, a Actor, domain string) ([]SIPSubscriber, error) {
	if !a.system {
		return nil, errForbidden
	}
	dom := sql.NullString{String: sipRealm(domain), Valid: domain != ""}
	rows, err := d.rq.ListSubscribers(ctx, dom)
	if err != nil {
		return nil, err
	}
	out := make([]SIPSubscriber, len(rows))
	for i, r := range rows {
		out[i] = SIPSubscriber{ID: r.ID, Username: r.Username, Domain: r.Domain, HA1: r.Ha1, HA1B: r.Ha1b}
	}
	return out, nil
}
