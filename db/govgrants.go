package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// Grants that end (R-GOV-2): sub-account access and a role may be given
// until a day. The day is the last one the grant holds, in the
// installation's time zone; it ends at the local midnight after it, when
// SweepGrants (hourly) withdraws the access or sets the role back to the
// one held before. Giving, extending and ending early are the same act as
// giving the access or role (ActAccess, ActRole in policy.go), audited as
// the actor; the end itself is audited as the system, and the user and the
// admin who gave the grant are mailed.

// Grant kinds.
const (
	GrantAccess = "access" // sub-account access
	GrantRole   = "role"   // a role, with the one to go back to
)

// maxGrantDays is how far ahead a grant may end: a grant for longer is
// not temporary, and a typo in the year should not make it so.
const maxGrantDays = 3 * 366

// Grant is one grant of a user that ends on a day.
type Grant struct {
	Kind        string `json:"kind"`
	UserID      int64  `json:"user_id"`
	AccountID   int64  `json:"account_id,omitempty"`   // access: the sub-account
	AccountName string `json:"account_name,omitempty"` // access
	RoleID      int64  `json:"role_id,omitempty"`      // role: the role given
	RoleName    string `json:"role_name,omitempty"`
	// PreviousRoleID is the role the user goes back to (role grants).
	PreviousRoleID   int64  `json:"previous_role_id,omitempty"`
	PreviousRoleName string `json:"previous_role_name,omitempty"`
	// EndsAt is the moment the grant ends: the local midnight after LastDay.
	EndsAt    time.Time `json:"ends_at"`
	LastDay   string    `json:"last_day"` // YYYY-MM-DD, in the installation's zone
	GrantedBy string    `json:"granted_by,omitempty"`
	// MayChange says whether the reader may extend or end it (the policy's
	// answer for the grant's act), so that pages offer only what works.
	MayChange bool `json:"-"`
}

// GrantInput gives a grant that ends, or moves the end of one. The end is
// EndsAt, a day (YYYY-MM-DD, the last day the grant holds) or an RFC 3339
// moment, or Days: "for N days", today being the first.
type GrantInput struct {
	Kind      string `json:"kind" form:"kind"`
	AccountID int64  `json:"account_id" form:"account_id"`
	RoleID    int64  `json:"role_id" form:"role_id"`
	EndsAt    string `json:"ends_at" form:"ends_at"`
	Days      int    `json:"days" form:"days"`
	// Move only moves the end of a grant the user holds: ENOTFOUND when
	// they hold none (the API's PATCH, the list's "extend").
	Move bool `json:"-" form:"-"`
}

// grantEnd reads the end of a grant from in: the local midnight after the
// last day. Refuses an end that is not after now, or too far ahead.
func (t *tx) grantEnd(in GrantInput) (time.Time, error) {
	loc, err := t.d.location(t.ctx, t.Queries)
	if err != nil {
		return time.Time{}, err
	}
	now := t.d.now().In(loc)
	var v ValidationError
	var end time.Time
	s := strings.TrimSpace(in.EndsAt)
	switch {
	case s != "" && in.Days != 0:
		v.Add("ends_at", M("grant.end_twice"))
	case s != "":
		if day, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
			end = day.AddDate(0, 0, 1)
		} else if at, err := time.Parse(time.RFC3339, s); err == nil {
			end = at
		} else {
			v.Add("ends_at", M("grant.end_format"))
		}
	case in.Days > 0:
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		end = today.AddDate(0, 0, in.Days)
	case in.Days < 0:
		v.Add("days", M("grant.days_positive"))
	default:
		v.Add("ends_at", M("grant.end_required"))
	}
	if err := v.Err(); err != nil {
		return time.Time{}, err
	}
	field := "ends_at"
	if s == "" {
		field = "days"
	}
	if !end.After(now) {
		v.Add(field, M("grant.end_past"))
	} else if end.After(now.AddDate(0, 0, maxGrantDays)) {
		v.Add(field, M("grant.end_far", "Days", maxGrantDays))
	}
	return end, v.Err()
}

