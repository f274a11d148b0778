-- name: AddLoginFailure :execlastid
-- A sign-in attempt is counted as a failure before its password is checked
-- (R-SEC-3); the id lets a successful sign-in take it back.
INSERT INTO login_failures (email, ip, at) VALUES (sqlc.arg(email), sqlc.arg(ip), sqlc.arg(at));

-- name: EmailFailuresSince :one
SELECT count(*) AS n, CAST(coalesce(max(at), 0) AS INTEGER) AS last_at
FROM login_failures WHERE email = sqlc.arg(email) AND at >= sqlc.arg(since);

-- name: IPFailuresSince :one
SELECT count(*) AS n, CAST(coalesce(max(at), 0) AS INTEGER) AS last_at
FROM login_failures WHERE ip = sqlc.arg(ip) AND at >= sqlc.arg(since);

-- name: ClearEmailFailures :exec
DELETE FROM login_failures WHERE email = sqlc.arg(email);

-- name: ClearEmailFailuresThrough :exec
-- A successful sign-in forgives the failures counted before it and its own
-- attempt, but not attempts still in flight that were counted after it.
DELETE FROM login_failures WHERE email = sqlc.arg(email) AND id <= sqlc.arg(through_id);

-- name: DeleteLoginFailure :exec
DELETE FROM login_failures WHERE id = sqlc.arg(id);

-- name: DeleteOldLoginFailures :exec
DELETE FROM login_failures WHERE at < sqlc.arg(before);
