-- name: CreateToken :exec
INSERT INTO tokens (id_hash, user_id, kind, name, created_at, expires_at)
VALUES (sqlc.arg(id_hash), sqlc.arg(user_id), sqlc.arg(kind), sqlc.arg(name), sqlc.arg(created_at), sqlc.narg(expires_at));

-- name: GetToken :one
SELECT * FROM tokens WHERE id_hash = sqlc.arg(id_hash) AND kind = sqlc.arg(kind);

-- name: TouchToken :exec
UPDATE tokens SET last_used_at = sqlc.arg(last_used_at) WHERE id_hash = sqlc.arg(id_hash);

-- name: ListUserTokens :many
SELECT * FROM tokens WHERE user_id = sqlc.arg(user_id) AND kind = sqlc.arg(kind) ORDER BY created_at DESC;

-- name: DeleteUserTokensOfKind :exec
DELETE FROM tokens WHERE user_id = sqlc.arg(user_id) AND kind = sqlc.arg(kind);

-- name: UseToken :execrows
UPDATE tokens SET used_at = sqlc.arg(used_at)
WHERE id_hash = sqlc.arg(id_hash) AND kind = sqlc.arg(kind) AND used_at IS NULL;

-- name: UseUserTokensOfKind :exec
UPDATE tokens SET used_at = sqlc.arg(used_at)
WHERE user_id = sqlc.arg(user_id) AND kind = sqlc.arg(kind) AND used_at IS NULL;

-- name: DeleteUserToken :execrows
DELETE FROM tokens WHERE id_hash = sqlc.arg(id_hash) AND user_id = sqlc.arg(user_id) AND kind = 'api';

-- name: GetUserTokenByName :one
SELECT * FROM tokens WHERE user_id = sqlc.arg(user_id) AND kind = 'api' AND name = sqlc.arg(name);
