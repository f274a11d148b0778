-- Grants that end (R-GOV-2).

-- Sub-account access may carry the moment it ends (unix seconds; NULL for
-- access without end) and the admin who gave it, who is told when it ends.
ALTER TABLE account_access ADD COLUMN ends_at INTEGER;
ALTER TABLE account_access ADD COLUMN granted_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX account_access_ends ON account_access (ends_at) WHERE ends_at IS NOT NULL;

-- A role given until a moment: when it ends, the user goes back to the role
-- held before. A user holds at most one such grant; it is forgotten when
-- their role is changed otherwise (the sweep then leaves the role alone).
-- The previous role cannot be deleted while a grant would return to it.
CREATE TABLE role_grants (
    user_id          INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    role_id          INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    previous_role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    ends_at          INTEGER NOT NULL,
    granted_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX role_grants_ends ON role_grants (ends_at);

-- Offboarding (R-GOV-4): a leaver's plan, run now or at the start of a
-- local day by the hourly sweep, and its final report. The labels keep the
-- names once the users are deleted, so the report stays readable.
CREATE TABLE offboardings (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    user_label      TEXT    NOT NULL,
    successor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    successor_label TEXT    NOT NULL DEFAULT '',
    plan_json       TEXT    NOT NULL,
    run_at          INTEGER NOT NULL,
    delete_at       INTEGER,
    state           TEXT    NOT NULL CHECK (state IN ('scheduled', 'done', 'cancelled')),
    deleted         INTEGER NOT NULL DEFAULT 0,
    report_json     TEXT    NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by_label TEXT   NOT NULL,
    created_at      INTEGER NOT NULL,
    done_at         INTEGER
);
CREATE INDEX offboardings_due ON offboardings (state, run_at);
CREATE INDEX offboardings_account ON offboardings (account_id, created_at);
-- One open offboarding per user.
CREATE UNIQUE INDEX offboardings_one_open ON offboardings (user_id) WHERE state = 'scheduled';
