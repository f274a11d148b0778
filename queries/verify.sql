-- What a verified file holds (R-OPS-2): read on a read-only connection to
-- a backup, so only tables every schema version has.

-- name: VerifyCounts :one
SELECT (SELECT count(*) FROM accounts)     AS accounts,
       (SELECT count(*) FROM users)        AS users,
       (SELECT count(*) FROM sip_accounts) AS extensions,
       (SELECT count(*) FROM audit_log)    AS audit_rows,
       CAST(coalesce((SELECT max(at) FROM audit_log), 0) AS INTEGER) AS newest_audit_at;
