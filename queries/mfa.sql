-- name: GetUserTOTP :one
SELECT id, email, account_id, totp_secret, totp_pending, totp_last_step FROM users WHERE id = sqlc.arg(id);

-- name: SetTOTPPending :exec
UPDATE users SET totp_pending = sqlc.arg(totp_pending) WHERE id = sqlc.arg(id);

-- name: EnableTOTP :exec
UPDATE users SET totp_secret = totp_pending, totp_pending = '', totp_last_step = sqlc.arg(last_step)
WHERE id = sqlc.arg(id);

-- name: SetTOTPLastStep :execrows
-- Only a newer step is accepted: two requests with one code cannot both pass.
UPDATE users SET totp_last_step = sqlc.arg(last_step)
WHERE id = sqlc.arg(id) AND totp_last_step < sqlc.arg(last_step);

-- name: ClearTOTP :exec
UPDATE users SET totp_secret = '', totp_pending = '', totp_last_step = 0 WHERE id = sqlc.arg(id);

-- name: HasSecondFactor :one
SELECT CAST(EXISTS (SELECT 1 FROM second_factors WHERE user_id = sqlc.arg(user_id)) AS INTEGER);

-- name: AddRecoveryCode :exec
INSERT INTO recovery_codes (user_id, code_hash) VALUES (sqlc.arg(user_id), sqlc.arg(code_hash));

-- name: DeleteRecoveryCodes :exec
DELETE FROM recovery_codes WHERE user_id = sqlc.arg(user_id);

-- name: UseRecoveryCode :execrows
UPDATE recovery_codes SET used_at = sqlc.arg(used_at)
WHERE user_id = sqlc.arg(user_id) AND code_hash = sqlc.arg(code_hash) AND used_at IS NULL;

-- name: CountRecoveryCodesLeft :one
SELECT count(*) FROM recovery_codes WHERE user_id = sqlc.arg(user_id) AND used_at IS NULL;

-- name: CreateMFAChallenge :exec
INSERT INTO mfa_challenges (id_hash, user_id, created_at, expires_at)
VALUES (sqlc.arg(id_hash), sqlc.arg(user_id), sqlc.arg(created_at), sqlc.arg(expires_at));

-- name: GetMFAChallenge :one
SELECT c.user_id, c.expires_at, u.email FROM mfa_challenges c JOIN users u ON u.id = c.user_id
WHERE c.id_hash = sqlc.arg(id_hash);

-- name: DeleteMFAChallenge :execrows
DELETE FROM mfa_challenges WHERE id_hash = sqlc.arg(id_hash);

-- name: DeleteExpiredMFAChallenges :exec
DELETE FROM mfa_challenges WHERE expires_at < sqlc.arg(now);

-- name: SetRoleRequireMFA :exec
UPDATE roles SET require_mfa = sqlc.arg(require_mfa) WHERE id = sqlc.arg(id);
