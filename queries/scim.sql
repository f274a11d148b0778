-- name: CreateSCIMToken :exec
INSERT INTO scim_tokens (id_hash, account_id, name, ceiling_role_id, default_role_id, default_position_id,
    permissions, created_by, created_at)
VALUES (sqlc.arg(id_hash), sqlc.arg(account_id), sqlc.arg(name), sqlc.arg(ceiling_role_id), sqlc.arg(default_role_id),
    sqlc.arg(default_position_id), sqlc.arg(permissions), sqlc.arg(created_by), sqlc.arg(created_at));

-- name: GetSCIMToken :one
SELECT * FROM scim_tokens WHERE id_hash = sqlc.arg(id_hash);

-- name: SCIMTokenNamed :one
SELECT * FROM scim_tokens WHERE account_id = sqlc.arg(account_id) AND name = sqlc.arg(name);

-- name: ListSCIMTokens :many
SELECT * FROM scim_tokens WHERE account_id = sqlc.arg(account_id) ORDER BY created_at DESC, name;

-- name: DeleteSCIMToken :execrows
DELETE FROM scim_tokens WHERE id_hash = sqlc.arg(id_hash) AND account_id = sqlc.arg(account_id);

-- name: TouchSCIMToken :exec
UPDATE scim_tokens SET last_used_at = sqlc.arg(last_used_at) WHERE id_hash = sqlc.arg(id_hash);

-- name: InsertSCIMRequest :exec
INSERT INTO scim_requests (account_id, at, token_name, method, path, status, detail)
VALUES (sqlc.arg(account_id), sqlc.arg(at), sqlc.arg(token_name), sqlc.arg(method), sqlc.arg(path),
    sqlc.arg(status), sqlc.arg(detail));

-- name: TrimSCIMRequests :exec
-- Keeps the newest 50 of the account.
DELETE FROM scim_requests WHERE id IN (
    SELECT r.id FROM scim_requests r WHERE r.account_id = sqlc.arg(account_id) ORDER BY r.id DESC LIMIT -1 OFFSET 50);

-- name: ListSCIMRequests :many
SELECT * FROM scim_requests WHERE account_id = sqlc.arg(account_id) ORDER BY id DESC LIMIT 50;

-- name: SCIMUserByEmail :one
-- userName eq "..." by the UNIQUE index on users.email.
SELECT id FROM users WHERE email = sqlc.arg(email) AND account_id = sqlc.arg(account_id);

-- name: SCIMUsersByExternalID :many
SELECT id FROM users WHERE account_id = sqlc.arg(account_id) AND external_id = sqlc.arg(external_id) AND external_id <> '';

-- name: SCIMUserIDs :many
SELECT id FROM users WHERE account_id = sqlc.arg(account_id) ORDER BY id LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: SCIMCountUsers :one
SELECT count(*) FROM users WHERE account_id = sqlc.arg(account_id);

-- name: SCIMUser :one
SELECT u.id, u.email, u.notify_email, u.full_name, u.work_phone, u.status, u.external_id, u.created_at, u.updated_at,
    u.role_id, u.position_id, u.is_owner,
    coalesce(s.extension, '') AS extension, coalesce(n.number, '') AS caller_id, coalesce(m.sender, '') AS sms_sender
FROM users u
LEFT JOIN sip_accounts s ON s.id = u.sip_account_id
LEFT JOIN phone_numbers n ON n.id = u.call_number_id
LEFT JOIN sms_senders m ON m.id = u.sms_sender_id
WHERE u.id = sqlc.arg(id) AND u.account_id = sqlc.arg(account_id);

-- name: SetUserExternalID :exec
UPDATE users SET external_id = sqlc.arg(external_id) WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: SetGroupExternalID :exec
UPDATE groups SET external_id = sqlc.arg(external_id) WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: SCIMGroupExternalIDs :many
SELECT id, external_id FROM groups WHERE account_id = sqlc.arg(account_id) AND external_id <> '';

-- name: SIPAccountByExtension :one
SELECT s.id, s.extension, s.enabled, u.id AS user_id
FROM sip_accounts s LEFT JOIN users u ON u.sip_account_id = s.id
WHERE s.account_id = sqlc.arg(account_id) AND s.extension = sqlc.arg(extension);

-- name: FirstFreeSIPAccount :one
SELECT s.id FROM sip_accounts s
WHERE s.account_id = sqlc.arg(account_id) AND s.enabled = 1
  AND NOT EXISTS (SELECT 1 FROM users u WHERE u.sip_account_id = s.id)
ORDER BY s.id LIMIT 1;

-- name: PhoneNumberByValue :one
SELECT id FROM phone_numbers WHERE account_id = sqlc.arg(account_id) AND number = sqlc.arg(number);

-- name: SMSSenderByValue :one
SELECT id FROM sms_senders WHERE account_id = sqlc.arg(account_id) AND sender = sqlc.arg(sender);
