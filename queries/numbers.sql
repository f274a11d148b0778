-- Phone numbers (caller IDs) and SMS senders of an account (R-SIP-5): two
-- tables of one shape, which users present on calls and on SMS. A read
-- serves both: its kind, 'number' or 'sender', picks the table. Each write
-- names its table, for a statement changes only one.

-- name: GetPresentation :one
SELECT n.id, n.number AS value, n.label FROM phone_numbers n
WHERE CAST(sqlc.arg(kind) AS TEXT) = 'number' AND n.id = sqlc.arg(id) AND n.account_id = sqlc.arg(account_id)
UNION ALL
SELECT s.id, s.sender, s.label FROM sms_senders s
WHERE CAST(sqlc.arg(kind) AS TEXT) = 'sender' AND s.id = sqlc.arg(id) AND s.account_id = sqlc.arg(account_id);

-- PresentationIDByValue finds a taken value: numbers are E.164 (no
-- letters), senders are compared without regard to case.
-- name: PresentationIDByValue :one
SELECT n.id FROM phone_numbers n
WHERE CAST(sqlc.arg(kind) AS TEXT) = 'number' AND n.account_id = sqlc.arg(account_id) AND n.number = sqlc.arg(value)
UNION ALL
SELECT s.id FROM sms_senders s
WHERE CAST(sqlc.arg(kind) AS TEXT) = 'sender' AND s.account_id = sqlc.arg(account_id) AND s.sender = sqlc.arg(value) COLLATE NOCASE;

-- name: SearchPresentations :many
WITH o AS (SELECT CAST(sqlc.arg(sort) AS TEXT) AS sort, CAST(sqlc.arg(kind) AS TEXT) AS kind),
p AS (
    SELECT n.id, n.number AS value, n.label, (SELECT count(*) FROM users u WHERE u.call_number_id = n.id) AS user_count
    FROM phone_numbers n
    WHERE CAST(sqlc.arg(kind) AS TEXT) = 'number' AND n.account_id = sqlc.arg(account_id)
      AND (n.number LIKE sqlc.narg(q) OR n.label LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL)
    UNION ALL
    SELECT s.id, s.sender, s.label, (SELECT count(*) FROM users u WHERE u.sms_sender_id = s.id)
    FROM sms_senders s
    WHERE CAST(sqlc.arg(kind) AS TEXT) = 'sender' AND s.account_id = sqlc.arg(account_id)
      AND (s.sender LIKE sqlc.narg(q) OR s.label LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL)
)
SELECT p.id, p.value, p.label, p.user_count
FROM p
JOIN o
ORDER BY
    CASE WHEN o.sort = o.kind THEN p.value END COLLATE NOCASE,
    CASE WHEN o.sort = '-' || o.kind THEN p.value END COLLATE NOCASE DESC,
    CASE WHEN o.sort = 'label' THEN p.label END COLLATE NOCASE,
    CASE WHEN o.sort = '-label' THEN p.label END COLLATE NOCASE DESC,
    CASE WHEN o.sort = 'users' THEN p.user_count END,
    CASE WHEN o.sort = '-users' THEN p.user_count END DESC,
    p.value COLLATE NOCASE
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountPresentations :one
SELECT (SELECT count(*) FROM phone_numbers n WHERE CAST(sqlc.arg(kind) AS TEXT) = 'number' AND n.account_id = sqlc.arg(account_id)
            AND (n.number LIKE sqlc.narg(q) OR n.label LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL))
     + (SELECT count(*) FROM sms_senders s WHERE CAST(sqlc.arg(kind) AS TEXT) = 'sender' AND s.account_id = sqlc.arg(account_id)
            AND (s.sender LIKE sqlc.narg(q) OR s.label LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL));

-- name: UsersPresenting :many
SELECT id, email, full_name FROM users
WHERE account_id = sqlc.arg(account_id)
  AND CASE CAST(sqlc.arg(kind) AS TEXT) WHEN 'number' THEN call_number_id WHEN 'sender' THEN sms_sender_id END = sqlc.arg(id)
ORDER BY email
LIMIT 4;

-- name: CountUsersPresenting :one
SELECT count(*) FROM users
WHERE CASE CAST(sqlc.arg(kind) AS TEXT) WHEN 'number' THEN call_number_id WHEN 'sender' THEN sms_sender_id END = sqlc.arg(id);

-- name: CreatePhoneNumber :one
INSERT INTO phone_numbers (account_id, number, label) VALUES (sqlc.arg(account_id), sqlc.arg(value), sqlc.arg(label))
RETURNING id;

-- name: UpdatePhoneNumber :exec
UPDATE phone_numbers SET number = sqlc.arg(value), label = sqlc.arg(label)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: DeletePhoneNumber :exec
DELETE FROM phone_numbers WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: CreateSMSSender :one
INSERT INTO sms_senders (account_id, sender, label) VALUES (sqlc.arg(account_id), sqlc.arg(value), sqlc.arg(label))
RETURNING id;

-- name: UpdateSMSSender :exec
UPDATE sms_senders SET sender = sqlc.arg(value), label = sqlc.arg(label)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: DeleteSMSSender :exec
DELETE FROM sms_senders WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);
