-- name: CreateUser :one
INSERT INTO users (account_id, email, notify_email, full_name, work_phone, status, password_hash,
                   role_id, position_id, is_owner, created_at, updated_at)
VALUES (sqlc.arg(account_id), sqlc.arg(email), sqlc.arg(notify_email), sqlc.arg(full_name),
        sqlc.arg(work_phone), sqlc.arg(status), sqlc.arg(password_hash), sqlc.arg(role_id),
        sqlc.narg(position_id), sqlc.arg(is_owner), sqlc.arg(created_at), sqlc.arg(created_at))
RETURNING *;

-- name: GetUser :one
SELECT * FROM users WHERE id = sqlc.arg(id);

-- name: GetUserByEmail :one
SELECT * FROM users WHERE email = sqlc.arg(email);

-- name: GetOwner :one
SELECT * FROM users WHERE is_owner = 1;

-- name: SetUserPassword :exec
UPDATE users SET password_hash = sqlc.arg(password_hash), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);

-- name: SetUserLastLogin :exec
UPDATE users SET last_login_at = sqlc.arg(last_login_at) WHERE id = sqlc.arg(id);

-- name: AddGroupMember :exec
INSERT INTO group_members (group_id, user_id) VALUES (sqlc.arg(group_id), sqlc.arg(user_id))
ON CONFLICT DO NOTHING;

-- name: OpenSeat :exec
INSERT INTO seat_history (account_id, user_id, from_at) VALUES (sqlc.arg(account_id), sqlc.arg(user_id), sqlc.arg(from_at));

-- name: SetUserStatus :exec
UPDATE users SET status = sqlc.arg(status), updated_at = sqlc.arg(updated_at) WHERE id = sqlc.arg(id);

-- name: UserEmailTaken :one
SELECT count(*) FROM users WHERE email = sqlc.arg(email) AND id <> sqlc.arg(except_id);

-- name: GetAccountUser :one
SELECT * FROM users WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: DeleteUser :exec
DELETE FROM users WHERE id = sqlc.arg(id);

-- name: CloseSeat :exec
UPDATE seat_history SET to_at = sqlc.arg(to_at) WHERE user_id = sqlc.arg(user_id) AND to_at IS NULL;

-- name: UserGroupNames :many
SELECT g.name, g.builtin FROM group_members gm JOIN groups g ON g.id = gm.group_id
WHERE gm.user_id = sqlc.arg(user_id) ORDER BY g.name;

-- name: UpdateUserFields :exec
UPDATE users SET email = sqlc.arg(email), notify_email = sqlc.arg(notify_email),
       full_name = sqlc.arg(full_name), work_phone = sqlc.arg(work_phone),
       position_id = sqlc.arg(position_id), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: GetUserDetails :one
-- A user of an account with their extension and group ids (comma-separated),
-- in one read.
SELECT u.*, CAST(coalesce(s.extension, '') AS TEXT) AS extension,
       CAST(coalesce((SELECT group_concat(gm.group_id, ',') FROM group_members gm
                      WHERE gm.user_id = u.id), '') AS TEXT) AS group_ids
FROM users u LEFT JOIN sip_accounts s ON s.id = u.sip_account_id
WHERE u.id = sqlc.arg(id) AND u.account_id = sqlc.arg(account_id);

-- name: SetUserPrefs :exec
-- A user's own language and time zone ('' = as the browser / the
-- installation).
UPDATE users SET lang = sqlc.arg(lang), time_zone = sqlc.arg(time_zone), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);

-- name: SetUserNotifyEmail :exec
UPDATE users SET notify_email = sqlc.arg(notify_email), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);
