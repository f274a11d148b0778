-- SCIM 2.0 provisioning (issue 17). A SCIM token belongs to one account
-- and acts there as a named system actor ("SCIM: <name>"); only its hash
-- is kept. ceiling_role_id bounds whom it may touch (R-SEC-2): never the
-- owner, never a user whose role holds a permission the ceiling lacks.
-- permissions are the acts it may take (users.manage, users.block, ...),
-- those of its creator at creation, comma-separated.
CREATE TABLE scim_tokens (
    id_hash             TEXT    PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name                TEXT    NOT NULL,
    ceiling_role_id     INTEGER NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    default_role_id     INTEGER NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    default_position_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE RESTRICT,
    permissions         TEXT    NOT NULL,
    created_by          TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    last_used_at        INTEGER,
    UNIQUE (account_id, name)
);

-- The last SCIM requests of each account with their result, for Settings
-- -> Katalog; kept to the newest 50 per account on every insert.
CREATE TABLE scim_requests (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    token_name TEXT    NOT NULL,
    method     TEXT    NOT NULL,
    path       TEXT    NOT NULL,
    status     INTEGER NOT NULL,
    detail     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX scim_requests_account ON scim_requests (account_id, id);

-- The identity provider's own id of a user or group (SCIM externalId),
-- kept as it was sent and found by index.
ALTER TABLE users ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
CREATE INDEX users_external_id ON users (account_id, external_id) WHERE external_id <> '';
ALTER TABLE groups ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
