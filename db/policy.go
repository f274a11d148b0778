package db

import (
	"context"

	"kadra/db/internal/sqlcdb"
)

// This file is the one place that decides "may this actor do this to that
// user" (R-SEC-2, R-USER-14, R-SEC-9). Every domain function that changes a
// user asks it, on every path (HTML, API, bulk, CSV); handlers hold no
// authority of their own, and the pages ask it too (UserActions) so that
// they offer only what the server would allow.
//
// The rules, in the order they are checked:
//  1. the act's permission (R-ROLE-7);
//  2. the account: only users of the acting account (R-ACC-5; callers read
//     the target through accountUser, which answers ENOTFOUND otherwise);
//  3. self: nobody blocks, deletes, resets, impersonates, re-roles or grants
//     access to themselves (or to the admin behind an impersonation)
//     through the admin paths; their own details are edited there, but
//     never their credentials (see checkSelfCredentials);
//  4. the owner is changed only by the owner (or the operator on the
//     command line);
//  5. hierarchy: every permission of the target's role must be held by the
//     actor too; the owner and the operator hold them all.

// UserAct is something an admin does to a user.
type UserAct string

const (
	ActEdit          UserAct = "edit"        // the user form, groups, position
	ActSIP           UserAct = "sip"         // give, take or change the user's SIP account
	ActPresentation  UserAct = "caller_id"   // caller ID and SMS sender
	ActSeat          UserAct = "seat"        // licence seats
	ActAccess        UserAct = "access"      // sub-account access (R-ACC-4)
	ActRole          UserAct = "role"        // move to another role
	ActBlock         UserAct = "block"       // block (R-USER-8)
	ActUnblock       UserAct = "unblock"     // unblock (R-USER-8)
	ActDelete        UserAct = "delete"      // delete (R-USER-9)
	ActResetPassword UserAct = "reset"       // reset link or activation mail (R-USER-12)
	ActImpersonate   UserAct = "impersonate" // log in as (R-USER-14)
	// ActEndSessions sees and ends a user's sessions (R-MFA-4). It needs
	// users.block: ending sessions is the lighter half of a block (the
	// user may sign in again), and whoever may shut a user out may also
	// sign them out; seeing where someone signs in from goes with it.
	ActEndSessions UserAct = "end_sessions"
	// ActResetMFA removes a user's second factor (TOTP, recovery codes and
	// passkeys) for one who lost it (R-MFA-4). It needs users.manage, like
	// a password reset: both hand the account back to whoever holds the
	// remaining credential. Never one's own: that is the profile's, with
	// the password.
	ActResetMFA UserAct = "reset_mfa"
	// ActOffboard starts an offboarding (R-GOV-4): the block is its
	// baseline, so it needs users.block; each of its steps asks for its
	// own act besides (ActSIP, ActPresentation, ActSeat, ActEdit,
	// ActDelete), on the leaver and on the successor (db/offboarding.go).
	ActOffboard UserAct = "offboard"
)

// actRule is what an act needs: a permission check, and whether an actor
// may do it to themselves.
type actRule struct {
	need func(Actor) error
	self bool
}

func needAny(perms ...Permission) func(Actor) error {
	return func(a Actor) error {
		var err error
		for _, p := range perms {
			if err = a.require(p); err == nil {
				return nil
			}
		}
		return err
	}
}

var actRules = map[UserAct]actRule{
	ActEdit:          {need: needAny(PermUsersManage), self: true},
	ActSIP:           {need: needAny(PermSIPManage, PermUsersManage), self: true},
	ActPresentation:  {need: needAny(PermUsersManage, PermNumbersManage), self: true},
	ActSeat:          {need: needAny(PermLicensesManage), self: true},
	ActAccess:        {need: requireAccountsAdmin},
	ActRole:          {need: needAny(PermUsersManage)},
	ActBlock:         {need: needAny(PermUsersBlock)},
	ActUnblock:       {need: needAny(PermUsersBlock)},
	ActDelete:        {need: needAny(PermUsersDelete)},
	ActResetPassword: {need: needAny(PermUsersManage)},
	ActImpersonate:   {need: needAny(PermUsersImpersonate)},
	ActEndSessions:   {need: needAny(PermUsersBlock)},
	ActResetMFA:      {need: needAny(PermUsersManage)},
	ActOffboard:      {need: needAny(PermUsersBlock)},
}

// requireAct checks only the permission of an act: for the start of a
// domain function, before its transaction reads the target.
func requireAct(a Actor, act UserAct) error {
	return actRules[act].need(a)
}

// Messages of refusals that read better for a particular act; the others
// say policy.self, policy.owner and policy.stronger.
var actMessages = map[string]string{
	"self/block": "user.block.self", "self/delete": "user.delete.self",
	"self/impersonate": "user.impersonate.self", "self/role": "role.own_role",
	"owner/block": "user.block.owner", "owner/unblock": "user.block.owner",
	"owner/delete": "user.delete.owner", "owner/impersonate": "user.impersonate.owner",
	"owner/role":    "role.owner_stays_admin",
	"self/offboard": "user.block.self", "owner/offboard": "user.block.owner",
}

