-- A second factor (R-MFA-1): the TOTP key lives in users.totp_secret,
-- encrypted (AES-GCM, key from the server secret beside the database);
-- totp_pending holds a key being enrolled until its first code confirms it;
-- totp_last_step is the newest time step accepted, so that no code is
-- accepted twice.
ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- Ten single-use recovery codes per user, kept as keyed hashes only.
CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- The sign-in's second step: its own short-lived, single-use state, made
-- when the password was right; no session exists until the code is.
CREATE TABLE mfa_challenges (
    id_hash    TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- R-MFA-3: roles whose users must have a second factor. The owner's switch
-- for themselves and the Administrators is the setting 'mfa.require_admins'.
ALTER TABLE roles ADD COLUMN require_mfa INTEGER NOT NULL DEFAULT 0;

-- Who has a second factor: the one definition (db.HasSecondFactor and the
-- session read both use it), so that a passkey can be added to it later.
CREATE VIEW second_factors AS
SELECT id AS user_id FROM users WHERE totp_secret <> '';
