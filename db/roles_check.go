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

// The longest role name and description, in characters.
const (
	roleNameMax = 100
	roleDescMax = 500
)

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
	return d.checkRoleInput(ctx, d.rq, a, normalRoleInput(in), step)
}

// checkRoleInput validates normalised wizard input up to and including
// step, reading through q: the read pool for the wizard's steps, the
// write's transaction for CreateRole.
func (d *DB) checkRoleInput(ctx context.Context, q *sqlcdb.Queries, a Actor, in RoleInput, step RoleStep) error {
	var v ValidationError
	if err := d.checkRoleDetails(ctx, q, &v, 0, in); err != nil {
		return err
	}
	if step >= RoleStepPermissions {
		checkRolePermissions(&v, "", in.Permissions)
	}
	if step >= RoleStepUsers {
		if err := checkRoleUsers(ctx, q, &v, a, in.UserIDs); err != nil {
			return err
		}
	}
	return v.Err()
}

// checkRoleDetails validates the name and description; the name must be
// unique among roles, compared case-insensitively.
func (d *DB) checkRoleDetails(ctx context.Context, q *sqlcdb.Queries, v *ValidationError, id int64, in RoleInput) error {
	checkName(v, "name", in.Name, roleNameMax)
	if n := len([]rune(in.Description)); n > roleDescMax {
		v.Add("description", M("error.too_long", "Max", roleDescMax))
	} else {
		checkText(v, "description", in.Description, true)
	}
	if v.Has("name") {
		return nil
	}
	other, err := d.roleIDByName(ctx, q, in.Name)
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
func (d *DB) roleIDByName(ctx context.Context, q *sqlcdb.Queries, name string) (int64, error) {
	roles, err := q.CSVRoles(ctx) // roles are few
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
func checkRoleUsers(ctx context.Context, q *sqlcdb.Queries, v *ValidationError, a Actor, ids []int64) error {
	var unknown []string
	for _, id := range ids {
		u, err := q.GetUser(ctx, id)
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
func nameTaken(name string) error {
	var v ValidationError
	v.Conflict("name", M("role.name_taken", "Name", name))
	return v.Err()
}