func actMessage(kind string, act UserAct) string {
	if id, ok := actMessages[kind+"/"+string(act)]; ok {
		return id
	}
	return "policy." + kind
}

// isSelf reports whether u is the actor, or the admin behind the actor's
// "log in as" session.
func isSelf(a Actor, u sqlcdb.User) bool {
	return u.ID == a.UserID || (a.ImpersonatorID != 0 && u.ID == a.ImpersonatorID)
}

// mayActOn is the one decision of whether a may do act to u, a user the
// caller has already read from the acting account. Returns EFORBIDDEN with
// the reason, or EUNAUTHORIZED for no actor.
func mayActOn(ctx context.Context, q *sqlcdb.Queries, a Actor, act UserAct, u sqlcdb.User) error {
	rule, ok := actRules[act]
	if !ok {
		return errForbidden
	}
	if err := rule.need(a); err != nil {
		return err
	}
	if a.system {
		return nil
	}
	self := isSelf(a, u)
	if self && rule.self && u.ID == a.UserID {
		return nil
	}
	// The owner hears "the owner cannot be blocked" rather than "you
	// cannot block yourself" where there is such a message.
	_, ownerSays := actMessages["owner/"+string(act)]
	if u.IsOwner == 1 && (!self || ownerSays) {
		return Errorf(EFORBIDDEN, actMessage("owner", act))
	}
	if self {
		return Errorf(EFORBIDDEN, actMessage("self", act))
	}
	if a.IsOwner {
		return nil
	}
	missing, err := missingPermission(ctx, q, a, u.RoleID)
	if err != nil {
		return err
	}
	if missing != "" {
		if act == ActImpersonate {
			return Errorf(EFORBIDDEN, "user.impersonate.more_rights", "Permission", missing)
		}
		return Errorf(EFORBIDDEN, "policy.stronger", "Name", userLabel(u), "Permission", missing)
	}
	return nil
}

// missingPermission returns a permission of the role that the actor lacks,
// or "" when the actor holds every one of them.
func missingPermission(ctx context.Context, q *sqlcdb.Queries, a Actor, roleID int64) (Permission, error) {
	r, err := q.GetRole(ctx, roleID)
	if err != nil {
		return "", notFound(err)
	}
	perms := []Permission{}
	if r.Builtin == BuiltinAdministrator {
		perms = AllPermissions()
	} else {
		keys, err := q.RolePermissions(ctx, roleID)
		if err != nil {
			return "", err
		}
		for _, k := range keys {
			perms = append(perms, Permission(k))
		}
	}
	for _, p := range perms {
		if !a.holds(p) {
			return p, nil
		}
	}
	return "", nil
}

// holds says whether the actor's standing covers permission p when the
// hierarchy weighs a target or a role: a SCIM token's ceiling role, any
// other actor's own permissions.
func (a Actor) holds(p Permission) bool {
	if a.ceiling != nil {
		return a.ceiling[p]
	}
	return a.Can(p)
}

// mayGiveRole reports whether the actor may hand out (or take away) a role:
// only one whose every permission they hold (R-SEC-2). Returns EFORBIDDEN
// (role.above_own) otherwise.
func (t *tx) mayGiveRole(roleID int64) error {
	a := t.a
	if a.IsOwner || a.system {
		return nil
	}
	missing, err := missingPermission(t.ctx, t.Queries, a, roleID)
	if err != nil {
		return err
	}
	if missing != "" {
		return Errorf(EFORBIDDEN, "role.above_own")
	}
	return nil
}

// targetUser reads a user of the acting account inside t and checks that
// the actor may do act to them: the start of every write to a user.
func (t *tx) targetUser(act UserAct, id int64) (sqlcdb.User, error) {
	u, err := t.accountUser(id)
	if err != nil {
		return u, err
	}
	return u, mayActOn(t.ctx, t.Queries, t.a, act, u)
}

// mayActOnUser is mayActOn for a user read inside t by other means.
func (t *tx) mayActOnUser(act UserAct, u sqlcdb.User) error {
	return mayActOn(t.ctx, t.Queries, t.a, act, u)
}

// checkSelfCredentials refuses, on the admin paths, a change of one's own
// login e-mail, notification e-mail or password: those need the current
// password and go through the profile (R-SEC-2, R-SEC-9).
func checkSelfCredentials(a Actor, u sqlcdb.User, in UserInput) error {
	if a.system || !isSelf(a, u) {
		return nil
	}
	var v ValidationError
	if !equalFoldASCII(u.Email, in.Email) {
		v.Add("email", M("policy.self_credentials"))
	}
	if !equalFoldASCII(u.NotifyEmail, in.NotifyEmail) {
		v.Add("notify_email", M("policy.self_credentials"))
	}
	if in.Password != "" {
		v.Add("password", M("policy.self_credentials"))
	}
	if err := v.Err(); err != nil {
		e := AsError(err)
		e.Code, e.Msg = EFORBIDDEN, M("policy.self_credentials")
		return e
	}
	return nil
}