// grantEndIn is grantEnd with the installation's zone.
func (t *tx) grantEndIn(in GrantInput) (time.Time, *time.Location, error) {
	loc, err := t.d.location(t.ctx, t.Queries)
	if err != nil {
		return time.Time{}, nil, err
	}
	end, err := t.grantEnd(in)
	return end, loc, err
}

// lastDay is the day a grant ending at end last holds, in loc.
func lastDay(end time.Time, loc *time.Location) string {
	return end.In(loc).Add(-time.Second).Format(time.DateOnly)
}

// UserGrants lists the grants of a user that end, soonest first (R-GOV-2).
// Needs users.view in the user's account; a sub-account's users have none.
func (d *DB) UserGrants(ctx context.Context, a Actor, userID int64) ([]Grant, error) {
	if err := a.require(PermUsersView); err != nil {
		return nil, err
	}
	u, err := getAccountUser(ctx, d.rq, a, userID)
	if err != nil {
		return nil, err
	}
	loc, err := d.location(ctx, d.rq)
	if err != nil {
		return nil, err
	}
	out := []Grant{}
	rows, err := d.rq.UserAccessGrants(ctx, userID)
	if err != nil {
		return nil, err
	}
	mayAccess := mayActOn(ctx, d.rq, a, ActAccess, u) == nil
	for _, r := range rows {
		if !r.EndsAt.Valid {
			continue
		}
		end := time.Unix(r.EndsAt.Int64, 0)
		out = append(out, Grant{Kind: GrantAccess, UserID: userID, AccountID: r.AccountID, AccountName: r.AccountName,
			EndsAt: end.In(loc), LastDay: lastDay(end, loc), GrantedBy: nameOr(r.GrantedByName, r.GrantedByEmail),
			MayChange: mayAccess})
	}
	rg, err := d.rq.GetRoleGrant(ctx, userID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if err == nil && rg.RoleID == u.RoleID {
		end := time.Unix(rg.EndsAt, 0)
		out = append(out, Grant{Kind: GrantRole, UserID: userID, RoleID: rg.RoleID,
			RoleName: d.roleNameIn(ctx, d.rq, a.Lang, rg.RoleID), PreviousRoleID: rg.PreviousRoleID,
			PreviousRoleName: d.roleNameIn(ctx, d.rq, a.Lang, rg.PreviousRoleID), EndsAt: end.In(loc),
			LastDay: lastDay(end, loc), GrantedBy: nameOr(rg.GrantedByName, rg.GrantedByEmail),
			MayChange: mayActOn(ctx, d.rq, a, ActRole, u) == nil})
	}
	return out, nil
}

func nameOr(name, email string) string {
	if name != "" {
		return name
	}
	return email
}

// getAccountUser reads a user of the actor's account outside a write:
// ENOTFOUND for anyone else (R-ACC-5).
func getAccountUser(ctx context.Context, q *sqlcdb.Queries, a Actor, id int64) (sqlcdb.User, error) {
	u, err := q.GetUser(ctx, id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && u.AccountID != a.AccountID) {
		return u, Errorf(ENOTFOUND, "error.user_not_found")
	}
	return u, err
}

// GiveGrant gives a user sub-account access or a role until a day, or
// moves the end of such a grant they hold (extends or shortens it). Access
// held without end gets an end; a role grant keeps the role to go back to
// when it is given again. The same act as giving the access or role
// (R-SEC-2): accounts.manage, resp. users.manage and a role whose every
// permission the actor holds. Returns the grant; ENOTFOUND, EFORBIDDEN,
// EINVALID per field.
func (d *DB) GiveGrant(ctx context.Context, a Actor, userID int64, in GrantInput) (Grant, error) {
	switch in.Kind {
	case GrantAccess:
		if err := requireAct(a, ActAccess); err != nil {
			return Grant{}, err
		}
	case GrantRole:
		if err := requireAct(a, ActRole); err != nil {
			return Grant{}, err
		}
	default:
		if _, err := getAccountUser(ctx, d.rq, a, userID); err != nil {
			return Grant{}, err // an unknown user first, as every other path says
		}
		var v ValidationError
		v.Add("kind", M("grant.kind_unknown"))
		return Grant{}, v.Err()
	}
	err := d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		if in.Kind == GrantAccess {
			return t.giveAccessGrant(userID, in)
		}
		return t.giveRoleGrant(userID, in)
	}, nil)
	if err != nil {
		return Grant{}, err
	}
	gs, err := d.UserGrants(ctx, a, userID)
	if err != nil {
		return Grant{}, err
	}
	for _, g := range gs {
		if g.Kind == in.Kind && (g.Kind == GrantRole || g.AccountID == in.AccountID) {
			return g, nil
		}
	}
	return Grant{}, errNotFound
}

