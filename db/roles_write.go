package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// CreateRole creates a permission group with its permissions and moves the
// chosen users into it, out of their previous role (R-ROLE-2), in one
// transaction. Owner only (R-ROLE-3). Returns EINVALID per field: an empty,
// too long or taken name, unknown permissions, unknown users or the owner.
func (d *DB) CreateRole(ctx context.Context, a Actor, in RoleInput) (Role, error) {
	if err := requireOwner(a); err != nil {
		return Role{}, err
	}
	in = normalRoleInput(in)
	var created sqlcdb.Role
	err := d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		if err := d.checkRoleInput(t.ctx, t.Queries, t.a, in, RoleStepUsers); err != nil {
			return nil, err
		}
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

type roleAudit struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Permissions []Permission `json:"permissions"`
	RequireMFA  bool         `json:"require_mfa"`
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
	// RequireMFA marks the role "second factor required" (R-MFA-3).
	RequireMFA *bool `json:"require_mfa"`
}

// UpdateRole renames a role, changes its description or replaces its
// permissions. Owner only (R-ROLE-3). The built-in roles keep their
// permissions: Administrator every one, Staff member none (R-ROLE-6).
// Returns ENOTFOUND, EINVALID per field.
func (d *DB) UpdateRole(ctx context.Context, a Actor, id int64, p RolePatch) (Role, error) {
	if err := requireOwner(a); err != nil {
		return Role{}, err
	}
	err := d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		// The patch is merged onto the role as this write reads it (R-API-1).
		before, err := d.getRole(ctx, t.Queries, a, id)
		if err != nil {
			return nil, err
		}
		in := RoleInput{Name: before.Name, Description: before.Description, Permissions: before.Permissions}
		setTo(&in.Name, p.Name)
		setTo(&in.Description, p.Description)
		setTo(&in.Permissions, p.Permissions)
		in = normalRoleInput(in)
		requireMFA := before.RequireMFA
		setTo(&requireMFA, p.RequireMFA)
		after := roleAudit{Name: in.Name, Description: in.Description, Permissions: permsOf("", in.Permissions),
			RequireMFA: requireMFA}
		var v ValidationError
		if err := d.checkRoleDetails(t.ctx, t.Queries, &v, id, in); err != nil {
			return nil, err
		}
		checkRolePermissions(&v, before.Kind, in.Permissions)
		if err := v.Err(); err != nil {
			return nil, err
		}
		name, desc := d.storedRole(before.Kind, in)
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
		if requireMFA != before.RequireMFA {
			if err := t.SetRoleRequireMFA(ctx, sqlcdb.SetRoleRequireMFAParams{ID: id,
				RequireMfa: boolInt(requireMFA)}); err != nil {
				return nil, err
			}
		}
		return one(change{Action: "role.update", TargetType: "role", TargetID: id, TargetLabel: in.Name,
			Before: roleAudit{Name: before.Name, Description: before.Description, Permissions: before.Permissions,
				RequireMFA: before.RequireMFA},
			After: after}), nil
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
		if err := t.mayGiveRole(to.ID); err != nil {
			return nil, err
		}
		c, err := t.moveUserToRole(u.ID, to)
		return one(c), err
	}, nil)
}
