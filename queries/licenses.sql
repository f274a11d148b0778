-- Licences of an account and their seats (R-LIC-1). Every query is scoped
-- by account_id.

-- name: CreateLicense :one
INSERT INTO licenses (account_id, product, seats, created_at)
VALUES (sqlc.arg(account_id), sqlc.arg(product), sqlc.arg(seats), sqlc.arg(created_at))
RETURNING *;

-- name: GetLicense :one
SELECT l.*, (SELECT count(*) FROM license_seats s WHERE s.license_id = l.id) AS used
FROM licenses l
WHERE l.id = sqlc.arg(id) AND l.account_id = sqlc.arg(account_id);

-- name: LicenseProductTaken :one
SELECT count(*) FROM licenses
WHERE account_id = sqlc.arg(account_id) AND product = sqlc.arg(product) COLLATE NOCASE AND id <> sqlc.arg(except_id);

-- name: SearchLicenses :many
WITH o AS (SELECT CAST(sqlc.arg(sort) AS TEXT) AS sort)
SELECT l.*, (SELECT count(*) FROM license_seats s WHERE s.license_id = l.id) AS used
FROM licenses l
JOIN o
WHERE l.account_id = sqlc.arg(account_id)
  AND ((l.product LIKE sqlc.narg(q) ESCAPE '!') OR sqlc.narg(q) IS NULL)
ORDER BY
    CASE WHEN o.sort = 'product' THEN l.product END COLLATE NOCASE,
    CASE WHEN o.sort = '-product' THEN l.product END COLLATE NOCASE DESC,
    CASE WHEN o.sort = 'seats' THEN l.seats END,
    CASE WHEN o.sort = '-seats' THEN l.seats END DESC,
    CASE WHEN o.sort = 'used' THEN (SELECT count(*) FROM license_seats s WHERE s.license_id = l.id) END,
    CASE WHEN o.sort = '-used' THEN (SELECT count(*) FROM license_seats s WHERE s.license_id = l.id) END DESC,
    CASE WHEN o.sort = 'free' THEN l.seats - (SELECT count(*) FROM license_seats s WHERE s.license_id = l.id) END,
    CASE WHEN o.sort = '-free' THEN l.seats - (SELECT count(*) FROM license_seats s WHERE s.license_id = l.id) END DESC,
    l.product COLLATE NOCASE, l.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountLicenses :one
SELECT count(*) FROM licenses l
WHERE l.account_id = sqlc.arg(account_id)
  AND ((l.product LIKE sqlc.narg(q) ESCAPE '!') OR sqlc.narg(q) IS NULL);

-- name: UpdateLicense :exec
UPDATE licenses SET product = sqlc.arg(product), seats = sqlc.arg(seats)
WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: DeleteLicense :execrows
DELETE FROM licenses WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: LicenseSeatHolders :many
SELECT u.id, u.email, u.full_name, u.status, s.assigned_at
FROM license_seats s
JOIN users u ON u.id = s.user_id
JOIN licenses l ON l.id = s.license_id
WHERE s.license_id = sqlc.arg(license_id) AND l.account_id = sqlc.arg(account_id)
  AND u.account_id = sqlc.arg(account_id)
  AND ((u.full_name LIKE sqlc.narg(q) ESCAPE '!') OR (u.email LIKE sqlc.narg(q) ESCAPE '!') OR sqlc.narg(q) IS NULL)
ORDER BY u.full_name COLLATE NOCASE, u.email COLLATE NOCASE, u.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountLicenseSeatHolders :one
SELECT count(*)
FROM license_seats s
JOIN users u ON u.id = s.user_id
JOIN licenses l ON l.id = s.license_id
WHERE s.license_id = sqlc.arg(license_id) AND l.account_id = sqlc.arg(account_id)
  AND u.account_id = sqlc.arg(account_id)
  AND ((u.full_name LIKE sqlc.narg(q) ESCAPE '!') OR (u.email LIKE sqlc.narg(q) ESCAPE '!') OR sqlc.narg(q) IS NULL);

-- name: LicenseSeatTaken :one
SELECT count(*) FROM license_seats WHERE license_id = sqlc.arg(license_id) AND user_id = sqlc.arg(user_id);

-- name: AssignLicenseSeat :exec
INSERT INTO license_seats (license_id, user_id, assigned_at)
VALUES (sqlc.arg(license_id), sqlc.arg(user_id), sqlc.arg(assigned_at));

-- name: UnassignLicenseSeat :execrows
DELETE FROM license_seats WHERE license_id = sqlc.arg(license_id) AND user_id = sqlc.arg(user_id);

-- name: UserLicenses :many
-- Every licence of an account, with whether the user holds a seat of it.
SELECT l.*, (SELECT count(*) FROM license_seats s WHERE s.license_id = l.id) AS used,
       CAST(EXISTS (SELECT 1 FROM license_seats s
                    WHERE s.license_id = l.id AND s.user_id = sqlc.arg(user_id)) AS INTEGER) AS held
FROM licenses l
WHERE l.account_id = sqlc.arg(account_id)
ORDER BY l.product COLLATE NOCASE, l.id;
