package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
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

const (
	roleNameMax = 100
	roleDescMax = 500
)

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
	r, err := d.rq.GetRole(ctx, id)
	if err != nil {
		return Role{}, notFound(err)
	}
	perms, err := d.rq.RolePermissions(ctx, id)
	if err != nil {
		return Role{}, err
	}
	n, err := d.rq.RoleHolderCount(ctx, sqlcdb.RoleHolderCountParams{RoleID: id, AccountID: roleScope(a)})
	if err != nil {
		return Role{}, err
	}
	out := Role{ID: r.ID, Name: d.names.roleName(a.Lang, r.Name, r.Builtin),
		Description: d.names.roleDescription(a.Lang, r.Description, r.Builtin), Builtin: r.Builtin != "", Kind: roleKind(r.Builtin),
		UserCount: int(n)}
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

// normalRoleInput trims the input and drops repeated permissions and users.
func normalRoleInput(in RoleInput) RoleInput {
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n"))
	perms := []Permission{}
	for _, p := range in.Permissions {
		p = Permission(strings.TrimSpace(string(p)))
		if p != "" && !slices.Contains(perms, p) {
			perms = append(perms, p)
		}
	}
	in.Permissions = perms
	ids := []int64{}
	for _, id := range in.UserIDs {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	in.UserIDs = ids
	return in
}

// CheckRoleStep validates the wizard's input up to and including step, so
// that a step is refused where the person typed it (R-ROLE-2). Only the
// owner may use the wizard (R-ROLE-3). Returns EINVALID per field.
func (d *DB) CheckRoleStep(ctx context.Context, a Actor, in RoleInput, step RoleStep) error {
	if err := requireOwner(a); err != nil {
		return err
	}
	in = normalRoleInput(in)
	var v ValidationError
	if err := d.checkRoleDetails(ctx, &v, 0, in); err != nil {
		return err
	}
	if step >= RoleStepPermissions {
		checkRolePermissions(&v, "", in.Permissions)
	}
	if step >= RoleStepUsers {
		if err := d.checkRoleUsers(ctx, &v, a, in.UserIDs); err != nil {
			return err
		}
	}
	return v.Err()
}

// checkRoleDetails validates the name and description; the name must be
// unique among roles, compared case-insensitively.
func (d *DB) checkRoleDetails(ctx context.Context, v *ValidationError, id int64, in RoleInput) error {
	checkName(v, "name", in.Name, roleNameMax)
	if n := len([]rune(in.Description)); n > roleDescMax {
		v.Add("description", M("error.too_long", "Max", roleDescMax))
	} else {
		checkText(v, "description", in.Description, true)
	}
	if v.Has("name") {
		return nil
	}
	other, err := d.roleIDByName(ctx, in.Name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case other != id:
		v.Conflict("name", M("role.name_taken", "Name", in.Name))
	}
	return nil
}

// roleIDByName finds a role by name, any case: by the name it was given,
// or, for a built-in role not renamed, by its built-in name in any language
// (R-I18N-1), so that neither a CSV file nor a new role can tell them apart.
// Returns sql.ErrNoRows when no role has the name.
func (d *DB) roleIDByName(ctx context.Context, name string) (int64, error) {
	roles, err := d.rq.CSVRoles(ctx) // roles are few
	if err != nil {
		return 0, err
	}
	for _, r := range roles {
		if r.Name != "" && strings.EqualFold(r.Name, name) {
			return r.ID, nil
		}
		if r.Name == "" && r.Builtin != "" && slices.ContainsFunc(d.names.builtinNamesOf("role", r.Builtin),
			func(n string) bool { return strings.EqualFold(n, name) }) {
			return r.ID, nil
		}
	}
	return 0, sql.ErrNoRows
}

// storedRole is what a role's name and description are stored as: empty
// for a built-in role given its built-in text in any language, so that it
// stays named in each viewer's language (R-I18N-1) when its form is saved
// unchanged.
func (d *DB) storedRole(builtin string, in RoleInput) (name, description string) {
	name, description = in.Name, in.Description
	if builtin == "" {
		return name, description
	}
	for _, lang := range builtinLangs {
		if strings.EqualFold(name, d.names.text(lang, "builtin.role."+builtin+".name")) {
			name = ""
		}
		if description == d.names.text(lang, "builtin.role."+builtin+".description") {
			description = ""
		}
	}
	return name, description
}

// checkRolePermissions refuses keys outside the catalogue (R-ROLE-1),
// naming them.
func checkRolePermissions(v *ValidationError, builtin string, perms []Permission) {
	var unknown []string
	for _, p := range perms {
		if !KnownPermission(p) {
			unknown = append(unknown, strconv.Quote(truncate(string(p), 40)))
		}
	}
	if len(unknown) > 0 {
		v.Add("permissions", M("role.unknown_permissions", "List", strings.Join(unknown, ", ")))
		return
	}
	switch builtin {
	case BuiltinAdministrator:
		if len(perms) != len(Catalogue) {
			v.Add("permissions", M("role.admin_permissions"))
		}
	case BuiltinStaff:
		if len(perms) != 0 {
			v.Add("permissions", M("role.staff_permissions"))
		}
	}
}

// checkRoleUsers refuses ids that are not users of the acting account, and
// the owner, who always stays Administrator.
func (d *DB) checkRoleUsers(ctx context.Context, v *ValidationError, a Actor, ids []int64) error {
	var unknown []string
	for _, id := range ids {
		u, err := d.rq.GetUser(ctx, id)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && u.AccountID != a.AccountID):
			unknown = append(unknown, strconv.FormatInt(id, 10))
		case err != nil:
			return err
		case u.IsOwner == 1:
			v.Add("user_ids", M("role.owner_stays_admin"))
		}
	}
	if len(unknown) > 0 {
		v.Add("user_ids", M("role.unknown_users", "List", strings.Join(unknown, ", ")))
	}
	return nil
}

