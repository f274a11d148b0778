-- name: AddLoginFailure :exec
INSERT INTO login_failures (email, ip, at) VALUES (sqlc.arg(email), sqlc.arg(ip), sqlc.arg(at));

-- name: EmailFailuresSince :one
SELECT count(*) AS n, CAST(coalesce(max(at), 0) AS INTEGER) AS last_at
FROM login_failures WHERE email = sqlc.arg(email) AND at >= sqlc.arg(since);

-- name: IPFailuresSince :one
SELECT count(*) AS n, CAST(coalesce(max(at), 0) AS INTEGER) AS last_at
FROM login_failures WHERE ip = sqlc.arg(ip) AND at >= sqlc.arg(since);

-- name: ClearEmailFailures :exec
DELETE FROM login_failures WHERE email = sqlc.arg(email);

-- name: DeleteOldLoginFailures :exec
DELETE FROM login_failures WHERE at < sqlc.arg(before);
