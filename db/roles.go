package db

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// Role is a permission group (R-ROLE-1); field names follow DESIGN.md.
// Builtin is "administrator", "staff" or "" (R-ROLE-6).
type Role struct {
	ID          int64        `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Permissions []Permission `json:"permissions"`
	Builtin     bool         `json:"builtin"` // Administrator or Staff member (R-ROLE-6)
	Kind        string       `json:"kind"`    // BuiltinAdministrator, BuiltinStaff or RoleCustom
	UserCount   int          `json:"user_count"`
	// RequireMFA: its users must have a second factor (R-MFA-3).
	RequireMFA bool `json:"require_mfa"`
}

// RoleCustom is the kind of a role the owner made.
const RoleCustom = "custom"

func roleKind(builtin string) string {
	if builtin == "" {
		return RoleCustom
	}
	return builtin
}

// Has reports whether the role grants p (for templates).
func (r Role) Has(p Permission) bool { return slices.Contains(r.Permissions, p) }

// RoleInput is what the role wizard and form collect: the first step's name
// and description, the second step's permissions and, on creation, the
// third step's users (R-ROLE-2).
type RoleInput struct {
	Name        string       `json:"name" form:"name"`
	Description string       `json:"description" form:"description"`
	Permissions []Permission `json:"permissions" form:"permissions"`
	UserIDs     []int64      `json:"user_ids" form:"user_ids"`
}

// RoleStep names a step of the creation wizard (R-ROLE-2).
type RoleStep int

// The wizard's steps, in order.
const (
	RoleStepDetails RoleStep = iota + 1
	RoleStepPermissions
	RoleStepUsers
)

// RoleFilter narrows and orders the role list. Sort is "name" (default),
// "-name", "users" or "-users".
type RoleFilter struct {
	Q       string `query:"q"`
	Sort    string `query:"sort"`
	Page    int    `query:"page"`
	PerPage int    `query:"per_page"`
}

// RoleUser is a user as the role pages show them: on the details page, and
// on the wizard's last step with the role they would be moved from.
type RoleUser struct {
	ID        int64  `json:"id"`
	AccountID int64  `json:"account_id"`
	Email     string `json:"email"`
	FullName  string `json:"full_name"`
	Status    string `json:"status"`
	IsOwner   bool   `json:"is_owner"`
	RoleID    int64  `json:"role_id"`
	RoleName  string `json:"role_name"`
}

// canSeeRoles: the owner, and whoever sees or manages users (who pick a
// role in the user form). Everybody else is refused.
func canSeeRoles(a Actor) error {
	if !a.Valid() {
		return errUnauthorized
	}
	if a.IsOwner || a.Can(PermUsersView) || a.Can(PermUsersManage) {
		return nil
	}
	return errForbidden
}

// MayManageRoles returns nil for the one actor who may create, edit and
// delete roles, the owner (R-ROLE-3), and EFORBIDDEN (or EUNAUTHORIZED)
// for anyone else; pages use it to offer or hide those forms.
func MayManageRoles(a Actor) error { return requireOwner(a) }

// requireOwner refuses anyone but the owner (R-ROLE-3).
func requireOwner(a Actor) error {
	if !a.Valid() {
		return errUnauthorized
	}
	if !a.IsOwner {
		return Errorf(EFORBIDDEN, "role.owner_only")
	}
	return nil
}

// roleScope is the account whose users a role list counts: every account
// for the owner (R-ACC-3), the acting one for anyone else (R-ACC-5).
func roleScope(a Actor) sql.NullInt64 {
	if a.IsOwner {
		return sql.NullInt64{}
	}
	return nullID(a.AccountID)
}

// ListRoles returns a page of roles with their permissions and the number
// of users holding each. Needs users.view or users.manage (or the owner).
func (d *DB) ListRoles(ctx context.Context, a Actor, f RoleFilter) (Page[Role], error) {
	if err := canSeeRoles(a); err != nil {
		return Page[Role]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	rows, err := d.rq.ListRoles(ctx, sqlcdb.ListRolesParams{AccountID: roleScope(a), Q: likeContains(f.Q)})
	if err != nil {
		return Page[Role]{}, err
	}
	perms, err := d.rolePermissions(ctx)
	if err != nil {
		return Page[Role]{}, err
	}
	roles := make([]Role, len(rows))
	for i, r := range rows {
		roles[i] = Role{ID: r.ID, Name: d.names.roleName(a.Lang, r.Name, r.Builtin),
			Description: d.names.roleDescription(a.Lang, r.Description, r.Builtin), Builtin: r.Builtin != "", Kind: roleKind(r.Builtin),
			UserCount: int(r.UserCount), Permissions: permsOf(r.Builtin, perms[r.ID])}
	}
	sortRoles(roles, f.Sort)
	out := Page[Role]{Items: []Role{}, Total: len(roles), Page: f.Page, PerPage: f.PerPage}
	if from := (f.Page - 1) * f.PerPage; from < len(roles) {
		out.Items = roles[from:min(from+f.PerPage, len(roles))]
	}
	return out, nil
}

// RoleOptions lists every role by name, for choosing one (the user form).
func (d *DB) RoleOptions(ctx context.Context, a Actor) ([]Role, error) {
	if err := canSeeRoles(a); err != nil {
		return nil, err
	}
	rows, err := d.rq.RoleNames(ctx) // no user counts: they cost a scan at 100,000 users
	if err != nil {
		return nil, err
	}
	out := make([]Role, len(rows))
	for i, r := range rows {
		out[i] = Role{ID: r.ID, Name: d.names.roleName(a.Lang, r.Name, r.Builtin),
			Description: d.names.roleDescription(a.Lang, r.Description, r.Builtin), Builtin: r.Builtin != "", Kind: roleKind(r.Builtin)}
	}
	sortRoles(out, "name") // a built-in name is known only now, in the viewer's language
	return out, nil
}
func sortRoles(roles []Role, by string) {
	name := func(x, y Role) int { return strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)) }
	slices.SortStableFunc(roles, func(x, y Role) int {
		switch by {
		case "-name":
			return name(y, x)
		case "users":
			if c := x.UserCount - y.UserCount; c != 0 {
				return c
			}
		case "-users":
			if c := y.UserCount - x.UserCount; c != 0 {
				return c
			}
		}
		return name(x, y)
	})
}

// rolePermissions reads the permissions of every role (a small table).
func (d *DB) rolePermissions(ctx context.Context) (map[int64][]Permission, error) {
	rows, err := d.rq.AllRolePermissions(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64][]Permission{}
	for _, r := range rows {
		out[r.RoleID] = append(out[r.RoleID], Permission(r.Permission))
	}
	return out, nil
}

// permsOf puts stored permissions in catalogue order, dropping keys the
// catalogue no longer has. Administrator always holds the whole catalogue
// (R-ROLE-6), even a permission added after the role was stored.
func permsOf(builtin string, stored []Permission) []Permission {
	out := []Permission{}
	for _, p := range AllPermissions() {
		if builtin == BuiltinAdministrator || slices.Contains(stored, p) {
			out = append(out, p)
		}
	}
	return out
}

// GetRole returns one role with its permissions and user count (R-ROLE-5).
// Returns ENOTFOUND for an unknown id.
func (d *DB) GetRole(ctx context.Context, a Actor, id int64) (Role, error) {
	if err := canSeeRoles(a); err != nil {
		return Role{}, err
	}
	return d.getRole(ctx, d.rq, a, id)
}

// getRole reads a role through q: the read pool, or the write that
// changes it.
func (d *DB) getRole(ctx context.Context, q *sqlcdb.Queries, a Actor, id int64) (Role, error) {
	r, err := q.GetRole(ctx, id)
	if err != nil {
		return Role{}, notFound(err)
	}
	perms, err := q.RolePermissions(ctx, id)
	if err != nil {
		return Role{}, err
	}
	n, err := q.RoleHolderCount(ctx, sqlcdb.RoleHolderCountParams{RoleID: id, AccountID: roleScope(a)})
	if err != nil {
		return Role{}, err
	}
	out := Role{ID: r.ID, Name: d.names.roleName(a.Lang, r.Name, r.Builtin),
		Description: d.names.roleDescription(a.Lang, r.Description, r.Builtin), Builtin: r.Builtin != "", Kind: roleKind(r.Builtin),
		UserCount: int(n), RequireMFA: r.RequireMfa == 1}
	stored := make([]Permission, len(perms))
	for i, p := range perms {
		stored[i] = Permission(p)
	}
	out.Permissions = permsOf(r.Builtin, stored)
	return out, nil
}

// RoleHolders returns a page of the users holding a role (R-ROLE-5): of
// every account for the owner, of the acting account for anyone else.
func (d *DB) RoleHolders(ctx context.Context, a Actor, roleID int64, f UserFilter) (Page[RoleUser], error) {
	if err := canSeeRoles(a); err != nil {
		return Page[RoleUser]{}, err
	}
	r, err := d.rq.GetRole(ctx, roleID)
	if err != nil {
		return Page[RoleUser]{}, notFound(err)
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	q, scope := likeContains(f.Q), roleScope(a)
	var total int64
	if q.Valid {
		total, err = d.rq.CountRoleHolders(ctx, sqlcdb.CountRoleHoldersParams{RoleID: roleID, AccountID: scope, Q: q})
	} else {
		total, err = d.rq.RoleHolderCount(ctx, sqlcdb.RoleHolderCountParams{RoleID: roleID, AccountID: scope})
	}
	if err != nil {
		return Page[RoleUser]{}, err
	}
	var rows []sqlcdb.RoleHoldersRow
	lim, off := int64(f.PerPage), int64((f.Page-1)*f.PerPage)
	if total > bigGroup {
		byName, err := d.rq.RoleHoldersByName(ctx, sqlcdb.RoleHoldersByNameParams{RoleID: roleID, AccountID: scope,
			Q: q, Lim: lim, Off: off})
		if err != nil {
			return Page[RoleUser]{}, err
		}
		for _, r := range byName {
			rows = append(rows, sqlcdb.RoleHoldersRow(r))
		}
	} else if rows, err = d.rq.RoleHolders(ctx, sqlcdb.RoleHoldersParams{RoleID: roleID, AccountID: scope, Q: q,
		Lim: lim, Off: off}); err != nil {
		return Page[RoleUser]{}, err
	}
	out := Page[RoleUser]{Items: make([]RoleUser, len(rows)), Total: int(total), Page: f.Page, PerPage: f.PerPage}
	for i, u := range rows {
		out.Items[i] = RoleUser{ID: u.ID, AccountID: u.AccountID, Email: u.Email, FullName: u.FullName,
			Status: u.Status, IsOwner: u.IsOwner == 1, RoleID: roleID,
			RoleName: d.names.roleName(a.Lang, r.Name, r.Builtin)}
	}
	return out, nil
}

// RoleCandidates returns a page of the acting account's users with the role
// each holds now, for the wizard's last step ("moves from ..."). Owner only
// (R-ROLE-3).
func (d *DB) RoleCandidates(ctx context.Context, a Actor, f UserFilter) (Page[RoleUser], error) {
	if err := requireOwner(a); err != nil {
		return Page[RoleUser]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 25)
	q := likeContains(f.Q)
	total, err := d.rq.CountRoleCandidates(ctx, sqlcdb.CountRoleCandidatesParams{AccountID: a.AccountID, Q: q})
	if err != nil {
		return Page[RoleUser]{}, err
	}
	rows, err := d.rq.RoleCandidates(ctx, sqlcdb.RoleCandidatesParams{AccountID: a.AccountID, Q: q,
		Lim: int64(f.PerPage), Off: int64((f.Page - 1) * f.PerPage)})
	if err != nil {
		return Page[RoleUser]{}, err
	}
	out := Page[RoleUser]{Items: make([]RoleUser, len(rows)), Total: int(total), Page: f.Page, PerPage: f.PerPage}
	for i, u := range rows {
		out.Items[i] = RoleUser{ID: u.ID, AccountID: a.AccountID, Email: u.Email, FullName: u.FullName,
			Status: u.Status, IsOwner: u.IsOwner == 1, RoleID: u.RoleID,
			RoleName: d.names.roleName(a.Lang, u.RoleName, u.RoleBuiltin)}
	}
	return out, nil
}
