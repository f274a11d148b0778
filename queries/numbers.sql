-- Phone numbers (caller IDs) and SMS senders of an account (R-SIP-5).

-- name: CreatePhoneNumber :one
INSERT INTO phone_numbers (account_id, number, label)
VALUES (sqlc.arg(account_id), sqlc.arg(number), sqlc.arg(label))
RETURNING *;

-- name: GetPhoneNumber :one
SELECT * FROM phone_numbers WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: PhoneNumberByNumber :one
SELECT * FROM phone_numbers WHERE account_id = sqlc.arg(account_id) AND number = sqlc.arg(number);

-- name: UpdatePhoneNumber :exec
UPDATE phone_numbers SET number = sqlc.arg(number), label = sqlc.arg(label)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: DeletePhoneNumber :exec
DELETE FROM phone_numbers WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: SearchPhoneNumbers :many
WITH o AS (SELECT CAST(sqlc.arg(sort) AS TEXT) AS sort)
SELECT n.*, (SELECT count(*) FROM users u WHERE u.call_number_id = n.id) AS user_count
FROM phone_numbers n
JOIN o
WHERE n.account_id = sqlc.arg(account_id)
  AND (n.number LIKE sqlc.narg(q) OR n.label LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL)
ORDER BY
    CASE WHEN o.sort = 'number' THEN n.number END,
    CASE WHEN o.sort = '-number' THEN n.number END DESC,
    CASE WHEN o.sort = 'label' THEN n.label END COLLATE NOCASE,
    CASE WHEN o.sort = '-label' THEN n.label END COLLATE NOCASE DESC,
    CASE WHEN o.sort = 'users' THEN (SELECT count(*) FROM users u WHERE u.call_number_id = n.id) END,
    CASE WHEN o.sort = '-users' THEN (SELECT count(*) FROM users u WHERE u.call_number_id = n.id) END DESC,
    n.number
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountPhoneNumbers :one
SELECT count(*) FROM phone_numbers n
WHERE n.account_id = sqlc.arg(account_id)
  AND (n.number LIKE sqlc.narg(q) OR n.label LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL);

-- name: UsersPresentingNumber :many
SELECT id, email, full_name FROM users
WHERE call_number_id = sqlc.arg(number_id) AND account_id = sqlc.arg(account_id)
ORDER BY email
LIMIT 4;

-- name: CountUsersPresentingNumber :one
SELECT count(*) FROM users WHERE call_number_id = sqlc.arg(number_id);

-- name: CreateSMSSender :one
INSERT INTO sms_senders (account_id, sender, label)
VALUES (sqlc.arg(account_id), sqlc.arg(sender), sqlc.arg(label))
RETURNING *;

-- name: GetSMSSender :one
SELECT * FROM sms_senders WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: SMSSenderByName :one
SELECT * FROM sms_senders WHERE account_id = sqlc.arg(account_id) AND sender = sqlc.arg(sender) COLLATE NOCASE;

-- name: UpdateSMSSender :exec
UPDATE sms_senders SET sender = sqlc.arg(sender), label = sqlc.arg(label)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: DeleteSMSSender :exec
DELETE FROM sms_senders WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: SearchSMSSenders :many
WITH o AS (SELECT CAST(sqlc.arg(sort) AS TEXT) AS sort)
SELECT s.*, (SELECT count(*) FROM users u WHERE u.sms_sender_id = s.id) AS user_count
FROM sms_senders s
JOIN o
WHERE s.account_id = sqlc.arg(account_id)
  AND (s.sender LIKE sqlc.narg(q) OR s.label LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL)
ORDER BY
    CASE WHEN o.sort = 'sender' THEN s.sender END COLLATE NOCASE,
    CASE WHEN o.sort = '-sender' THEN s.sender END COLLATE NOCASE DESC,
    CASE WHEN o.sort = 'label' THEN s.label END COLLATE NOCASE,
    CASE WHEN o.sort = '-label' THEN s.label END COLLATE NOCASE DESC,
    CASE WHEN o.sort = 'users' THEN (SELECT count(*) FROM users u WHERE u.sms_sender_id = s.id) END,
    CASE WHEN o.sort = '-users' THEN (SELECT count(*) FROM users u WHERE u.sms_sender_id = s.id) END DESC,
    s.sender COLLATE NOCASE
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountSMSSenders :one
SELECT count(*) FROM sms_senders s
WHERE s.account_id = sqlc.arg(account_id)
  AND (s.sender LIKE sqlc.narg(q) OR s.label LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL);

-- name: UsersPresentingSender :many
SELECT id, email, full_name FROM users
WHERE sms_sender_id = sqlc.arg(sender_id) AND account_id = sqlc.arg(account_id)
ORDER BY email
LIMIT 4;

-- name: CountUsersPresentingSender :one
SELECT count(*) FROM users WHERE sms_sender_id = sqlc.arg(sender_id);
