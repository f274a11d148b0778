package db

import "time"

// Actor is who performs an operation: the signed-in user, the permissions
// of their role (read fresh on every request), the account they act in and,
// when an admin uses "log in as", the admin behind them.
type Actor struct {
	UserID        int64
	Email         string
	Name          string
	IsOwner       bool
	RoleID        int64
	HomeAccountID int64
	AccountID     int64 // the account acted in
	// HomeIsMain: the user belongs to the main account, so they may be
	// given access to sub-accounts and administer them (R-ACC-3, R-ACC-4).
	HomeIsMain bool
	Perms      map[Permission]bool

	ImpersonatorID    int64
	ImpersonatorEmail string
	// ImpersonationEnds is when a "log in as" returns to the admin by
	// itself (R-GOV-3); zero otherwise.
	ImpersonationEnds time.Time

	SessionHash string // the session acted through, if any
	IP          string
	Lang        string // the request's language ("pl", "en"), for mail it causes
	UserLang    string // the language the user chose on their profile, or ""
	// TimeZone is the zone the user sees times in: their own choice, else
	// the installation's (R-I18N-2); "" when neither is set.
	TimeZone string
	// MustEnrol: the user's role requires a second factor and they have
	// none yet; until they enrol they may only do that or sign out (R-MFA-3).
	MustEnrol bool

	system bool // the operator at the command line
	// ceiling, for a SCIM token (scim_tokens.go), is the permissions of the
	// role it was given as its ceiling: the hierarchy check (R-SEC-2)
	// weighs targets and roles given against it instead of Perms.
	ceiling map[Permission]bool
}

// Can reports whether the actor holds permission p. The owner holds all.
func (a Actor) Can(p Permission) bool {
	return a.IsOwner || a.system || a.Perms[p]
}

// Valid reports whether a is a signed-in user rather than the zero Actor.
func (a Actor) Valid() bool { return a.UserID != 0 || a.system || a.ceiling != nil }

// require returns EFORBIDDEN unless the actor holds p.
func (a Actor) require(p Permission) error {
	if !a.Valid() {
		return errUnauthorized
	}
	if !a.Can(p) {
		return errForbidden
	}
	return nil
}

// System is the actor for work started by the operator on the command line
// (kadra init, kadra user reset-password): it holds every permission and is
// audited as "system".
func System() Actor {
	perms := map[Permission]bool{}
	for _, p := range AllPermissions() {
		perms[p] = true
	}
	return Actor{Email: "system", Perms: perms, system: true}
}
