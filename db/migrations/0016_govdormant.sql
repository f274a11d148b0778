-- Governance (issue 14): dormant accounts (R-GOV-1), accountable log-in-as
-- (R-GOV-3) and the access review (R-GOV-5). The rule's own settings
-- (dormancy.*, impersonation.*, access_review.*) live in settings.

-- R-GOV-1: a warning mail goes out once per dormancy period. A period is
-- named by the time the user was last active (last sign-in, else creation):
-- a sign-in starts a new period, and with it a new warning.
CREATE TABLE dormancy_warnings (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    active_at INTEGER NOT NULL,
    warned_at INTEGER NOT NULL
);

-- R-GOV-3: every "log in as", with its reason and time limit. The admin's
-- e-mail and name are copied so the record stays readable after the admin
-- is deleted; the user's rows go with the user.
CREATE TABLE impersonations (
    id           INTEGER PRIMARY KEY,
    session_hash TEXT    NOT NULL,
    admin_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    admin_email  TEXT    NOT NULL,
    admin_name   TEXT    NOT NULL DEFAULT '',
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id   INTEGER NOT NULL,
    reason       TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL, -- the limit chosen at the start
    ended_at     INTEGER           -- when it really ended; NULL while it runs
);
CREATE INDEX impersonations_user ON impersonations (user_id, started_at);
CREATE INDEX impersonations_session ON impersonations (session_hash);

-- R-GOV-1: the hourly sweep and the preview look for active users last
-- active before a time; usually few are, and this index finds them
-- without reading every user.
CREATE INDEX users_dormancy ON users (coalesce(last_login_at, created_at), id)
WHERE status = 'active' AND is_owner = 0;
