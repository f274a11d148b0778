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
