-- name: QueueMail :one
INSERT INTO outbox (account_id, to_addr, subject, body, created_at)
VALUES (sqlc.arg(account_id), sqlc.arg(to_addr), sqlc.arg(subject), sqlc.arg(body), sqlc.arg(created_at))
RETURNING id;

-- Unsent mail for the sender: never-tried and retry-requested rows (no
-- error) first, then failed ones by how often they failed.
-- name: DueMail :many
SELECT * FROM outbox
WHERE sent_at IS NULL
ORDER BY error <> '', attempts, id
LIMIT sqlc.arg(lim);

-- name: MarkMailSent :exec
UPDATE outbox SET sent_at = sqlc.arg(sent_at), attempts = attempts + 1, error = '', retry_at = NULL
WHERE id = sqlc.arg(id) AND sent_at IS NULL;

-- name: MarkMailFailed :exec
UPDATE outbox SET attempts = attempts + 1, error = sqlc.arg(error), retry_at = sqlc.arg(retry_at)
WHERE id = sqlc.arg(id) AND sent_at IS NULL;

-- name: RetryMail :execrows
UPDATE outbox SET error = '', retry_at = NULL
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id) AND sent_at IS NULL AND error <> '';

-- name: GetMail :one
SELECT * FROM outbox WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- status is empty (all), pending, failed or sent; q is a lower-case
-- substring of the recipient or subject, or empty. Newest first when newest
-- is 1, else oldest first.
-- name: ListMail :many
SELECT o.* FROM outbox o, (SELECT CAST(sqlc.arg(newest) AS INTEGER) AS newest) p
WHERE o.account_id = sqlc.arg(account_id)
  AND (CAST(sqlc.arg(q) AS TEXT) = '' OR instr(lower(o.to_addr), sqlc.arg(q)) > 0
       OR instr(lower(o.subject), sqlc.arg(q)) > 0)
  AND (CAST(sqlc.arg(status) AS TEXT) = ''
       OR (sqlc.arg(status) = 'sent' AND o.sent_at IS NOT NULL)
       OR (sqlc.arg(status) = 'pending' AND o.sent_at IS NULL AND o.error = '')
       OR (sqlc.arg(status) = 'failed' AND o.sent_at IS NULL AND o.error <> ''))
ORDER BY CASE WHEN p.newest = 1 THEN -o.id ELSE o.id END
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- Mail that waits or failed in an account, for the navigation's count.
-- name: CountUnsentMail :one
SELECT count(*) FROM outbox WHERE account_id = sqlc.arg(account_id) AND sent_at IS NULL;

-- name: CountMailByStatus :one
SELECT count(*) AS total,
       CAST(coalesce(sum(sent_at IS NOT NULL), 0) AS INTEGER) AS sent,
       CAST(coalesce(sum(sent_at IS NULL AND error = ''), 0) AS INTEGER) AS pending,
       CAST(coalesce(sum(sent_at IS NULL AND error <> ''), 0) AS INTEGER) AS failed
FROM outbox
WHERE account_id = sqlc.arg(account_id)
  AND (CAST(sqlc.arg(q) AS TEXT) = '' OR instr(lower(to_addr), sqlc.arg(q)) > 0
       OR instr(lower(subject), sqlc.arg(q)) > 0);

-- name: DeleteOldSentMail :execrows
-- Delivered mail older than the keep period; pending and failed mail stays.
DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < sqlc.arg(before);
