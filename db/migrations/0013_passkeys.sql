-- Passkeys (R-MFA-2): WebAuthn credentials, each with the name its owner
-- gave it. credential is go-webauthn's Credential record as JSON (public
-- key, sign count, flags, transports): no secret, but it is checked at
-- every use.
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id BLOB    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    credential    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- The WebAuthn user handle of each user with a passkey: random, so that it
-- says nothing about the user (WebAuthn §14.6.1), and stable across their
-- passkeys, since a discoverable sign-in finds the user by it.
CREATE TABLE passkey_handles (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle  BLOB    NOT NULL UNIQUE
);

-- A WebAuthn ceremony in progress (register or sign in): its challenge and
-- options, single-use and short-lived, like the code step's state. A
-- sign-in ceremony has no user yet; ip bounds how many one client keeps.
CREATE TABLE passkey_ceremonies (
    id_hash    TEXT    PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('register', 'login')),
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    ip         TEXT    NOT NULL DEFAULT '',
    session    TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX passkey_ceremonies_ip ON passkey_ceremonies (ip);

-- A passkey is a second factor: the one definition grows by it. One
-- SELECT over users, not a UNION, so that SQLite can flatten the view and
-- answer "does user N have one" by the primary key: a UNION is built whole
-- first, a scan of every user on every request.
DROP VIEW second_factors;
CREATE VIEW second_factors AS
SELECT u.id AS user_id FROM users u
WHERE u.totp_secret <> '' OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id);

-- Who must set up a second factor before anything else (R-MFA-3): a role
-- that requires one, or the owner's switch for the owner and the
-- Administrators, and no second factor yet. The session read and the API
-- token read both ask it, so that neither door skips the enrolment.
CREATE VIEW must_enrol AS
SELECT u.id AS user_id
FROM users u
JOIN roles r ON r.id = u.role_id
WHERE (r.require_mfa = 1
       OR ((u.is_owner = 1 OR r.builtin = 'administrator')
           AND EXISTS (SELECT 1 FROM settings st WHERE st.key = 'mfa.require_admins' AND st.value = '1')))
  AND NOT EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = u.id);
