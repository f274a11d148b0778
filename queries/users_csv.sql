-- The users CSV file (R-USER-13): what the import looks names up in, and
-- the accounts the command line acts in.

-- name: CSVRoles :many
SELECT id, name, builtin FROM roles ORDER BY id;

-- name: CSVSIPAccounts :many
SELECT s.id, s.extension, s.enabled, coalesce(u.id, 0) AS user_id,
       coalesce(u.email, '') AS user_email, coalesce(u.full_name, '') AS user_name
FROM sip_accounts s
LEFT JOIN users u ON u.sip_account_id = s.id
WHERE s.account_id = sqlc.arg(account_id);

-- name: CSVPhoneNumbers :many
SELECT id, number FROM phone_numbers WHERE account_id = sqlc.arg(account_id);

-- name: CSVSMSSenders :many
SELECT id, sender FROM sms_senders WHERE account_id = sqlc.arg(account_id);

-- name: AccountByName :one
SELECT id, name FROM accounts WHERE name = sqlc.arg(name) COLLATE NOCASE;
