-- name: CountAccounts :one
SELECT count(*) FROM accounts;

-- name: CreateAccount :one
INSERT INTO accounts (parent_id, name, external_id, sip_domain, created_at)
VALUES (sqlc.narg(parent_id), sqlc.arg(name), sqlc.arg(external_id), sqlc.arg(sip_domain), sqlc.arg(created_at))
RETURNING *;

-- name: GetAccount :one
SELECT * FROM accounts WHERE id = sqlc.arg(id);

-- name: MainAccount :one
SELECT * FROM accounts WHERE parent_id IS NULL ORDER BY id LIMIT 1;

-- Sub-accounts (R-ACC-2..6). Accounts are the tenants themselves: these
-- queries are read only by the owner and main-account admins
-- (db/accounts.go checks), never scoped to one acting account.

-- name: SearchAccounts :many
WITH o AS (SELECT CAST(sqlc.arg(sort) AS TEXT) AS sort)
SELECT a.*, (SELECT count(*) FROM users u WHERE u.account_id = a.id) AS user_count
FROM accounts a
JOIN o
WHERE ((a.name LIKE sqlc.narg(q) ESCAPE '!') OR (a.external_id LIKE sqlc.narg(q) ESCAPE '!')
       OR (a.sip_domain LIKE sqlc.narg(q) ESCAPE '!') OR sqlc.narg(q) IS NULL)
ORDER BY
    a.parent_id IS NOT NULL,
    CASE WHEN o.sort = 'name' THEN a.name END COLLATE NOCASE,
    CASE WHEN o.sort = '-name' THEN a.name END COLLATE NOCASE DESC,
    CASE WHEN o.sort = 'external_id' THEN a.external_id END COLLATE NOCASE,
    CASE WHEN o.sort = '-external_id' THEN a.external_id END COLLATE NOCASE DESC,
    CASE WHEN o.sort = 'users' THEN (SELECT count(*) FROM users u WHERE u.account_id = a.id) END,
    CASE WHEN o.sort = '-users' THEN (SELECT count(*) FROM users u WHERE u.account_id = a.id) END DESC,
    CASE WHEN o.sort = 'created' THEN a.id END,
    CASE WHEN o.sort = '-created' THEN a.id END DESC,
    a.name COLLATE NOCASE, a.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountSearchAccounts :one
SELECT count(*) FROM accounts a
WHERE ((a.name LIKE sqlc.narg(q) ESCAPE '!') OR (a.external_id LIKE sqlc.narg(q) ESCAPE '!')
       OR (a.sip_domain LIKE sqlc.narg(q) ESCAPE '!') OR sqlc.narg(q) IS NULL);

-- name: AccountUserCount :one
SELECT count(*) FROM users WHERE account_id = sqlc.arg(account_id);

-- name: AccountNameTaken :one
SELECT count(*) FROM accounts WHERE name = sqlc.arg(name) COLLATE NOCASE AND id <> sqlc.arg(except_id);

-- name: AccountExternalIDTaken :one
SELECT count(*) FROM accounts
WHERE external_id <> '' AND external_id = sqlc.arg(external_id) COLLATE NOCASE AND id <> sqlc.arg(except_id);

-- name: AccountWithSIPDomain :one
SELECT count(*) FROM accounts WHERE lower(sip_domain) = lower(sqlc.arg(sip_domain)) AND id <> sqlc.arg(except_id);

-- name: UpdateAccount :exec
UPDATE accounts SET name = sqlc.arg(name), external_id = sqlc.arg(external_id),
    phone_country = sqlc.arg(phone_country) WHERE id = sqlc.arg(id);

-- name: SubAccounts :many
SELECT * FROM accounts WHERE parent_id IS NOT NULL ORDER BY name COLLATE NOCASE, id;

-- name: GrantedSubAccounts :many
SELECT a.* FROM accounts a
JOIN account_access aa ON aa.account_id = a.id
WHERE aa.user_id = sqlc.arg(user_id) AND a.parent_id IS NOT NULL
ORDER BY a.name COLLATE NOCASE, a.id;

-- name: HasLiveAccountAccess :one
-- Access that has not ended (R-GOV-2): the hourly sweep withdraws it, and
-- until it runs, an access past its end already lets nobody in.
SELECT count(*) FROM account_access
WHERE user_id = sqlc.arg(user_id) AND account_id = sqlc.arg(account_id)
  AND (ends_at IS NULL OR ends_at > sqlc.arg(now));

-- name: HasAccountAccess :one
SELECT count(*) FROM account_access WHERE user_id = sqlc.arg(user_id) AND account_id = sqlc.arg(account_id);

-- name: CountSubAccounts :one
SELECT count(*) FROM accounts WHERE parent_id IS NOT NULL;

-- name: CountGrantedSubAccounts :one
SELECT count(*) FROM account_access WHERE user_id = sqlc.arg(user_id);

-- name: GrantAccountAccess :exec
INSERT INTO account_access (user_id, account_id) VALUES (sqlc.arg(user_id), sqlc.arg(account_id))
ON CONFLICT DO NOTHING;

