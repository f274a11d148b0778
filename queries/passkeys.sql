-- name: ListPasskeys :many
SELECT id, name, created_at, last_used_at FROM passkeys
WHERE user_id = sqlc.arg(user_id) ORDER BY created_at, id;

-- name: PasskeyCredentials :many
-- The credential records of a user, for a ceremony's exclude or allow list
-- and for checking an assertion.
SELECT id, credential_id, credential FROM passkeys WHERE user_id = sqlc.arg(user_id) ORDER BY id;

-- name: AddPasskey :one
INSERT INTO passkeys (user_id, credential_id, name, credential, created_at)
VALUES (sqlc.arg(user_id), sqlc.arg(credential_id), sqlc.arg(name), sqlc.arg(credential), sqlc.arg(created_at))
RETURNING id;

-- name: UsePasskey :exec
UPDATE passkeys SET credential = sqlc.arg(credential), last_used_at = sqlc.arg(last_used_at)
WHERE id = sqlc.arg(id);

-- name: GetPasskey :one
SELECT id, user_id, name FROM passkeys WHERE id = sqlc.arg(id);

-- name: DeletePasskey :execrows
DELETE FROM passkeys WHERE id = sqlc.arg(id) AND user_id = sqlc.arg(user_id);

-- name: DeleteUserPasskeys :execrows
DELETE FROM passkeys WHERE user_id = sqlc.arg(user_id);

-- name: CountPasskeyNamed :one
SELECT count(*) FROM passkeys WHERE user_id = sqlc.arg(user_id) AND name = sqlc.arg(name);

-- name: GetPasskeyHandle :one
SELECT handle FROM passkey_handles WHERE user_id = sqlc.arg(user_id);

-- name: AddPasskeyHandle :exec
INSERT INTO passkey_handles (user_id, handle) VALUES (sqlc.arg(user_id), sqlc.arg(handle))
ON CONFLICT (user_id) DO NOTHING;

-- name: PasskeyUserByHandle :one
SELECT h.user_id, u.email, u.full_name, u.status, u.account_id
FROM passkey_handles h JOIN users u ON u.id = h.user_id
WHERE h.handle = sqlc.arg(handle);

-- name: CreatePasskeyCeremony :exec
INSERT INTO passkey_ceremonies (id_hash, kind, user_id, ip, session, expires_at)
VALUES (sqlc.arg(id_hash), sqlc.arg(kind), sqlc.arg(user_id), sqlc.arg(ip), sqlc.arg(session), sqlc.arg(expires_at));

-- name: TakePasskeyCeremony :one
-- A ceremony is single-use: reading it deletes it.
DELETE FROM passkey_ceremonies WHERE id_hash = sqlc.arg(id_hash) AND kind = sqlc.arg(kind)
RETURNING user_id, session, expires_at;

-- name: DeletePasskeyCeremony :exec
DELETE FROM passkey_ceremonies WHERE id_hash = sqlc.arg(id_hash);

-- name: DeleteUserPasskeyCeremonies :exec
DELETE FROM passkey_ceremonies WHERE user_id = sqlc.arg(user_id) AND kind = 'register';

-- name: DeleteExpiredPasskeyCeremonies :exec
DELETE FROM passkey_ceremonies WHERE expires_at < sqlc.arg(now);

-- name: CountPasskeyCeremonies :one
-- Sign-in ceremonies waiting, in all and from one address: both are
-- bounded, since anyone may start one.
SELECT count(*) AS total, CAST(coalesce(sum(ip = sqlc.arg(ip)), 0) AS INTEGER) AS from_ip
FROM passkey_ceremonies WHERE kind = 'login';
