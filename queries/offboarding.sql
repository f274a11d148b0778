-- Offboarding (R-GOV-4).

-- name: InsertOffboarding :one
INSERT INTO offboardings (account_id, user_id, user_label, successor_id, successor_label, plan_json, run_at,
    delete_at, state, created_by, created_by_label, created_at)
VALUES (sqlc.arg(account_id), sqlc.arg(user_id), sqlc.arg(user_label), sqlc.narg(successor_id), sqlc.arg(successor_label),
    sqlc.arg(plan_json), sqlc.arg(run_at), sqlc.narg(delete_at), sqlc.arg(state), sqlc.narg(created_by),
    sqlc.arg(created_by_label), sqlc.arg(created_at))
RETURNING id;

-- name: GetOffboarding :one
SELECT * FROM offboardings WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: GetOffboardingAny :one
SELECT * FROM offboardings WHERE id = sqlc.arg(id);

-- name: FinishOffboarding :exec
UPDATE offboardings SET state = 'done', report_json = sqlc.arg(report_json), done_at = sqlc.arg(done_at),
    deleted = sqlc.arg(deleted)
WHERE id = sqlc.arg(id);

-- name: MarkOffboardingDeleted :exec
UPDATE offboardings SET deleted = 1, report_json = sqlc.arg(report_json) WHERE id = sqlc.arg(id);

-- name: CancelOffboarding :execrows
UPDATE offboardings SET state = 'cancelled', done_at = sqlc.arg(done_at)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id) AND state = 'scheduled';

-- name: ListOffboardings :many
SELECT * FROM offboardings WHERE account_id = sqlc.arg(account_id)
  AND (sqlc.arg(state) = '' OR state = sqlc.arg(state))
ORDER BY CASE state WHEN 'scheduled' THEN 0 ELSE 1 END, run_at DESC, id DESC
LIMIT 200;

-- name: DueOffboardings :many
SELECT id FROM offboardings WHERE state = 'scheduled' AND run_at <= CAST(sqlc.arg(now) AS INTEGER) ORDER BY run_at, id;

-- name: DueOffboardingDeletions :many
SELECT id FROM offboardings
WHERE state = 'done' AND deleted = 0 AND delete_at IS NOT NULL AND delete_at <= CAST(sqlc.arg(now) AS INTEGER)
  AND user_id IS NOT NULL
ORDER BY delete_at, id;

-- name: RevokeAllAccountAccess :many
DELETE FROM account_access WHERE user_id = sqlc.arg(user_id) RETURNING account_id;