-- name: RevokeAccountAccess :execrows
DELETE FROM account_access WHERE user_id = sqlc.arg(user_id) AND account_id = sqlc.arg(account_id);

-- name: AccountAccessUserIDs :many
SELECT user_id FROM account_access WHERE account_id = sqlc.arg(account_id) ORDER BY user_id;

-- name: MainAccessCandidates :many
-- A page of the main account's users, each with whether they may enter the
-- sub-account (granted = 1); the owner always may.
SELECT u.id, u.email, u.full_name, u.status, u.is_owner,
       CAST(EXISTS (SELECT 1 FROM account_access aa
                    WHERE aa.user_id = u.id AND aa.account_id = sqlc.arg(account_id)) AS INTEGER) AS granted
FROM users u
WHERE u.account_id = sqlc.arg(main_id)
  AND ((u.full_name LIKE sqlc.narg(q) ESCAPE '!') OR (u.email LIKE sqlc.narg(q) ESCAPE '!') OR sqlc.narg(q) IS NULL)
  AND (CAST(sqlc.arg(only_granted) AS INTEGER) = 0 OR u.is_owner = 1
       OR EXISTS (SELECT 1 FROM account_access aa WHERE aa.user_id = u.id AND aa.account_id = sqlc.arg(account_id)))
ORDER BY u.is_owner DESC, u.full_name COLLATE NOCASE, u.email COLLATE NOCASE, u.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountMainAccessCandidates :one
SELECT count(*) FROM users u
WHERE u.account_id = sqlc.arg(main_id)
  AND ((u.full_name LIKE sqlc.narg(q) ESCAPE '!') OR (u.email LIKE sqlc.narg(q) ESCAPE '!') OR sqlc.narg(q) IS NULL)
  AND (CAST(sqlc.arg(only_granted) AS INTEGER) = 0 OR u.is_owner = 1
       OR EXISTS (SELECT 1 FROM account_access aa WHERE aa.user_id = u.id AND aa.account_id = sqlc.arg(account_id)));

-- name: SetSessionAccount :exec
UPDATE sessions SET acting_account_id = sqlc.arg(acting_account_id) WHERE id_hash = sqlc.arg(id_hash);

-- name: SendSessionsHome :execrows
-- Sessions acting in an account that is going away return to their
-- user's own account.
UPDATE sessions
SET acting_account_id = (SELECT u.account_id FROM users u WHERE u.id = sessions.user_id)
WHERE acting_account_id = sqlc.arg(account_id);

-- name: SendUserSessionsHome :execrows
-- A user's sessions acting in an account they may no longer enter.
UPDATE sessions
SET acting_account_id = (SELECT u.account_id FROM users u WHERE u.id = sessions.user_id)
WHERE user_id = sqlc.arg(user_id) AND acting_account_id = sqlc.arg(account_id);

-- name: CloseAccountSeats :exec
UPDATE seat_history SET to_at = sqlc.arg(to_at) WHERE account_id = sqlc.arg(account_id) AND to_at IS NULL;

-- name: AccountUserIDs :many
SELECT id FROM users WHERE account_id = sqlc.arg(account_id) ORDER BY id;

-- name: DeleteAccountUsers :execrows
DELETE FROM users WHERE account_id = sqlc.arg(account_id);

-- name: DeleteLeafGroups :execrows
-- Groups of an account with no subgroups; repeated until none is left, so
-- that no parent goes before its children.
DELETE FROM groups
WHERE id IN (SELECT g.id FROM groups g
             WHERE g.account_id = sqlc.arg(account_id)
               AND NOT EXISTS (SELECT 1 FROM groups c WHERE c.parent_id = g.id));

-- name: DeleteAccountSettings :exec
DELETE FROM settings WHERE (key LIKE sqlc.arg(prefix) ESCAPE '!');

-- name: DeleteAccountRow :execrows
DELETE FROM accounts WHERE id = sqlc.arg(id) AND parent_id IS NOT NULL;

-- name: InsertDeletedAccount :exec
INSERT INTO deleted_accounts (id, name, external_id, deleted_at)
VALUES (sqlc.arg(id), sqlc.arg(name), sqlc.arg(external_id), sqlc.arg(deleted_at))
ON CONFLICT (id) DO UPDATE SET name = excluded.name, external_id = excluded.external_id,
                               deleted_at = excluded.deleted_at;

-- name: NextAccountID :one
-- Account ids are never reused: seats and audit rows of a deleted account
-- keep its id, and must not become a new account's.
SELECT CAST(max(
    (SELECT ifnull(max(id), 0) FROM accounts),
    (SELECT ifnull(max(id), 0) FROM deleted_accounts),
    (SELECT ifnull(max(account_id), 0) FROM seat_history),
    (SELECT ifnull(max(account_id), 0) FROM audit_log)) + 1 AS INTEGER) AS next_id;

-- name: CreateAccountWithID :one
INSERT INTO accounts (id, parent_id, name, external_id, sip_domain, created_at)
VALUES (sqlc.arg(id), sqlc.arg(parent_id), sqlc.arg(name), sqlc.arg(external_id), sqlc.arg(sip_domain),
        sqlc.arg(created_at))
RETURNING *;