func (t *tx) giveAccessGrant(userID int64, in GrantInput) ([]change, error) {
	accountID, move := in.AccountID, in.Move
	u, err := t.accountUser(userID)
	if err != nil {
		return nil, err
	}
	if _, err := mainUser(t.ctx, t.Queries, userID); err != nil {
		return nil, err
	}
	if u.IsOwner == 1 {
		return nil, Errorf(EFORBIDDEN, "account.access.owner_fixed")
	}
	if err := t.mayActOnUser(ActAccess, u); err != nil {
		return nil, err
	}
	end, loc, err := t.grantEndIn(in)
	if err != nil {
		return nil, err
	}
	acc, err := t.GetAccount(t.ctx, accountID)
	if err != nil || !acc.ParentID.Valid {
		var v ValidationError
		v.Add("account_id", M("grant.account_unknown"))
		return nil, v.Err()
	}
	before := map[string]any{"account_id": acc.ID}
	old, err := t.GetAccessGrant(t.ctx, sqlcdb.GetAccessGrantParams{UserID: u.ID, AccountID: acc.ID})
	if move && (err != nil || !old.EndsAt.Valid) {
		if errors.Is(err, sql.ErrNoRows) || err == nil {
			return nil, Errorf(ENOTFOUND, "grant.not_found")
		}
		return nil, err
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		before = nil
	case err != nil:
		return nil, err
	case old.EndsAt.Valid:
		before["ends_on"] = lastDay(time.Unix(old.EndsAt.Int64, 0), loc)
	default:
		before["ends_on"] = ""
	}
	if err := t.SetAccessEnd(t.ctx, sqlcdb.SetAccessEndParams{UserID: u.ID, AccountID: acc.ID,
		EndsAt: sql.NullInt64{Int64: end.Unix(), Valid: true}, GrantedBy: nullID(t.a.UserID)}); err != nil {
		return nil, err
	}
	after := map[string]any{"account_id": acc.ID, "ends_on": lastDay(end, loc)}
	action := "user.grant_access"
	if before != nil {
		action = "user.grant_change"
	}
	return one(change{Action: action, TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
		AccountID: u.AccountID, Before: before, After: after}), nil
}

func (t *tx) giveRoleGrant(userID int64, in GrantInput) ([]change, error) {
	roleID, move := in.RoleID, in.Move
	u, err := t.targetUser(ActRole, userID)
	if err != nil {
		return nil, err
	}
	end, loc, err := t.grantEndIn(in)
	if err != nil {
		return nil, err
	}
	cur, err := t.GetRoleGrant(t.ctx, u.ID)
	held := err == nil && cur.RoleID == u.RoleID
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if move && !held {
		return nil, Errorf(ENOTFOUND, "grant.not_found")
	}
	if (roleID == 0 || move) && held {
		roleID = cur.RoleID // only the end moves
	}
	to, err := t.GetRole(t.ctx, roleID)
	if err != nil {
		var v ValidationError
		v.Add("role_id", M("user.role_unknown"))
		return nil, v.Err()
	}
	if err := t.mayGiveRole(to.ID); err != nil {
		return nil, err
	}
	previous := u.RoleID
	if held {
		previous = cur.PreviousRoleID
	}
	if previous == to.ID {
		var v ValidationError
		v.Add("role_id", M("grant.role_same"))
		return nil, v.Err()
	}
	var changes []change
	c, err := t.moveUserToRole(u.ID, to)
	if err != nil {
		return nil, err
	}
	changes = append(changes, c)
	if err := t.SetRoleGrant(t.ctx, sqlcdb.SetRoleGrantParams{UserID: u.ID, RoleID: to.ID, PreviousRoleID: previous,
		EndsAt: end.Unix(), GrantedBy: nullID(t.a.UserID), CreatedAt: t.d.unix()}); err != nil {
		return nil, err
	}
	var before map[string]any
	action := "user.grant_role"
	if held {
		action = "user.grant_change"
		before = map[string]any{"role_id": cur.RoleID, "previous_role_id": cur.PreviousRoleID,
			"ends_on": lastDay(time.Unix(cur.EndsAt, 0), loc)}
	}
	changes = append(changes, change{Action: action, TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
		AccountID: u.AccountID, Before: before,
		After: map[string]any{"role_id": to.ID, "previous_role_id": previous, "ends_on": lastDay(end, loc)}})
	return changes, nil
}

