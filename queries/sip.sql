-- SIP accounts (R-SIP-1..4). Every query is scoped by account_id, except the
-- registrar export, which reads the subscriber view as Kamailio does.

-- name: CreateSIPAccount :one
INSERT INTO sip_accounts (account_id, extension, ha1, ha1b, realm, enabled, created_at)
VALUES (sqlc.arg(account_id), sqlc.arg(extension), sqlc.arg(ha1), sqlc.arg(ha1b), sqlc.arg(realm), 1,
        sqlc.arg(created_at))
RETURNING *;

-- name: GetSIPAccount :one
SELECT s.*, CAST(ifnull(u.id, 0) AS INTEGER) AS user_id, CAST(ifnull(u.email, '') AS TEXT) AS user_email,
       CAST(ifnull(u.full_name, '') AS TEXT) AS user_name, lower(a.sip_domain) AS domain
FROM sip_accounts s
JOIN accounts a ON a.id = s.account_id
LEFT JOIN users u ON u.sip_account_id = s.id
WHERE s.id = sqlc.arg(id) AND s.account_id = sqlc.arg(account_id);

-- name: SIPExtensionInDomain :one
SELECT count(*) FROM sip_accounts s
JOIN accounts a ON a.id = s.account_id
WHERE s.extension = sqlc.arg(extension) AND lower(a.sip_domain) = lower(sqlc.arg(domain));

-- name: SIPDomainClashes :many
SELECT mine.extension, oa.name AS other_account
FROM sip_accounts mine
JOIN sip_accounts other ON other.extension = mine.extension
JOIN accounts oa ON oa.id = other.account_id
WHERE mine.account_id = sqlc.arg(account_id) AND oa.id <> sqlc.arg(account_id)
  AND lower(oa.sip_domain) = lower(sqlc.arg(domain))
ORDER BY mine.extension
LIMIT 5;

-- name: SearchSIPAccounts :many
-- A page of the list, each row carrying the count of the whole list, so
-- that one statement holds the filters.
WITH o AS (SELECT CAST(sqlc.arg(sort) AS TEXT) AS sort, CAST(sqlc.arg(state) AS TEXT) AS state)
SELECT s.*, CAST(ifnull(u.id, 0) AS INTEGER) AS user_id, CAST(ifnull(u.email, '') AS TEXT) AS user_email,
       CAST(ifnull(u.full_name, '') AS TEXT) AS user_name, lower(a.sip_domain) AS domain,
       CAST(count(*) OVER () AS INTEGER) AS total
FROM sip_accounts s
JOIN accounts a ON a.id = s.account_id
LEFT JOIN users u ON u.sip_account_id = s.id
JOIN o
WHERE s.account_id = sqlc.arg(account_id)
  AND (s.extension LIKE sqlc.narg(q) OR u.email LIKE sqlc.narg(q) OR u.full_name LIKE sqlc.narg(q)
       OR sqlc.narg(q) IS NULL)
  AND (o.state = ''
       OR (o.state = 'free' AND u.id IS NULL)
       OR (o.state = 'assigned' AND u.id IS NOT NULL)
       OR (o.state = 'enabled' AND s.enabled = 1)
       OR (o.state = 'disabled' AND s.enabled = 0)
       OR (o.state = 'stale' AND s.realm <> lower(a.sip_domain)))
ORDER BY
    CASE WHEN o.sort = 'extension' THEN length(s.extension) END,
    CASE WHEN o.sort = 'extension' THEN s.extension END,
    CASE WHEN o.sort = '-extension' THEN length(s.extension) END DESC,
    CASE WHEN o.sort = '-extension' THEN s.extension END DESC,
    CASE WHEN o.sort = 'user' THEN ifnull(nullif(u.full_name, ''), u.email) END,
    CASE WHEN o.sort = '-user' THEN ifnull(nullif(u.full_name, ''), u.email) END DESC,
    CASE WHEN o.sort = 'enabled' THEN s.enabled END,
    CASE WHEN o.sort = '-enabled' THEN s.enabled END DESC,
    CASE WHEN o.sort = 'created' THEN s.id END,
    CASE WHEN o.sort = '-created' THEN s.id END DESC,
    length(s.extension), s.extension
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountStaleSIPAccounts :one
SELECT count(*) FROM sip_accounts s
JOIN accounts a ON a.id = s.account_id
WHERE s.account_id = sqlc.arg(account_id) AND s.realm <> lower(a.sip_domain);

-- name: ListStaleSIPAccounts :many
SELECT s.* FROM sip_accounts s
JOIN accounts a ON a.id = s.account_id
WHERE s.account_id = sqlc.arg(account_id) AND s.realm <> lower(a.sip_domain)
ORDER BY length(s.extension), s.extension;

-- name: ListFreeSIPAccounts :many
SELECT s.* FROM sip_accounts s
JOIN accounts a ON a.id = s.account_id
WHERE s.account_id = sqlc.arg(account_id) AND s.enabled = 1
  AND NOT EXISTS (SELECT 1 FROM users u WHERE u.sip_account_id = s.id)
ORDER BY length(s.extension), s.extension;

-- name: SetSIPSecret :exec
UPDATE sip_accounts SET ha1 = sqlc.arg(ha1), ha1b = sqlc.arg(ha1b), realm = sqlc.arg(realm)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: SetSIPEnabled :exec
UPDATE sip_accounts SET enabled = sqlc.arg(enabled)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: DeleteSIPAccount :exec
DELETE FROM sip_accounts WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: SetAccountSIPDomain :exec
UPDATE accounts SET sip_domain = sqlc.arg(sip_domain) WHERE id = sqlc.arg(id);

-- name: ListSubscribers :many
SELECT * FROM subscriber
WHERE domain = sqlc.narg(domain) OR sqlc.narg(domain) IS NULL
ORDER BY domain, length(username), username;

-- Users and their SIP account, caller ID and SMS sender (R-SIP-2, R-SIP-5).

-- name: SIPUserInAccount :one
SELECT * FROM users WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: SetUserSIPAccount :exec
UPDATE users SET sip_account_id = sqlc.narg(sip_account_id), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: FreeSIPAccount :exec
UPDATE users SET sip_account_id = NULL, updated_at = sqlc.arg(updated_at)
WHERE sip_account_id = sqlc.arg(sip_account_id);

-- name: SetUserCallNumber :exec
UPDATE users SET call_number_id = sqlc.narg(presented_id), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: SetUserSMSSender :exec
UPDATE users SET sms_sender_id = sqlc.narg(presented_id), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);
