-- name: CreateRole :one
INSERT INTO roles (name, description, builtin)
VALUES (sqlc.arg(name), sqlc.arg(description), sqlc.arg(builtin))
RETURNING *;

-- name: GetRole :one
SELECT * FROM roles WHERE id = sqlc.arg(id);

-- name: GetBuiltinRole :one
SELECT * FROM roles WHERE builtin = sqlc.arg(builtin);

-- name: AddRolePermission :exec
INSERT INTO role_permissions (role_id, permission) VALUES (sqlc.arg(role_id), sqlc.arg(permission))
ON CONFLICT DO NOTHING;

-- name: RolePermissions :many
SELECT permission FROM role_permissions WHERE role_id = sqlc.arg(role_id) ORDER BY permission;

-- name: ListRoles :many
-- Every role matching q (name or description), with the number of users
-- holding each; account_id NULL counts users of every account. Roles are
-- few (defined once, by the owner), so the caller sorts and pages them.
-- The CASE lets each count use its own covering index.
SELECT r.id, r.name, r.description, r.builtin,
       CAST(CASE WHEN sqlc.narg(account_id) IS NULL
            THEN (SELECT count(*) FROM users u WHERE u.role_id = r.id)
            ELSE (SELECT count(*) FROM users u WHERE u.account_id = sqlc.narg(account_id) AND u.role_id = r.id)
       END AS INTEGER) AS user_count
FROM roles r
WHERE (r.name LIKE sqlc.narg(q) OR r.description LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL)
ORDER BY r.name COLLATE NOCASE, r.id;

-- name: AllRolePermissions :many
SELECT role_id, permission FROM role_permissions ORDER BY role_id, permission;

-- name: RoleUserCount :one
-- Users of every account holding the role (R-ROLE-4 counts them all).
SELECT count(*) FROM users WHERE role_id = sqlc.arg(role_id);

-- name: UpdateRole :exec
UPDATE roles SET name = sqlc.arg(name), description = sqlc.arg(description) WHERE id = sqlc.arg(id);

-- name: ClearRolePermissions :exec
DELETE FROM role_permissions WHERE role_id = sqlc.arg(role_id);

-- name: DeleteRole :execrows
DELETE FROM roles WHERE id = sqlc.arg(id);

-- name: RoleHolders :many
-- A page of the users holding a role; account_id NULL means every account.
SELECT u.id, u.account_id, u.email, u.full_name, u.status, u.is_owner
FROM users u
WHERE u.role_id = sqlc.arg(role_id)
  AND (u.account_id = sqlc.narg(account_id) OR sqlc.narg(account_id) IS NULL)
  AND (u.full_name LIKE sqlc.narg(q) OR u.email LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL)
ORDER BY u.account_id, u.full_name COLLATE NOCASE, u.email COLLATE NOCASE, u.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: RoleHoldersByName :many
-- RoleHolders for a role many hold: walking the users by name and keeping
-- the holders finds a page sooner than sorting them all.
SELECT u.id, u.account_id, u.email, u.full_name, u.status, u.is_owner
FROM users u INDEXED BY users_account_name
WHERE u.role_id = sqlc.arg(role_id)
  AND (u.account_id = sqlc.narg(account_id) OR sqlc.narg(account_id) IS NULL)
  AND (u.full_name LIKE sqlc.narg(q) OR u.email LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL)
ORDER BY u.account_id, u.full_name COLLATE NOCASE, u.email COLLATE NOCASE, u.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountRoleHolders :one
SELECT count(*) FROM users u
WHERE u.role_id = sqlc.arg(role_id)
  AND (u.account_id = sqlc.narg(account_id) OR sqlc.narg(account_id) IS NULL)
  AND (u.full_name LIKE sqlc.narg(q) OR u.email LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL);

-- name: RoleHolderCount :one
-- CountRoleHolders without a search, from a covering index.
SELECT CAST(CASE WHEN sqlc.narg(account_id) IS NULL
            THEN (SELECT count(*) FROM users u WHERE u.role_id = sqlc.arg(role_id))
            ELSE (SELECT count(*) FROM users u WHERE u.account_id = sqlc.narg(account_id) AND u.role_id = sqlc.arg(role_id))
       END AS INTEGER) AS n;

-- name: RoleCandidates :many
-- The wizard's last step: users of one account with the role they hold now.
SELECT u.id, u.email, u.full_name, u.status, u.is_owner, u.role_id, r.name AS role_name, r.builtin AS role_builtin
FROM users u INDEXED BY users_account_name
JOIN roles r ON r.id = u.role_id
WHERE u.account_id = sqlc.arg(account_id)
  AND (u.full_name LIKE sqlc.narg(q) OR u.email LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL)
ORDER BY u.full_name COLLATE NOCASE, u.email COLLATE NOCASE, u.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountRoleCandidates :one
SELECT count(*) FROM users u
WHERE u.account_id = sqlc.arg(account_id)
  AND (u.full_name LIKE sqlc.narg(q) OR u.email LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL);

-- name: MoveUserToRole :exec
UPDATE users SET role_id = sqlc.arg(role_id), updated_at = sqlc.arg(updated_at) WHERE id = sqlc.arg(id);

-- name: RoleNames :many
-- The roles as choices of a form or filter: no counts.
SELECT id, name, description, builtin FROM roles ORDER BY name COLLATE NOCASE, id;
