-- The first-cut schema of DESIGN.md. Times are Unix seconds (UTC).
-- Every table holding tenant data carries account_id.

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES accounts (id) ON DELETE RESTRICT,
    name        TEXT    NOT NULL,
    external_id TEXT    NOT NULL DEFAULT '',
    sip_domain  TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX accounts_parent ON accounts (parent_id);
CREATE UNIQUE INDEX accounts_name ON accounts (name COLLATE NOCASE);

-- Roles are defined once, in the main account, and apply in every account.
CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT    NOT NULL DEFAULT '',
    builtin     TEXT    NOT NULL DEFAULT '' -- 'administrator', 'staff' or ''
);

CREATE TABLE role_permissions (
    role_id    INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission TEXT    NOT NULL,
    PRIMARY KEY (role_id, permission)
);

-- A tree per account; the root with builtin_position = 1 is "Position".
CREATE TABLE groups (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    parent_id        INTEGER REFERENCES groups (id) ON DELETE RESTRICT,
    name             TEXT    NOT NULL,
    builtin_position INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);
CREATE INDEX groups_account_parent ON groups (account_id, parent_id);
CREATE UNIQUE INDEX groups_sibling_name ON groups (account_id, ifnull(parent_id, 0), name COLLATE NOCASE);

CREATE TABLE sip_accounts (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    extension  TEXT    NOT NULL,
    ha1        TEXT    NOT NULL,
    ha1b       TEXT    NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, extension)
);

CREATE TABLE phone_numbers (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    number     TEXT    NOT NULL,
    label      TEXT    NOT NULL DEFAULT '',
    UNIQUE (account_id, number)
);

CREATE TABLE sms_senders (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    sender     TEXT    NOT NULL,
    label      TEXT    NOT NULL DEFAULT '',
    UNIQUE (account_id, sender)
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT,
    email          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    notify_email   TEXT    NOT NULL DEFAULT '',
    full_name      TEXT    NOT NULL DEFAULT '',
    work_phone     TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL CHECK (status IN ('invited', 'active', 'blocked', 'inactive')),
    password_hash  TEXT    NOT NULL DEFAULT '',
    role_id        INTEGER NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    position_id    INTEGER REFERENCES groups (id) ON DELETE RESTRICT,
    sip_account_id INTEGER UNIQUE REFERENCES sip_accounts (id) ON DELETE SET NULL,
    call_number_id INTEGER REFERENCES phone_numbers (id) ON DELETE RESTRICT,
    sms_sender_id  INTEGER REFERENCES sms_senders (id) ON DELETE RESTRICT,
    totp_secret    TEXT    NOT NULL DEFAULT '',
    is_owner       INTEGER NOT NULL DEFAULT 0,
    last_login_at  INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX users_account_name ON users (account_id, full_name COLLATE NOCASE);
CREATE INDEX users_account_status ON users (account_id, status);
CREATE INDEX users_role ON users (role_id);
CREATE INDEX users_position ON users (position_id);
CREATE INDEX users_account_login ON users (account_id, last_login_at);
CREATE INDEX users_work_phone ON users (work_phone);
-- At most one owner in the installation.
CREATE UNIQUE INDEX users_one_owner ON users (is_owner) WHERE is_owner = 1;

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE RESTRICT,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

-- Main-account users allowed into sub-accounts.
CREATE TABLE account_access (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, account_id)
);
CREATE INDEX account_access_account ON account_access (account_id);

CREATE TABLE licenses (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product    TEXT    NOT NULL,
    seats      INTEGER NOT NULL CHECK (seats >= 0),
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, product)
);

CREATE TABLE license_seats (
    license_id  INTEGER NOT NULL REFERENCES licenses (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assigned_at INTEGER NOT NULL,
    PRIMARY KEY (license_id, user_id)
);
CREATE INDEX license_seats_user ON license_seats (user_id);

-- Server-side sessions: the cookie holds a random id, the row its SHA-256.
CREATE TABLE sessions (
    id_hash           TEXT    PRIMARY KEY,
    user_id           INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    acting_account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    impersonator_id   INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_at        INTEGER NOT NULL,
    last_seen_at      INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    ip                TEXT    NOT NULL DEFAULT '',
    user_agent        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Activation, reset and API tokens, stored as SHA-256 hashes.
CREATE TABLE tokens (
    id_hash      TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('activation', 'reset', 'api')),
    name         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    used_at      INTEGER,
    last_used_at INTEGER
);
CREATE INDEX tokens_user_kind ON tokens (user_id, kind);

CREATE TABLE login_failures (
    email TEXT    NOT NULL COLLATE NOCASE,
    ip    TEXT    NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email COLLATE NOCASE, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    to_addr    TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER,
    attempts   INTEGER NOT NULL DEFAULT 0,
    error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (sent_at, created_at);

-- A user counts as a billed seat in every period that overlaps [from_at, to_at).
CREATE TABLE seat_history (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    from_at    INTEGER NOT NULL,
    to_at      INTEGER
);
CREATE INDEX seat_history_account ON seat_history (account_id, from_at);
CREATE INDEX seat_history_user ON seat_history (user_id);

-- Actor and target labels are copied in, so entries outlive deleted users.
CREATE TABLE audit_log (
    id                 INTEGER PRIMARY KEY,
    at                 INTEGER NOT NULL,
    actor_id           INTEGER,
    actor_email        TEXT    NOT NULL DEFAULT '',
    impersonator_id    INTEGER,
    impersonator_email TEXT    NOT NULL DEFAULT '',
    account_id         INTEGER,
    action             TEXT    NOT NULL,
    target_type        TEXT    NOT NULL DEFAULT '',
    target_id          INTEGER,
    target_label       TEXT    NOT NULL DEFAULT '',
    before_json        TEXT    NOT NULL DEFAULT '',
    after_json         TEXT    NOT NULL DEFAULT '',
    ip                 TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_account_at ON audit_log (account_id, at);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_actor ON audit_log (actor_email COLLATE NOCASE);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The registrar contract (R-SIP-4): Kamailio's auth_db reads this view.
CREATE VIEW subscriber AS
SELECT s.id        AS id,
       s.extension AS username,
       a.sip_domain AS domain,
       ''          AS password,
       s.ha1       AS ha1,
       s.ha1b      AS ha1b
FROM sip_accounts s
JOIN accounts a ON a.id = s.account_id
WHERE s.enabled = 1;

CREATE TABLE version (
    table_name    TEXT    NOT NULL PRIMARY KEY,
    table_version INTEGER NOT NULL DEFAULT 0
);
INSERT INTO version (table_name, table_version) VALUES ('subscriber', 7);
