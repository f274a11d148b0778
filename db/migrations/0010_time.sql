-- Each user may choose their own language and time zone on their profile
-- (R-PROF-1, R-I18N-2); empty means "as the request / the installation".
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

-- A new notification address takes effect only once a link sent to it is
-- followed: a token of its own kind, carrying the address it confirms.
-- SQLite cannot change a CHECK, so the table is rebuilt (nothing refers to
-- it).
CREATE TABLE tokens_new (
    id_hash      TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('activation', 'reset', 'api', 'notify_email')),
    name         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    used_at      INTEGER,
    last_used_at INTEGER,
    email        TEXT    NOT NULL DEFAULT ''
);
INSERT INTO tokens_new (id_hash, user_id, kind, name, created_at, expires_at, used_at, last_used_at)
SELECT id_hash, user_id, kind, name, created_at, expires_at, used_at, last_used_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;
CREATE INDEX tokens_user_kind ON tokens (user_id, kind);
CREATE UNIQUE INDEX tokens_api_name ON tokens (user_id, name) WHERE kind = 'api';
