-- Grants that end (R-GOV-2).

-- name: SetAccessEnd :exec
INSERT INTO account_access (user_id, account_id, ends_at, granted_by)
VALUES (sqlc.arg(user_id), sqlc.arg(account_id), sqlc.narg(ends_at), sqlc.narg(granted_by))
ON CONFLICT (user_id, account_id) DO UPDATE SET ends_at = excluded.ends_at, granted_by = excluded.granted_by;

-- name: GetAccessGrant :one
SELECT user_id, account_id, ends_at, granted_by FROM account_access
WHERE user_id = sqlc.arg(user_id) AND account_id = sqlc.arg(account_id);

-- name: UserAccessGrants :many
-- The sub-accounts a user may enter, with the end of each (NULL: none).
SELECT aa.account_id, a.name AS account_name, aa.ends_at, aa.granted_by,
       COALESCE(g.full_name, '') AS granted_by_name, COALESCE(g.email, '') AS granted_by_email
FROM account_access aa
JOIN accounts a ON a.id = aa.account_id
LEFT JOIN users g ON g.id = aa.granted_by
WHERE aa.user_id = sqlc.arg(user_id)
ORDER BY aa.ends_at IS NULL, aa.ends_at, a.name COLLATE NOCASE;

-- name: DueAccessGrants :many
SELECT user_id, account_id, ends_at, granted_by FROM account_access
WHERE ends_at IS NOT NULL AND ends_at <= CAST(sqlc.arg(now) AS INTEGER)
ORDER BY ends_at, user_id, account_id;

-- name: SetRoleGrant :exec
INSERT INTO role_grants (user_id, role_id, previous_role_id, ends_at, granted_by, created_at)
VALUES (sqlc.arg(user_id), sqlc.arg(role_id), sqlc.arg(previous_role_id), sqlc.arg(ends_at), sqlc.narg(granted_by), sqlc.arg(created_at))
ON CONFLICT (user_id) DO UPDATE SET role_id = excluded.role_id, previous_role_id = excluded.previous_role_id,
    ends_at = excluded.ends_at, granted_by = excluded.granted_by;

-- name: GetRoleGrant :one
SELECT rg.user_id, rg.role_id, rg.previous_role_id, rg.ends_at, rg.granted_by,
       r.name AS role_name, p.name AS previous_role_name,
       COALESCE(g.full_name, '') AS granted_by_name, COALESCE(g.email, '') AS granted_by_email
FROM role_grants rg
JOIN roles r ON r.id = rg.role_id
JOIN roles p ON p.id = rg.previous_role_id
LEFT JOIN users g ON g.id = rg.granted_by
WHERE rg.user_id = sqlc.arg(user_id);

-- name: DeleteRoleGrant :execrows
DELETE FROM role_grants WHERE user_id = sqlc.arg(user_id);

-- name: DueRoleGrants :many
SELECT user_id FROM role_grants WHERE ends_at <= sqlc.arg(now) ORDER BY ends_at, user_id;

-- name: AccessEndsOfAccount :many
SELECT user_id, ends_at FROM account_access WHERE account_id = sqlc.arg(account_id) AND ends_at IS NOT NULL;
