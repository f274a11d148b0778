-- name: CreateGroup :one
INSERT INTO groups (account_id, parent_id, name, builtin_position, created_at)
VALUES (sqlc.arg(account_id), sqlc.narg(parent_id), sqlc.arg(name), sqlc.arg(builtin_position), sqlc.arg(created_at))
RETURNING *;

-- name: GetGroup :one
SELECT * FROM groups WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: PositionRoot :one
SELECT * FROM groups WHERE account_id = sqlc.arg(account_id) AND builtin_position = 1;

-- name: FirstPosition :one
SELECT g.* FROM groups g
JOIN groups r ON r.id = g.parent_id AND r.builtin_position = 1
WHERE g.account_id = sqlc.arg(account_id)
ORDER BY g.id LIMIT 1;
