-- name: InsertAudit :exec
INSERT INTO audit_log (at, actor_id, actor_email, impersonator_id, impersonator_email, account_id,
                       action, target_type, target_id, target_label, before_json, after_json, ip, labels_json)
VALUES (sqlc.arg(at), sqlc.narg(actor_id), sqlc.arg(actor_email), sqlc.narg(impersonator_id),
        sqlc.arg(impersonator_email), sqlc.narg(account_id), sqlc.arg(action), sqlc.arg(target_type),
        sqlc.narg(target_id), sqlc.arg(target_label), sqlc.arg(before_json), sqlc.arg(after_json), sqlc.arg(ip),
        sqlc.arg(labels_json));

-- name: SearchAudit :many
SELECT * FROM audit_log
WHERE (account_id = sqlc.narg(account_id) OR sqlc.narg(account_id) IS NULL)
  AND ((actor_email LIKE sqlc.narg(actor) ESCAPE '!') OR (impersonator_email LIKE sqlc.narg(actor) ESCAPE '!') OR sqlc.narg(actor) IS NULL)
  AND ((action LIKE sqlc.narg(action) ESCAPE '!') OR sqlc.narg(action) IS NULL)
  AND (action IN (SELECT value FROM json_each(sqlc.narg(actions))) OR sqlc.narg(actions) IS NULL)
  AND (target_type = sqlc.narg(target_type) OR sqlc.narg(target_type) IS NULL)
  AND (target_id = sqlc.narg(target_id) OR (target_label LIKE sqlc.narg(target_label) ESCAPE '!') OR (sqlc.narg(target_id) IS NULL AND sqlc.narg(target_label) IS NULL))
  AND (at >= sqlc.narg(from_at) OR sqlc.narg(from_at) IS NULL)
  AND (at < sqlc.narg(to_at) OR sqlc.narg(to_at) IS NULL)
  AND (impersonator_id = sqlc.narg(impersonator_id) OR sqlc.narg(impersonator_id) IS NULL)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: SearchAuditOldest :many
-- SearchAudit sorted the other way: sqlc cannot vary ORDER BY.
SELECT * FROM audit_log
WHERE (account_id = sqlc.narg(account_id) OR sqlc.narg(account_id) IS NULL)
  AND ((actor_email LIKE sqlc.narg(actor) ESCAPE '!') OR (impersonator_email LIKE sqlc.narg(actor) ESCAPE '!') OR sqlc.narg(actor) IS NULL)
  AND ((action LIKE sqlc.narg(action) ESCAPE '!') OR sqlc.narg(action) IS NULL)
  AND (action IN (SELECT value FROM json_each(sqlc.narg(actions))) OR sqlc.narg(actions) IS NULL)
  AND (target_type = sqlc.narg(target_type) OR sqlc.narg(target_type) IS NULL)
  AND (target_id = sqlc.narg(target_id) OR (target_label LIKE sqlc.narg(target_label) ESCAPE '!') OR (sqlc.narg(target_id) IS NULL AND sqlc.narg(target_label) IS NULL))
  AND (at >= sqlc.narg(from_at) OR sqlc.narg(from_at) IS NULL)
  AND (at < sqlc.narg(to_at) OR sqlc.narg(to_at) IS NULL)
  AND (impersonator_id = sqlc.narg(impersonator_id) OR sqlc.narg(impersonator_id) IS NULL)
ORDER BY id ASC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountAudit :one
SELECT count(*) FROM audit_log
WHERE (account_id = sqlc.narg(account_id) OR sqlc.narg(account_id) IS NULL)
  AND ((actor_email LIKE sqlc.narg(actor) ESCAPE '!') OR (impersonator_email LIKE sqlc.narg(actor) ESCAPE '!') OR sqlc.narg(actor) IS NULL)
  AND ((action LIKE sqlc.narg(action) ESCAPE '!') OR sqlc.narg(action) IS NULL)
  AND (action IN (SELECT value FROM json_each(sqlc.narg(actions))) OR sqlc.narg(actions) IS NULL)
  AND (target_type = sqlc.narg(target_type) OR sqlc.narg(target_type) IS NULL)
  AND (target_id = sqlc.narg(target_id) OR (target_label LIKE sqlc.narg(target_label) ESCAPE '!') OR (sqlc.narg(target_id) IS NULL AND sqlc.narg(target_label) IS NULL))
  AND (at >= sqlc.narg(from_at) OR sqlc.narg(from_at) IS NULL)
  AND (at < sqlc.narg(to_at) OR sqlc.narg(to_at) IS NULL)
  AND (impersonator_id = sqlc.narg(impersonator_id) OR sqlc.narg(impersonator_id) IS NULL);

-- name: AuditPeople :many
-- The typeahead of the audit log's person filter: the account's users by
-- name or e-mail.
SELECT id, email, full_name FROM users
WHERE account_id = sqlc.arg(account_id)
  AND ((full_name LIKE sqlc.arg(q) ESCAPE '!') OR (email LIKE sqlc.arg(q) ESCAPE '!'))
ORDER BY full_name, email
LIMIT 10;

-- name: AuditLabelUser :one
SELECT full_name, email FROM users WHERE id = sqlc.arg(id);

-- name: AuditLabelGroup :one
SELECT name FROM groups WHERE id = sqlc.arg(id);

-- name: AuditLabelRole :one
SELECT name FROM roles WHERE id = sqlc.arg(id);

-- name: AuditLabelSIP :one
SELECT extension FROM sip_accounts WHERE id = sqlc.arg(id);

-- name: AuditLabelNumber :one
SELECT number FROM phone_numbers WHERE id = sqlc.arg(id);

-- name: AuditLabelSender :one
SELECT sender FROM sms_senders WHERE id = sqlc.arg(id);

-- name: AuditLabelAccount :one
SELECT name FROM accounts WHERE id = sqlc.arg(id);

-- name: AuditLabelLicense :one
SELECT product FROM licenses WHERE id = sqlc.arg(id);
