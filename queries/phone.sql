-- name: AccountPhoneCountry :one
-- The region of numbers typed without their country code (issue 11).
SELECT phone_country FROM accounts WHERE id = sqlc.arg(id);

-- name: SeatCandidates :many
-- Users of an account without a seat of the licence whose name, e-mail or
-- extension contains the typed text: the licence page's typeahead.
SELECT u.id, u.email, u.full_name, coalesce(s.extension, '') AS extension
FROM users u
LEFT JOIN sip_accounts s ON s.id = u.sip_account_id
WHERE u.account_id = sqlc.arg(account_id)
  AND (u.full_name LIKE sqlc.arg(pattern) OR u.email LIKE sqlc.arg(pattern)
       OR s.extension LIKE sqlc.arg(pattern))
  AND NOT EXISTS (SELECT 1 FROM license_seats ls WHERE ls.license_id = sqlc.arg(license_id) AND ls.user_id = u.id)
ORDER BY u.full_name COLLATE NOCASE, u.id
LIMIT 10;
