-- name: CreateToken :exec
INSERT INTO tokens (id_hash, user_id, kind, name, created_at, expires_at)
VALUES (sqlc.arg(id_hash), sqlc.arg(user_id), sqlc.arg(kind), sqlc.arg(name), sqlc.arg(created_at), sqlc.narg(expires_at));

-- name: GetToken :one
SELECT * FROM tokens WHERE id_hash = sqlc.arg(id_hash) AND kind = sqlc.arg(kind);

-- name: TouchToken :exec
-- At most once a minute per token (touchEvery), like a session's last-seen.
UPDATE tokens SET last_used_at = sqlc.arg(last_used_at), last_used_ip = sqlc.arg(last_used_ip)
WHERE id_hash = sqlc.arg(id_hash);

-- name: ListUserTokens :many
SELECT * FROM tokens WHERE user_id = sqlc.arg(user_id) AND kind = sqlc.arg(kind) ORDER BY created_at DESC;

-- name: DeleteUserTokensOfKind :exec
DELETE FROM tokens WHERE user_id = sqlc.arg(user_id) AND kind = sqlc.arg(kind);

-- name: UseToken :execrows
UPDATE tokens SET used_at = sqlc.arg(used_at)
WHERE id_hash = sqlc.arg(id_hash) AND kind = sqlc.arg(kind) AND used_at IS NULL;

-- name: DeleteUserToken :execrows
DELETE FROM tokens WHERE id_hash = sqlc.arg(id_hash) AND user_id = sqlc.arg(user_id) AND kind = 'api';

-- name: GetUserTokenByName :one
SELECT * FROM tokens WHERE user_id = sqlc.arg(user_id) AND kind = 'api' AND name = sqlc.arg(name);

-- name: TokenActorOf :one
-- An API token with everything its Actor needs, in one read per request
-- (the same columns as ActorOf, from the token's user).
SELECT t.expires_at, t.last_used_at,
       u.id, u.email, u.full_name, u.status, u.is_owner, u.role_id, u.account_id,
       r.builtin AS role_builtin,
       CAST(coalesce((SELECT group_concat(rp.permission, ',') FROM role_permissions rp
                      WHERE rp.role_id = u.role_id), '') AS TEXT) AS permissions,
       CAST(a.parent_id IS NULL AS INTEGER) AS home_is_main,
       u.lang,
       CAST(coalesce(nullif(u.time_zone, ''), (SELECT st.value FROM settings st WHERE st.key = 'time.zone'), '')
            AS TEXT) AS time_zone,
       CAST(EXISTS (SELECT 1 FROM must_enrol m WHERE m.user_id = u.id) AS INTEGER) AS must_enrol
FROM tokens t
JOIN users u ON u.id = t.user_id
JOIN roles r ON r.id = u.role_id
JOIN accounts a ON a.id = u.account_id
WHERE t.id_hash = sqlc.arg(id_hash) AND t.kind = 'api';

-- name: DeleteSpentTokens :execrows
-- Activation, reset and address-confirmation tokens that were used or have
-- expired, once they are a day old: they can never be used again.
DELETE FROM tokens
WHERE kind IN ('activation', 'reset', 'notify_email') AND created_at < sqlc.arg(before)
  AND (used_at IS NOT NULL OR expires_at < sqlc.arg(now));

-- name: VoidUserLinks :exec
-- A password set, changed or reset, and a successful sign-in, void the
-- user's outstanding reset and activation links (R-SEC-5).
UPDATE tokens SET used_at = sqlc.arg(used_at)
WHERE user_id = sqlc.arg(user_id) AND kind IN ('activation', 'reset') AND used_at IS NULL;

-- name: CreateEmailToken :exec
-- A link confirming a new notification address, which it carries.
INSERT INTO tokens (id_hash, user_id, kind, created_at, expires_at, email)
VALUES (sqlc.arg(id_hash), sqlc.arg(user_id), 'notify_email', sqlc.arg(created_at), sqlc.arg(expires_at),
        sqlc.arg(email));

-- name: CountAllAPITokens :one
SELECT count(*) FROM tokens WHERE kind = 'api';

-- name: ListAllAPITokens :many
-- Every API token of the installation with its owner, for the owner's page
-- (R-MFA-6), newest first.
SELECT t.id_hash, t.name, t.created_at, t.expires_at, t.last_used_at, t.last_used_ip,
       u.id AS user_id, u.email, u.full_name, u.account_id
FROM tokens t
JOIN users u ON u.id = t.user_id
WHERE t.kind = 'api'
ORDER BY t.created_at DESC, t.id_hash
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: GetAPIToken :one
SELECT t.id_hash, t.name, u.id AS user_id, u.email, u.account_id
FROM tokens t
JOIN users u ON u.id = t.user_id
WHERE t.id_hash = sqlc.arg(id_hash) AND t.kind = 'api';

-- name: DeleteAPIToken :execrows
DELETE FROM tokens WHERE id_hash = sqlc.arg(id_hash) AND kind = 'api';

-- name: DeleteUserAPITokens :execrows
DELETE FROM tokens WHERE user_id = sqlc.arg(user_id) AND kind = 'api';