// CreateRole creates a permission group with its permissions and moves the
// chosen users into it, out of their previous role (R-ROLE-2), in one
// transaction. Owner only (R-ROLE-3). Returns EINVALID per field: an empty,
// too long or taken name, unknown permissions, unknown users or the owner.
func (d *DB) CreateRole(ctx context.Context, a Actor, in RoleInput) (Role, error) {
	if err := d.CheckRoleStep(ctx, a, in, RoleStepUsers); err != nil {
		return Role{}, err
	}
	in = normalRoleInput(in)
	var created sqlcdb.Role
	err := d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		var err error
		created, err = t.CreateRole(ctx, sqlcdb.CreateRoleParams{Name: in.Name, Description: in.Description})
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return nil, nameTaken(in.Name)
			}
			return nil, err
		}
		for _, p := range in.Permissions {
			if err := t.AddRolePermission(ctx, sqlcdb.AddRolePermissionParams{RoleID: created.ID,
				Permission: string(p)}); err != nil {
				return nil, err
			}
		}
		changes := []change{{Action: "role.create", TargetType: "role", TargetID: created.ID,
			TargetLabel: created.Name, After: roleAudit{Name: in.Name, Description: in.Description,
				Permissions: permsOf("", in.Permissions)}}}
		for _, id := range in.UserIDs {
			c, err := t.moveUserToRole(id, created)
			if err != nil {
				return nil, err
			}
			changes = append(changes, c)
		}
		return changes, nil
	}, nil)
	if err != nil {
		return Role{}, err
	}
	return d.GetRole(ctx, a, created.ID)
}

func nameTaken(name string) error {
	var v ValidationError
	v.Conflict("name", M("role.name_taken", "Name", name))
	return v.Err()
}

type roleAudit struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Permissions []Permission `json:"permissions"`
}

// moveUserToRole sets a user's role inside a transaction and returns the
// audit change; the owner never leaves Administrator.
func (t *tx) moveUserToRole(userID int64, to sqlcdb.Role) (change, error) {
	u, err := t.GetUser(t.ctx, userID)
	if err != nil {
		return change{}, notFound(err)
	}
	if u.RoleID == to.ID {
		return change{}, nil
	}
	if u.IsOwner == 1 {
		return change{}, Errorf(ECONFLICT, "role.owner_stays_admin")
	}
	from, err := t.GetRole(t.ctx, u.RoleID)
	if err != nil {
		return change{}, err
	}
	if err := t.MoveUserToRole(t.ctx, sqlcdb.MoveUserToRoleParams{RoleID: to.ID, UpdatedAt: t.d.unix(),
		ID: u.ID}); err != nil {
		return change{}, err
	}
	return change{Action: "user.role", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
		AccountID: u.AccountID,
		Before:    map[string]any{"role_id": from.ID, "role": from.Name},
		After:     map[string]any{"role_id": to.ID, "role": to.Name}}, nil
}

// RolePatch changes a role; nil fields stay as they are.
type RolePatch struct {
	Name        *string       `json:"name"`
	Description *string       `json:"description"`
	Permissions *[]Permission `json:"permissions"`
}