// EndGrant ends a grant early, now: the access is withdrawn, or the role
// set back to the one held before. The same act as giving it. Returns
// ENOTFOUND when the user holds no such grant.
func (d *DB) EndGrant(ctx context.Context, a Actor, userID int64, kind string, accountID int64) error {
	act := ActAccess
	if kind == GrantRole {
		act = ActRole
	} else if kind != GrantAccess {
		return errNotFound
	}
	if err := requireAct(a, act); err != nil {
		return err
	}
	action := "user.grant_end"
	return d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.targetUser(act, userID)
		if err != nil {
			return nil, err
		}
		if kind == GrantAccess {
			g, err := t.GetAccessGrant(t.ctx, sqlcdb.GetAccessGrantParams{UserID: u.ID, AccountID: accountID})
			if errors.Is(err, sql.ErrNoRows) || (err == nil && !g.EndsAt.Valid) {
				return nil, Errorf(ENOTFOUND, "grant.not_found")
			} else if err != nil {
				return nil, err
			}
			return t.endAccessGrant(u, g, action, false)
		}
		g, err := t.GetRoleGrant(t.ctx, u.ID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && g.RoleID != u.RoleID) {
			return nil, Errorf(ENOTFOUND, "grant.not_found")
		} else if err != nil {
			return nil, err
		}
		if err := t.mayGiveRole(g.PreviousRoleID); err != nil {
			return nil, err
		}
		return t.endRoleGrant(u, g, action, false)
	}, nil)
}

// endAccessGrant withdraws a timed access; mail tells the user and the
// admin who gave it when the end comes by itself.
func (t *tx) endAccessGrant(u sqlcdb.User, g sqlcdb.AccountAccess, action string, mail bool) ([]change, error) {
	if _, err := t.RevokeAccountAccess(t.ctx, sqlcdb.RevokeAccountAccessParams{UserID: u.ID, AccountID: g.AccountID}); err != nil {
		return nil, err
	}
	acc, err := t.GetAccount(t.ctx, g.AccountID)
	if err != nil {
		return nil, err
	}
	loc, err := t.d.location(t.ctx, t.Queries)
	if err != nil {
		return nil, err
	}
	if mail {
		if err := t.mailGrantEnded(u, g.GrantedBy, mailData{GrantKind: GrantAccess, GrantName: acc.Name}); err != nil {
			return nil, err
		}
	}
	return one(change{Action: action, TargetType: "user", TargetID: u.ID, TargetLabel: u.Email, AccountID: u.AccountID,
		Before: map[string]any{"account_id": acc.ID, "ends_on": lastDay(time.Unix(g.EndsAt.Int64, 0), loc)}}), nil
}

