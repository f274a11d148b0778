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
-- The positions: the children of the root "Position", found through the
-- (account_id, parent_id) index (a join from every group to its parent
-- read all 2,000 groups of a big office on each user form).
SELECT g.id, g.name, g.builtin FROM groups g
WHERE g.account_id = sqlc.arg(account_id)
  AND g.parent_id = (SELECT r.id FROM groups r
                     WHERE r.account_id = sqlc.arg(account_id) AND r.parent_id IS NULL AND r.builtin_position = 1)
ORDER BY g.name COLLATE NOCASE;

-- name: MaxNumericExtension :one
SELECT CAST(coalesce(max(CAST(extension AS INTEGER)), 0) AS INTEGER) FROM sip_accounts
WHERE account_id = sqlc.arg(account_id) AND extension NOT GLOB '*[^0-9]*';
