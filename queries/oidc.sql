-- name: SetSessionProviderMFA :exec
-- The session was opened through a provider that did a second factor
-- itself, and the owner lets that count (R-MFA-3).
UPDATE sessions SET provider_mfa = 1 WHERE id_hash = sqlc.arg(id_hash);

-- name: SetMFAChallengeProvider :exec
UPDATE mfa_challenges SET provider = sqlc.arg(provider) WHERE id_hash = sqlc.arg(id_hash);

-- name: GetMFAChallengeProvider :one
SELECT provider FROM mfa_challenges WHERE id_hash = sqlc.arg(id_hash);