// mayChangeOwnCredentials refuses lasting changes to one's own sign-in
// (password, e-mail, API tokens, second factor) while an admin acts as the
// user through "log in as" (R-SEC-9).
func mayChangeOwnCredentials(a Actor) error {
	if !a.Valid() {
		return errUnauthorized
	}
	if a.ImpersonatorID != 0 {
		return Errorf(EFORBIDDEN, "policy.impersonating")
	}
	return nil
}

// requireOwnerOrSystem admits the owner and the operator at the command
// line: installation settings, backups, the outbox.
func requireOwnerOrSystem(a Actor) error {
	if !a.Valid() {
		return errUnauthorized
	}
	if !a.IsOwner && !a.system {
		return errForbidden
	}
	return nil
}

// UserActs says which row-menu acts the actor may take on one user, for
// pages that offer only what the policy allows (hiding is never the guard).
type UserActs struct {
	Edit, Block, Unblock, Delete, Reset, Impersonate, Access, Seats bool
	// Sessions: the user page lists the user's sessions and ends them
	// (R-MFA-4); not a row-menu act, so Any leaves it out.
	Sessions bool
	// ResetMFA: the user page offers to remove the user's second factor
	// (R-MFA-4), when they have one.
	ResetMFA bool
	// Offboard: the user page offers the offboarding flow (R-GOV-4).
	Offboard bool
}

// Any reports whether the menu has anything to offer.
func (x UserActs) Any() bool {
	return x.Edit || x.Block || x.Unblock || x.Delete || x.Reset || x.Impersonate || x.Access || x.Seats
}

// UserActions asks the policy about each act on user id of the acting
// account, given the user's state (a blocked user is unblocked, not
// blocked; only an active user can be impersonated).
// Returns ENOTFOUND outside the account.
func (d *DB) UserActions(ctx context.Context, a Actor, id int64) (UserActs, error) {
	u, err := d.accountUserRead(ctx, a, id)
	if err != nil {
		return UserActs{}, err
	}
	may := func(act UserAct) bool { return mayActOn(ctx, d.rq, a, act, u) == nil }
	blocked := u.Status == StatusBlocked
	return UserActs{
		Edit:        may(ActEdit),
		Block:       !blocked && may(ActBlock),
		Unblock:     blocked && may(ActUnblock),
		Delete:      may(ActDelete),
		Reset:       !blocked && may(ActResetPassword),
		Impersonate: u.Status == StatusActive && a.ImpersonatorID == 0 && may(ActImpersonate),
		Access:      a.HomeIsMain && u.AccountID == a.HomeAccountID && may(ActAccess),
		Seats:       may(ActSeat),
		Sessions:    may(ActEndSessions),
		ResetMFA:    may(ActResetMFA),
		Offboard:    may(ActOffboard),
	}, nil
}

// MayActOnUser asks the policy whether the actor may do act to user id of
// the acting account, for pages that open a form for it. Returns ENOTFOUND
// outside the account, EFORBIDDEN with the reason.
func (d *DB) MayActOnUser(ctx context.Context, a Actor, act UserAct, id int64) error {
	u, err := d.accountUserRead(ctx, a, id)
	if err != nil {
		return err
	}
	return mayActOn(ctx, d.rq, a, act, u)
}

func (d *DB) accountUserRead(ctx context.Context, a Actor, id int64) (sqlcdb.User, error) {
	u, err := d.rq.GetAccountUser(ctx, sqlcdb.GetAccountUserParams{ID: id, AccountID: a.AccountID})
	if err != nil {
		return u, Errorf(ENOTFOUND, "error.user_not_found")
	}
	return u, nil
}

// MayImportUsers says whether the actor may open the CSV import (each row
// is then checked as CreateUser checks the form). Returns EFORBIDDEN.
func MayImportUsers(a Actor) error { return a.require(PermUsersManage) }

// MaySeeSettings says whether the actor may open the Settings page: the
// owner, or a role with settings.manage. What each setting may change is
// checked by its own function. Returns EFORBIDDEN.
func MaySeeSettings(a Actor) error {
	if !a.Valid() {
		return errUnauthorized
	}
	if !a.IsOwner && !a.Can(PermSettingsManage) {
		return errForbidden
	}
	return nil
}

// MayManageAccounts says whether the actor may open the sub-account pages:
// the owner and main-account users with accounts.manage (R-ACC-3).
// Returns EFORBIDDEN.
func MayManageAccounts(a Actor) error { return requireAccountsAdmin(a) }

// MaySetUpDirectory says whether the actor may change or test the
// directory's sign-in settings (Settings → Katalog, OIDC): the owner alone,
// since they decide who signs in and "Sprawdź konfigurację" fetches an
// address they type. Returns EFORBIDDEN.
func MaySetUpDirectory(a Actor) error { return requireOwnerOrSystem(a) }

// MaySeeDirectory says whether Settings → Katalog opens for the actor:
// its SCIM tokens (users.manage) or its sign-in provider (the owner).
func MaySeeDirectory(a Actor) error {
	if err := MayManageSCIM(a); err == nil {
		return nil
	}
	return MaySetUpDirectory(a)
}
