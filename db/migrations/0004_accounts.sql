-- Sub-accounts and the one bill (R-ACC-2, R-ACC-7).

-- A user counts as a billed seat until the end of the period they were
-- deleted in, also when their whole sub-account is deleted with them. The
-- first cut's seat_history cascaded on the account's deletion, which would
-- have dropped those seats from the current bill; it is rebuilt without the
-- foreign key, and deleted accounts keep their name for the usage page.
CREATE TABLE seat_history_new (
    account_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    from_at    INTEGER NOT NULL,
    to_at      INTEGER
);
INSERT INTO seat_history_new (account_id, user_id, from_at, to_at)
SELECT account_id, user_id, from_at, to_at FROM seat_history;
DROP TABLE seat_history;
ALTER TABLE seat_history_new RENAME TO seat_history;
CREATE INDEX seat_history_account ON seat_history (account_id, from_at);
CREATE INDEX seat_history_user ON seat_history (user_id);

CREATE TABLE deleted_accounts (
    id          INTEGER PRIMARY KEY, -- the id the account had
    name        TEXT    NOT NULL,
    external_id TEXT    NOT NULL DEFAULT '',
    deleted_at  INTEGER NOT NULL
);

-- External identifiers (the operator or branch ID an account serves) are
-- unique when set; the code checks first and names the clash.
CREATE UNIQUE INDEX accounts_external_id ON accounts (external_id COLLATE NOCASE) WHERE external_id <> '';
