-- The CSV import's writes (issue 15): each statement writes a whole batch
-- of rows that were checked beforehand with the user form's rules
-- (db/users_check.go), from one JSON array, in the file's order. The
-- form's path writes the same columns one row at a time (CreateUser,
-- OpenSeat, CreateSIPAccount, SetUserSIPAccount, SetUserCallNumber,
-- SetUserSMSSender, JoinGroup, CreateToken, QueueMail).

-- name: ImportUsers :many
-- rows: [email, notify_email, full_name, work_phone, status, role_id,
-- position_id, sip_account_id, call_number_id, sms_sender_id] each (null
-- for none); created_at = updated_at = at. The user form sets the SIP
-- account, caller ID and SMS sender right after creating the user, in the
-- same transaction; here they are written with it (sqlc parses no
-- UPDATE ... FROM to set them afterwards in one statement).
INSERT INTO users (account_id, email, notify_email, full_name, work_phone, status, password_hash,
                   role_id, position_id, sip_account_id, call_number_id, sms_sender_id, is_owner,
                   created_at, updated_at)
SELECT CAST(sqlc.arg(account_id) AS INTEGER), value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, '',
       value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, 0,
       CAST(sqlc.arg(at) AS INTEGER), CAST(sqlc.arg(at) AS INTEGER)
FROM json_each(sqlc.arg(rows)) WHERE true ORDER BY key
RETURNING *;

-- name: ImportSeats :exec
-- user_ids: the new users' ids.
INSERT INTO seat_history (account_id, user_id, from_at)
SELECT CAST(sqlc.arg(account_id) AS INTEGER), value, CAST(sqlc.arg(from_at) AS INTEGER)
FROM json_each(sqlc.arg(user_ids)) WHERE true ORDER BY key;

-- name: ImportSIPAccounts :many
-- rows: [extension, ha1, ha1b] each, enabled, in realm.
INSERT INTO sip_accounts (account_id, extension, ha1, ha1b, realm, enabled, created_at)
SELECT CAST(sqlc.arg(account_id) AS INTEGER), value ->> 0, value ->> 1, value ->> 2, CAST(sqlc.arg(realm) AS TEXT), 1,
       CAST(sqlc.arg(created_at) AS INTEGER)
FROM json_each(sqlc.arg(rows)) WHERE true ORDER BY key
RETURNING *;

-- name: ImportMemberships :exec
-- rows: [user id, group id] each; a new user is in no group yet.
INSERT INTO group_members (group_id, user_id)
SELECT value ->> 1, value ->> 0 FROM json_each(sqlc.arg(rows)) WHERE true ORDER BY key;

-- name: ImportTokens :exec
-- rows: [id_hash, user id] each, of one kind.
INSERT INTO tokens (id_hash, user_id, kind, name, created_at, expires_at)
SELECT value ->> 0, value ->> 1, CAST(sqlc.arg(kind) AS TEXT), '', CAST(sqlc.arg(created_at) AS INTEGER),
       CAST(sqlc.arg(expires_at) AS INTEGER)
FROM json_each(sqlc.arg(rows)) WHERE true ORDER BY key;

-- name: ImportMails :exec
-- rows: [account_id, to_addr, subject, body] each.
INSERT INTO outbox (account_id, to_addr, subject, body, created_at)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, CAST(sqlc.arg(created_at) AS INTEGER)
FROM json_each(sqlc.arg(rows)) WHERE true ORDER BY key;

-- name: ImportEmailsTaken :many
-- The login e-mails among emails (a JSON array) that a user has, in any
-- account, compared as the column does (NOCASE): a batch's rows are
-- checked against them in its own transaction.
SELECT email FROM users WHERE email IN (SELECT value FROM json_each(sqlc.arg(emails)));

-- name: ImportExtensionsTaken :many
-- The extensions among extensions (a JSON array) that an account of the
-- SIP domain has.
SELECT s.extension FROM sip_accounts s
JOIN accounts a ON a.id = s.account_id
WHERE lower(a.sip_domain) = lower(sqlc.arg(domain))
  AND s.extension IN (SELECT value FROM json_each(sqlc.arg(extensions)));
