-- name: CreateSession :exec
INSERT INTO sessions (id_hash, user_id, acting_account_id, impersonator_id, created_at,
                      last_seen_at, expires_at, ip, user_agent)
VALUES (sqlc.arg(id_hash), sqlc.arg(user_id), sqlc.arg(acting_account_id), sqlc.narg(impersonator_id),
        sqlc.arg(created_at), sqlc.arg(created_at), sqlc.arg(expires_at), sqlc.arg(ip), sqlc.arg(user_agent));

-- name: TouchSession :exec
-- At most once a minute per session (touchEvery): the address follows the
-- client, so that the list of sessions shows where each was last seen.
UPDATE sessions SET last_seen_at = sqlc.arg(last_seen_at), ip = sqlc.arg(ip) WHERE id_hash = sqlc.arg(id_hash);

-- name: DeleteSession :exec
DELETE FROM sessions WHERE id_hash = sqlc.arg(id_hash);

-- name: DeleteUserSessions :execrows
DELETE FROM sessions WHERE user_id = sqlc.arg(user_id);

-- name: DeleteUserSessionsExcept :execrows
DELETE FROM sessions WHERE user_id = sqlc.arg(user_id) AND id_hash <> sqlc.arg(keep_id_hash);

-- name: DeleteExpiredSessions :execrows
DELETE FROM sessions WHERE expires_at < sqlc.arg(now) OR last_seen_at < sqlc.arg(idle_before);

-- name: CountUserSessions :one
SELECT count(*) FROM sessions WHERE user_id = sqlc.arg(user_id);

-- name: ActorOf :one
-- Everything an Actor needs about a user in one read, on every request:
-- the user, their role's key and permissions (comma-separated) and whether
-- their account is the main one.
SELECT u.id, u.email, u.full_name, u.status, u.is_owner, u.role_id, u.account_id,
       r.builtin AS role_builtin,
       CAST(coalesce((SELECT group_concat(rp.permission, ',') FROM role_permissions rp
                      WHERE rp.role_id = u.role_id), '') AS TEXT) AS permissions,
       CAST(a.parent_id IS NULL AS INTEGER) AS home_is_main,
       u.lang,
       CAST(coalesce(nullif(u.time_zone, ''), (SELECT st.value FROM settings st WHERE st.key = 'time.zone'), '')
            AS TEXT) AS time_zone
FROM users u
JOIN roles r ON r.id = u.role_id
JOIN accounts a ON a.id = u.account_id
WHERE u.id = sqlc.arg(id);

-- name: SessionActorOf :one
-- A session with everything its Actor needs, in one read per request
-- (the same columns as ActorOf, from the session's user).
SELECT s.acting_account_id, s.impersonator_id, s.last_seen_at, s.expires_at,
       u.id, u.email, u.full_name, u.status, u.is_owner, u.role_id, u.account_id,
       r.builtin AS role_builtin,
       CAST(coalesce((SELECT group_concat(rp.permission, ',') FROM role_permissions rp
                      WHERE rp.role_id = u.role_id), '') AS TEXT) AS permissions,
       CAST(a.parent_id IS NULL AS INTEGER) AS home_is_main,
       u.lang,
       CAST(coalesce(nullif(u.time_zone, ''), (SELECT st.value FROM settings st WHERE st.key = 'time.zone'), '')
            AS TEXT) AS time_zone,
       CAST(EXISTS (SELECT 1 FROM must_enrol m WHERE m.user_id = u.id) AND s.provider_mfa = 0 AS INTEGER) AS must_enrol
FROM sessions s
JOIN users u ON u.id = s.user_id
JOIN roles r ON r.id = u.role_id
JOIN accounts a ON a.id = u.account_id
WHERE s.id_hash = sqlc.arg(id_hash);

-- name: ListUserSessions :many
-- A user's live sessions, the most recently seen first (R-MFA-4).
SELECT s.id_hash, s.created_at, s.last_seen_at, s.ip, s.user_agent,
       CAST(coalesce(i.email, '') AS TEXT) AS impersonator_email
FROM sessions s
LEFT JOIN users i ON i.id = s.impersonator_id
WHERE s.user_id = sqlc.arg(user_id) AND s.expires_at > sqlc.arg(now) AND s.last_seen_at >= sqlc.arg(idle_before)
ORDER BY s.last_seen_at DESC, s.created_at DESC;

-- name: DeleteUserSession :execrows
DELETE FROM sessions WHERE id_hash = sqlc.arg(id_hash) AND user_id = sqlc.arg(user_id);
