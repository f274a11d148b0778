-- name: DormantCandidates :many
-- Active users, in every account, last active (signed in, else created) at
-- or before active_before, with their role and last warning (R-GOV-1). The
-- owner is never among them.
SELECT u.id, u.account_id, u.email, u.full_name, u.role_id, u.last_login_at, u.created_at,
       CAST(coalesce(u.last_login_at, u.created_at) AS INTEGER) AS active_at,
       CAST(coalesce(w.active_at, 0) AS INTEGER) AS warned_for,
       a.name AS account_name
FROM users u
JOIN accounts a ON a.id = u.account_id
LEFT JOIN dormancy_warnings w ON w.user_id = u.id
WHERE u.status = 'active' AND u.is_owner = 0
  AND coalesce(u.last_login_at, u.created_at) <= sqlc.arg(active_before)
ORDER BY coalesce(u.last_login_at, u.created_at), u.id;

-- name: SetDormancyWarning :exec
INSERT INTO dormancy_warnings (user_id, active_at, warned_at)
VALUES (sqlc.arg(user_id), sqlc.arg(active_at), sqlc.arg(warned_at))
ON CONFLICT (user_id) DO UPDATE SET active_at = excluded.active_at, warned_at = excluded.warned_at;

-- name: CreateImpersonation :exec
INSERT INTO impersonations (session_hash, admin_id, admin_email, admin_name, user_id, account_id,
                            reason, started_at, ends_at)
VALUES (sqlc.arg(session_hash), sqlc.arg(admin_id), sqlc.arg(admin_email), sqlc.arg(admin_name),
        sqlc.arg(user_id), sqlc.arg(account_id), sqlc.arg(reason), sqlc.arg(started_at), sqlc.arg(ends_at));

-- name: EndImpersonation :exec
UPDATE impersonations SET ended_at = sqlc.arg(ended_at)
WHERE session_hash = sqlc.arg(session_hash) AND ended_at IS NULL;

-- name: ImpersonationBySession :one
SELECT * FROM impersonations WHERE session_hash = sqlc.arg(session_hash)
ORDER BY id DESC LIMIT 1;

-- name: UserImpersonations :many
SELECT * FROM impersonations WHERE user_id = sqlc.arg(user_id)
ORDER BY started_at DESC, id DESC LIMIT 200;

-- name: AccessReviewRows :many
-- R-GOV-5: every user of every account with what gets them in: role and
-- its permissions, position, sub-account access, second factor, last
-- sign-in. admins_only keeps the owner and users whose role holds any
-- permission; inactive_before keeps users last active at or before it.
-- The page's ids come first, in the order of users_account_name (the
-- main account, created first, leads), so that the columns are worked
-- out for one page only.
WITH page AS (
    SELECT pu.id FROM users pu
    JOIN roles pr ON pr.id = pu.role_id
    WHERE (sqlc.arg(admins_only) = 0 OR pu.is_owner = 1 OR pr.builtin = 'administrator'
           OR pu.role_id IN (SELECT rp.role_id FROM role_permissions rp))
      AND (coalesce(pu.last_login_at, pu.created_at) <= sqlc.narg(inactive_before) OR sqlc.narg(inactive_before) IS NULL)
    ORDER BY pu.account_id, pu.full_name COLLATE NOCASE, pu.id
    LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off)
)
SELECT u.id, u.account_id, a.name AS account_name, CAST(a.parent_id IS NULL AS INTEGER) AS is_main,
       u.email, u.full_name, u.status, u.is_owner, u.last_login_at, u.created_at,
       r.name AS role_name, r.builtin AS role_builtin,
       CAST(coalesce((SELECT group_concat(rp.permission, ',') FROM role_permissions rp
                      WHERE rp.role_id = u.role_id), '') AS TEXT) AS permissions,
       CAST(coalesce(p.name, '') AS TEXT) AS position, CAST(coalesce(p.builtin, '') AS TEXT) AS position_builtin,
       CAST(coalesce((SELECT group_concat(sa.name || char(31) || coalesce(aa.ends_at, ''), char(30))
                      FROM account_access aa JOIN accounts sa ON sa.id = aa.account_id
                      WHERE aa.user_id = u.id), '') AS TEXT) AS sub_accounts,
       CAST(coalesce((SELECT rg.ends_at FROM role_grants rg WHERE rg.user_id = u.id), 0) AS INTEGER) AS role_ends_at,
       CAST(EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = u.id) AS INTEGER) AS second_factor
FROM page
JOIN users u ON u.id = page.id
JOIN accounts a ON a.id = u.account_id
JOIN roles r ON r.id = u.role_id
LEFT JOIN groups p ON p.id = u.position_id
ORDER BY u.account_id, u.full_name COLLATE NOCASE, u.id;

-- name: CountAccessReviewRows :one
SELECT count(*) FROM users u
JOIN roles r ON r.id = u.role_id
WHERE (sqlc.arg(admins_only) = 0 OR u.is_owner = 1 OR r.builtin = 'administrator'
       OR u.role_id IN (SELECT rp.role_id FROM role_permissions rp))
  AND (coalesce(u.last_login_at, u.created_at) <= sqlc.narg(inactive_before) OR sqlc.narg(inactive_before) IS NULL);

-- name: GetImpersonationIn :one
-- One log-in-as of an account, for the audit log's "what was done".
SELECT * FROM impersonations WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);
