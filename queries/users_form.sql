-- name: NumberOptions :many
SELECT id, number, label FROM phone_numbers WHERE account_id = sqlc.arg(account_id) ORDER BY number;

-- name: SenderOptions :many
SELECT id, sender, label FROM sms_senders WHERE account_id = sqlc.arg(account_id) ORDER BY sender;

-- name: PositionOptions :many
SELECT g.id, g.name FROM groups g
JOIN groups r ON r.id = g.parent_id AND r.builtin_position = 1
WHERE g.account_id = sqlc.arg(account_id)
ORDER BY g.name COLLATE NOCASE;

-- name: MaxNumericExtension :one
SELECT CAST(coalesce(max(CAST(extension AS INTEGER)), 0) AS INTEGER) FROM sip_accounts
WHERE account_id = sqlc.arg(account_id) AND extension NOT GLOB '*[^0-9]*';
