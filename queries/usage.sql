-- Billed seats (R-ACC-7). A seat row spans [from_at, to_at); a user counts
-- in a period when the span overlaps it. Rows, not distinct user ids, are
-- counted: a reused id is another person.

-- name: SeatsInPeriod :many
SELECT account_id, count(*) AS seats
FROM seat_history
WHERE from_at < sqlc.arg(period_end) AND (to_at IS NULL OR to_at > sqlc.arg(period_start))
GROUP BY account_id;

-- name: DeletedAccounts :many
SELECT * FROM deleted_accounts ORDER BY id;
