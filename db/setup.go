package db

import (
	"context"
	"database/sql"
	"strings"

	"kadra/db/internal/sqlcdb"
	"kadra/tz"
)

// Built-in role keys (R-ROLE-6).
const (
	BuiltinAdministrator = "administrator"
	BuiltinStaff         = "staff"
)

// SetupInput is the first-run form (R-ACC-1).
type SetupInput struct {
	AccountName     string `json:"account_name" form:"account_name"`
	FullName        string `json:"full_name" form:"full_name"`
	Email           string `json:"email" form:"email"`
	Password        string `json:"password" form:"password"`
	PasswordConfirm string `json:"-" form:"password_confirm"` // the form's; the API asks none (R-API-1)
	SIPDomain       string `json:"sip_domain" form:"sip_domain"`
	TimeZone        string `json:"time_zone" form:"time_zone"` // IANA name; default Europe/Warsaw (R-I18N-2)
}

// NeedsSetup reports whether the installation has no main account yet.
func (d *DB) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := d.rq.CountAccounts(ctx)
	return n == 0, err
}

// Setup creates the main account and its owner (R-ACC-1), the built-in roles
// "Administrator" and "Staff member" (R-ROLE-6), the permanent "Position"
// group with a first position "Employee" (R-GROUP-4), all in one transaction.
// Returns EINVALID per field for bad input and ECONFLICT once setup is done.
func (d *DB) Setup(ctx context.Context, in SetupInput, ip string) (User, error) {
	in.AccountName = strings.TrimSpace(in.AccountName)
	in.FullName = strings.TrimSpace(in.FullName)
	in.Email = normalEmail(in.Email)
	in.SIPDomain = strings.ToLower(strings.TrimSpace(in.SIPDomain)) // phones send realms in lower case

	var v ValidationError
	checkName(&v, "account_name", in.AccountName, 100)
	if in.FullName != "" {
		checkName(&v, "full_name", in.FullName, 200)
	}
	checkEmail(&v, "email", in.Email, true)
	checkNewPassword(&v, DefaultPasswordPolicy, "password", in.Password, "password_confirm", in.PasswordConfirm, in.FullName, in.Email)
	if in.SIPDomain != "" && !validDomain(in.SIPDomain) {
		v.Add("sip_domain", M("error.domain"))
	}
	in.TimeZone = strings.TrimSpace(in.TimeZone)
	checkTimeZone(&v, "time_zone", in.TimeZone, false)
	if err := v.Err(); err != nil {
		return User{}, err
	}
	if done, err := d.NeedsSetup(ctx); err != nil {
		return User{}, err
	} else if !done {
		return User{}, Errorf(ECONFLICT, "setup.done")
	}
	hash, err := d.hasher.Hash(ctx, in.Password)
	if err != nil {
		return User{}, err
	}
	if in.SIPDomain == "" {
		in.SIPDomain = "localhost"
	}
	if in.TimeZone == "" {
		in.TimeZone = tz.Default
	}

	var owner sqlcdb.User
	a := Actor{Email: in.Email, IP: ip}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		if n, err := t.CountAccounts(ctx); err != nil {
			return nil, err
		} else if n > 0 {
			return nil, Errorf(ECONFLICT, "setup.done")
		}
		now := d.unix()
		acc, err := t.CreateAccount(ctx, sqlcdb.CreateAccountParams{Name: in.AccountName,
			SipDomain: in.SIPDomain, CreatedAt: now})
		if err != nil {
			return nil, err
		}
		// Built-in records keep only their key: they are named in each
		// viewer's language until an admin renames them (R-I18N-1).
		admin, err := t.CreateRole(ctx, sqlcdb.CreateRoleParams{Builtin: BuiltinAdministrator})
		if err != nil {
			return nil, err
		}
		for _, p := range AllPermissions() {
			if err := t.AddRolePermission(ctx, sqlcdb.AddRolePermissionParams{RoleID: admin.ID,
				Permission: string(p)}); err != nil {
				return nil, err
			}
		}
		if _, err := t.CreateRole(ctx, sqlcdb.CreateRoleParams{Builtin: BuiltinStaff}); err != nil {
			return nil, err
		}
		position, err := t.seedPositions(acc.ID, now)
		if err != nil {
			return nil, err
		}
		owner, err = t.CreateUser(ctx, sqlcdb.CreateUserParams{AccountID: acc.ID, Email: in.Email,
			FullName: in.FullName, Status: StatusActive, PasswordHash: hash, RoleID: admin.ID,
			PositionID: nullID(position), IsOwner: 1, CreatedAt: now})
		if err != nil {
			return nil, err
		}
		if err := t.OpenSeat(ctx, sqlcdb.OpenSeatParams{AccountID: acc.ID, UserID: owner.ID, FromAt: now}); err != nil {
			return nil, err
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingTimeZone, Value: in.TimeZone}); err != nil {
			return nil, err
		}
		t.a.UserID, t.a.AccountID = owner.ID, acc.ID
		return one(change{Action: "setup", TargetType: "account", TargetID: acc.ID,
			TargetLabel: acc.Name, After: map[string]any{"account": acc.Name, "owner": owner.Email,
				"time_zone": in.TimeZone}}), nil
	})
	if err != nil {
		return User{}, err
	}
	return userFrom(owner), nil
}

// seedPositions creates an account's permanent "Position" root and its first
// position, "Employee", both named in the viewer's language (R-I18N-1), and
// returns the position's id.
func (t *tx) seedPositions(accountID, now int64) (int64, error) {
	root, err := t.CreateGroup(t.ctx, sqlcdb.CreateGroupParams{AccountID: accountID,
		BuiltinPosition: 1, Builtin: BuiltinPositionRoot, CreatedAt: now})
	if err != nil {
		return 0, err
	}
	emp, err := t.CreateGroup(t.ctx, sqlcdb.CreateGroupParams{AccountID: accountID,
		ParentID: sql.NullInt64{Int64: root.ID, Valid: true}, Builtin: BuiltinFirstPosition, CreatedAt: now})
	return emp.ID, err
}

// validDomain accepts a host name such as sip.example.pl or localhost.
func validDomain(s string) bool {
	if len(s) > 253 || s == "" {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
