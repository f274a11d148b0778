-- PresentationOptions are the account's numbers (kind 'number') or SMS
-- senders (kind 'sender') for the user form.
-- name: PresentationOptions :many
SELECT n.id, n.number AS value, n.label FROM phone_numbers n
WHERE CAST(sqlc.arg(kind) AS TEXT) = 'number' AND n.account_id = sqlc.arg(account_id)
UNION ALL
SELECT s.id, s.sender, s.label FROM sms_senders s
WHERE CAST(sqlc.arg(kind) AS TEXT) = 'sender' AND s.account_id = sqlc.arg(account_id)
ORDER BY value;

-- name: PositionOptions :many
SELECT g.id, g.name, g.builtin FROM groups g
JOIN groups r ON r.id = g.parent_id AND r.builtin_position = 1
WHERE g.account_id = sqlc.arg(account_id)
ORDER BY g.name COLLATE NOCASE;

-- name: MaxNumericExtension :one
SELECT CAST(coalesce(max(CAST(extension AS INTEGER)), 0) AS INTEGER) FROM sip_accounts
WHERE account_id = sqlc.arg(account_id) AND extension NOT GLOB '*[^0-9]*';
