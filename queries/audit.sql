-- name: InsertAudit :exec
INSERT INTO audit_log (at, actor_id, actor_email, impersonator_id, impersonator_email, account_id,
                       action, target_type, target_id, target_label, before_json, after_json, ip)
VALUES (sqlc.arg(at), sqlc.narg(actor_id), sqlc.arg(actor_email), sqlc.narg(impersonator_id),
        sqlc.arg(impersonator_email), sqlc.narg(account_id), sqlc.arg(action), sqlc.arg(target_type),
        sqlc.narg(target_id), sqlc.arg(target_label), sqlc.arg(before_json), sqlc.arg(after_json), sqlc.arg(ip));

-- name: SearchAudit :many
SELECT * FROM audit_log
WHERE (account_id = sqlc.narg(account_id) OR sqlc.narg(account_id) IS NULL)
  AND ((actor_email LIKE sqlc.narg(actor) ESCAPE '!') OR (impersonator_email LIKE sqlc.narg(actor) ESCAPE '!') OR sqlc.narg(actor) IS NULL)
  AND ((action LIKE sqlc.narg(action) ESCAPE '!') OR sqlc.narg(action) IS NULL)
  AND (target_type = sqlc.narg(target_type) OR sqlc.narg(target_type) IS NULL)
  AND (target_id = sqlc.narg(target_id) OR (target_label LIKE sqlc.narg(target_label) ESCAPE '!') OR (sqlc.narg(target_id) IS NULL AND sqlc.narg(target_label) IS NULL))
  AND (at >= sqlc.narg(from_at) OR sqlc.narg(from_at) IS NULL)
  AND (at < sqlc.narg(to_at) OR sqlc.narg(to_at) IS NULL)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountAudit :one
SELECT count(*) FROM audit_log
WHERE (account_id = sqlc.narg(account_id) OR sqlc.narg(account_id) IS NULL)
  AND ((actor_email LIKE sqlc.narg(actor) ESCAPE '!') OR (impersonator_email LIKE sqlc.narg(actor) ESCAPE '!') OR sqlc.narg(actor) IS NULL)
  AND ((action LIKE sqlc.narg(action) ESCAPE '!') OR sqlc.narg(action) IS NULL)
  AND (target_type = sqlc.narg(target_type) OR sqlc.narg(target_type) IS NULL)
  AND (target_id = sqlc.narg(target_id) OR (target_label LIKE sqlc.narg(target_label) ESCAPE '!') OR (sqlc.narg(target_id) IS NULL AND sqlc.narg(target_label) IS NULL))
  AND (at >= sqlc.narg(from_at) OR sqlc.narg(from_at) IS NULL)
  AND (at < sqlc.narg(to_at) OR sqlc.narg(to_at) IS NULL);