// endRoleGrant sets the role back to the one held before the grant.
func (t *tx) endRoleGrant(u sqlcdb.User, g sqlcdb.GetRoleGrantRow, action string, mail bool) ([]change, error) {
	prev, err := t.GetRole(t.ctx, g.PreviousRoleID)
	if err != nil {
		return nil, err
	}
	if _, err := t.DeleteRoleGrant(t.ctx, u.ID); err != nil {
		return nil, err
	}
	c, err := t.moveUserToRole(u.ID, prev)
	if err != nil {
		return nil, err
	}
	loc, err := t.d.location(t.ctx, t.Queries)
	if err != nil {
		return nil, err
	}
	if mail {
		lang := t.recipientLang(u, "")
		if err := t.mailGrantEnded(u, g.GrantedBy, mailData{GrantKind: GrantRole,
			GrantName: t.d.roleNameIn(t.ctx, t.Queries, lang, g.RoleID),
			GrantBack: t.d.roleNameIn(t.ctx, t.Queries, lang, prev.ID)}); err != nil {
			return nil, err
		}
	}
	return []change{c, {Action: action, TargetType: "user", TargetID: u.ID, TargetLabel: u.Email, AccountID: u.AccountID,
		Before: map[string]any{"role_id": g.RoleID, "ends_on": lastDay(time.Unix(g.EndsAt, 0), loc)},
		After:  map[string]any{"role_id": prev.ID}}}, nil
}

// mailGrantEnded tells the user, and the admin who gave the grant (when
// they are still there and someone else), that a grant ended.
func (t *tx) mailGrantEnded(u sqlcdb.User, by sql.NullInt64, data mailData) error {
	if _, err := t.queueUserMail(u, mailTo(u), mailGrantEnded, "", data); err != nil {
		return err
	}
	if !by.Valid || by.Int64 == u.ID {
		return nil
	}
	admin, err := t.GetUser(t.ctx, by.Int64)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	if admin.Status != "active" {
		return nil
	}
	data.About = nameOr(u.FullName, u.Email)
	data.Name, data.Email = admin.FullName, admin.Email
	_, err = t.queueMailTo(admin.AccountID, mailTo(admin), mailGrantEnded, t.recipientLang(admin, ""), data)
	return err
}

// SweepGrants ends, as the system, every grant whose end has come
// (R-GOV-2): access is withdrawn, a role set back to the one held before,
// each audited and mailed. A role grant whose role was changed otherwise
// meanwhile is forgotten without a change. It is idempotent: what it ended
// is gone, so a second run finds nothing. Returns how many grants ended.
// The hourly loop of main.go calls it.
func (d *DB) SweepGrants(ctx context.Context) (int, error) {
	now := d.unix()
	n := 0
	action := "user.grant_expire"
	accessDue, err := d.rq.DueAccessGrants(ctx, now)
	if err != nil {
		return 0, err
	}
	for _, g := range accessDue {
		err := d.update(ctx, System(), func(t *tx) ([]change, error) {
			cur, err := t.GetAccessGrant(t.ctx, sqlcdb.GetAccessGrantParams{UserID: g.UserID, AccountID: g.AccountID})
			if errors.Is(err, sql.ErrNoRows) || (err == nil && (!cur.EndsAt.Valid || cur.EndsAt.Int64 > now)) {
				return nil, nil // ended or extended meanwhile
			} else if err != nil {
				return nil, err
			}
			u, err := t.GetUser(t.ctx, g.UserID)
			if err != nil {
				return nil, err
			}
			n++
			return t.endAccessGrant(u, cur, action, true)
		})
		if err != nil {
			return n, err
		}
	}
	roleDue, err := d.rq.DueRoleGrants(ctx, now)
	if err != nil {
		return n, err
	}
	for _, uid := range roleDue {
		err := d.updateCounted(ctx, System(), func(t *tx) ([]change, error) {
			g, err := t.GetRoleGrant(t.ctx, uid)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && g.EndsAt > now) {
				return nil, nil
			} else if err != nil {
				return nil, err
			}
			u, err := t.GetUser(t.ctx, uid)
			if err != nil {
				return nil, err
			}
			if u.RoleID != g.RoleID || u.IsOwner == 1 {
				_, err := t.DeleteRoleGrant(t.ctx, uid) // the role was changed otherwise
				return nil, err
			}
			n++
			return t.endRoleGrant(u, g, action, true)
		}, nil)
		if err != nil {
			return n, err
		}
	}
	if n > 0 {
		d.wakeMailer()
	}
	return n, nil
}

