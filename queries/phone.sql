-- name: AccountPhoneCountry :one
-- The region of numbers typed without their country code (issue 11).
SELECT phone_country FROM accounts WHERE id = sqlc.arg(id);
