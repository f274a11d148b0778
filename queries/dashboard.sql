-- name: UserStatusCounts :many
SELECT status, count(*) AS n FROM users WHERE account_id = sqlc.arg(account_id) GROUP BY status;

-- name: SIPCounts :one
SELECT count(*) AS total,
       CAST(coalesce(sum(CASE WHEN s.enabled = 1 AND u.id IS NULL THEN 1 ELSE 0 END), 0) AS INTEGER) AS free
FROM sip_accounts s LEFT JOIN users u ON u.sip_account_id = s.id
WHERE s.account_id = sqlc.arg(account_id);
