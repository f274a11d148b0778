package db

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"kadra/db/internal/sqlcdb"
)

func checkFreeExtension(ctx context.Context, q *sqlcdb.Queries, v *ValidationError, accountID int64, ext string) error {
	set, err := sipDomainPattern(ctx, q, accountID)
	if err != nil {
		return err
	}
	checkExtension(v, "extension", ext, set.ExtensionPattern)
	if v.Has("extension") {
		return nil
	}
	n, err := q.SIPExtensionInDomain(ctx, sqlcdb.SIPExtensionInDomainParams{Extension: ext, Domain: set.Domain})
	if err != nil {
		return err
	}
	if n > 0 {
		v.Conflict("extension", M("sip.extension.taken", "Extension", ext, "Domain", set.Domain))
	}
	return nil
}

// digitsPattern is the common form of an extension pattern that can be
// said in words: digits, from Min to Max of them.
var digitsPattern = regexp.MustCompile(`^(?:\[0-9\]|\\d)\{(\d+)(?:,(\d+))?\}$`)

// extensionPatternMsg says what an extension must look like: in words for
// digit counts ("3–6 digits, for example 104"), else the pattern itself.
func extensionPatternMsg(pattern string) Msg {
	m := digitsPattern.FindStringSubmatch(pattern)
	if m == nil {
		return M("sip.extension.pattern", "Pattern", pattern)
	}
	lo, _ := strconv.Atoi(m[1])
	hi := lo
	if m[2] != "" {
		hi, _ = strconv.Atoi(m[2])
	}
	if lo < 1 || lo > 32 || hi < lo {
		return M("sip.extension.pattern", "Pattern", pattern)
	}
	example := strings.Repeat("104", 11)[:lo]
	if lo == hi {
		return M("ui.extension.digits_exact", "Count", lo, "N", lo, "Example", example)
	}
	return M("ui.extension.digits", "Count", hi, "Min", lo, "Max", hi, "Example", example)
}

// UserFieldCheck is one field of the user form checked as the admin leaves
// it: the extension (its form and whether it is free) or the login e-mail
// (its form and whether another user signs in with it).
type UserFieldCheck struct {
	Field  string // "extension" or "email"
	Value  string
	UserID int64 // the user being edited, whose own e-mail is no conflict
}

// CheckUserField checks one field of the user form, with the same rules as
// saving it, and returns the message of a refusal or nil. Needs
// users.manage. Returns EINVALID for a field it does not check.
func (d *DB) CheckUserField(ctx context.Context, a Actor, in UserFieldCheck) (*Msg, error) {
	if err := a.require(PermUsersManage); err != nil {
		return nil, err
	}
	v := &ValidationError{}
	switch in.Field {
	case "extension":
		ext := strings.TrimSpace(in.Value)
		if ext == "" {
			return nil, nil // an extension is optional when a free one is picked
		}
		if err := checkFreeExtension(ctx, d.rq, v, a.AccountID, ext); err != nil {
			return nil, err
		}
	case "email":
		email := normalEmail(in.Value)
		checkEmail(v, "email", email, true)
		if !v.Has("email") {
			n, err := d.rq.UserEmailTaken(ctx, sqlcdb.UserEmailTakenParams{Email: email, ExceptID: in.UserID})
			if err != nil {
				return nil, err
			}
			if n > 0 {
				v.Conflict("email", M("user.email_taken"))
			}
		}
	default:
		return nil, Errorf(EINVALID, "error.bad_request")
	}
	if m, ok := v.Fields[in.Field]; ok {
		return &m, nil
	}
	return nil, nil
}
