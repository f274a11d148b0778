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
