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