// UpdateRole renames a role, changes its description or replaces its
// permissions. Owner only (R-ROLE-3). The built-in roles keep their
// permissions: Administrator every one, Staff member none (R-ROLE-6).
// Returns ENOTFOUND, EINVALID per field.
func (d *DB) UpdateRole(ctx context.Context, a Actor, id int64, p RolePatch) (Role, error) {
	if err := requireOwner(a); err != nil {
		return Role{}, err
	}
	before, err := d.GetRole(ctx, a, id)
	if err != nil {
		return Role{}, err
	}
	in := RoleInput{Name: before.Name, Description: before.Description, Permissions: before.Permissions}
	if p.Name != nil {
		in.Name = *p.Name
	}
	if p.Description != nil {
		in.Description = *p.Description
	}
	if p.Permissions != nil {
		in.Permissions = *p.Permissions
	}
	in = normalRoleInput(in)
	var v ValidationError
	if err := d.checkRoleDetails(ctx, &v, id, in); err != nil {
		return Role{}, err
	}
	checkRolePermissions(&v, before.Kind, in.Permissions)
	if err := v.Err(); err != nil {
		return Role{}, err
	}
	after := roleAudit{Name: in.Name, Description: in.Description, Permissions: permsOf("", in.Permissions)}
	name, desc := d.storedRole(before.Kind, in)
	err = d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		if err := t.UpdateRole(ctx, sqlcdb.UpdateRoleParams{ID: id, Name: name,
			Description: desc}); err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return nil, nameTaken(in.Name)
			}
			return nil, err
		}
		if !before.Builtin {
			if err := t.ClearRolePermissions(ctx, id); err != nil {
				return nil, err
			}
			for _, perm := range after.Permissions {
				if err := t.AddRolePermission(ctx, sqlcdb.AddRolePermissionParams{RoleID: id,
					Permission: string(perm)}); err != nil {
					return nil, err
				}
			}
		}
		return one(change{Action: "role.update", TargetType: "role", TargetID: id, TargetLabel: in.Name,
			Before: roleAudit{Name: before.Name, Description: before.Description, Permissions: before.Permissions},
			After:  after}), nil
	}, nil)
	if err != nil {
		return Role{}, err
	}
	return d.GetRole(ctx, a, id)
}

// DeleteRole deletes a permission group. Owner only (R-ROLE-3). Returns
// ECONFLICT for a built-in role (R-ROLE-6) and for a role users still hold,
// saying how many (R-ROLE-4); ENOTFOUND for an unknown id.
func (d *DB) DeleteRole(ctx context.Context, a Actor, id int64) error {
	if err := requireOwner(a); err != nil {
		return err
	}
	return d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		r, err := t.GetRole(ctx, id)
		if err != nil {
			return nil, notFound(err)
		}
		if r.Builtin != "" {
			return nil, Errorf(ECONFLICT, "role.builtin_delete", "Name", d.names.roleName(a.Lang, r.Name, r.Builtin))
		}
		n, err := t.RoleUserCount(ctx, id)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, Errorf(ECONFLICT, "role.in_use", "Name", r.Name, "Count", int(n))
		}
		perms, err := t.RolePermissions(ctx, id)
		if err != nil {
			return nil, err
		}
		if _, err := t.DeleteRole(ctx, id); err != nil {
			return nil, err
		}
		return one(change{Action: "role.delete", TargetType: "role", TargetID: id, TargetLabel: r.Name,
			Before: map[string]any{"name": r.Name, "description": r.Description, "permissions": perms}}), nil
	}, nil)
}

// SetUserRole moves a user of the acting account to another role, out of
// their previous one (every user holds exactly one, R-ROLE-2, R-USER-5).
// Needs users.manage and the policy's leave (R-SEC-2): nobody changes their
// own role, the owner stays Administrator, and nobody gives or takes away
// a role with permissions they do not hold themselves. Returns ENOTFOUND,
// EFORBIDDEN, EINVALID (role_id).
func (d *DB) SetUserRole(ctx context.Context, a Actor, userID, roleID int64) error {
	if err := requireAct(a, ActRole); err != nil {
		return err
	}
	return d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.targetUser(ActRole, userID)
		if err != nil {
			return nil, err
		}
		to, err := t.GetRole(ctx, roleID)
		if errors.Is(err, sql.ErrNoRows) {
			var v ValidationError
			v.Add("role_id", M("user.role_unknown"))
			return nil, v.Err()
		} else if err != nil {
			return nil, err
		}
		if err := mayGiveRole(ctx, t.Queries, a, to.ID); err != nil {
			return nil, err
		}
		c, err := t.moveUserToRole(u.ID, to)
		return one(c), err
	}, nil)
}