// mailGrantEnded tells a user, and the admin who gave it, that a grant
// ended by itself (R-GOV-2).
const mailGrantEnded = "grant_ended"

// roleNameIn is a role's name as lang reads it (a built-in one translated,
// R-I18N-1); "" for a role that is gone.
func (d *DB) roleNameIn(ctx context.Context, q *sqlcdb.Queries, lang string, id int64) string {
	r, err := q.GetRole(ctx, id)
	if err != nil {
		return ""
	}
	return d.names.roleName(lang, r.Name, r.Builtin)
}

// GrantOptions is what an actor may give a user until a day: the
// sub-accounts (with accounts.manage, for a main-account user who is not
// the owner) and the roles whose every permission the actor holds (with
// users.manage), each only when the policy allows the act on the user.
type GrantOptions struct {
	Accounts []Account `json:"accounts"`
	Roles    []Role    `json:"roles"`
}

// Any reports whether there is anything to give.
func (o GrantOptions) Any() bool { return len(o.Accounts) > 0 || len(o.Roles) > 0 }

// GrantOptions lists what a may give user id until a day (R-GOV-2), asking
// the policy the same questions GiveGrant asks. ENOTFOUND outside the
// account.
func (d *DB) GrantOptions(ctx context.Context, a Actor, userID int64) (GrantOptions, error) {
	out := GrantOptions{Accounts: []Account{}, Roles: []Role{}}
	if err := a.require(PermUsersView); err != nil {
		return out, err
	}
	u, err := getAccountUser(ctx, d.rq, a, userID)
	if err != nil {
		return out, err
	}
	if u.IsOwner == 0 && mayActOn(ctx, d.rq, a, ActAccess, u) == nil {
		if _, err := mainUser(ctx, d.rq, userID); err == nil {
			subs, err := d.rq.SubAccounts(ctx)
			if err != nil {
				return out, err
			}
			for _, s := range subs {
				out.Accounts = append(out.Accounts, accountFrom(s))
			}
		}
	}
	if mayActOn(ctx, d.rq, a, ActRole, u) == nil {
		roles, err := d.RoleOptions(ctx, a)
		if err != nil {
			return out, err
		}
		for _, r := range roles {
			if a.IsOwner {
				out.Roles = append(out.Roles, r)
				continue
			}
			missing, err := missingPermission(ctx, d.rq, a, r.ID)
			if err != nil {
				return out, err
			}
			if missing == "" {
				out.Roles = append(out.Roles, r)
			}
		}
	}
	return out, nil
}

// Last is a moment of the grant's last day, for showing that day in the
// viewer's zone.
func (g Grant) Last() time.Time { return g.EndsAt.Add(-time.Second) }

// lastMoment is a moment of the last day of a grant ending at end.
func lastMoment(end *time.Time) time.Time {
	if end == nil {
		return time.Time{}
	}
	return end.Add(-time.Second)
}

// accessEnds maps the users whose access to sub-account id ends to when
// it does, for the access lists (R-GOV-2).
func accessEnds(ctx context.Context, q *sqlcdb.Queries, id int64) (map[int64]*time.Time, error) {
	rows, err := q.AccessEndsOfAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	out := map[int64]*time.Time{}
	for _, r := range rows {
		end := time.Unix(r.EndsAt.Int64, 0)
		out[r.UserID] = &end
	}
	return out, nil
}

// userAccessEnds maps the sub-accounts a user's access to ends to when.
func userAccessEnds(ctx context.Context, q *sqlcdb.Queries, userID int64) (map[int64]*time.Time, error) {
	rows, err := q.UserAccessGrants(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := map[int64]*time.Time{}
	for _, r := range rows {
		if r.EndsAt.Valid {
			end := time.Unix(r.EndsAt.Int64, 0)
			out[r.AccountID] = &end
		}
	}
	return out, nil
}
