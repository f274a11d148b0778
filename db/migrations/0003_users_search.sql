-- Search as you type over 100,000 users (R-USER-16): a trigram FTS5 index on
-- name, e-mail and work phone, kept in step with users by triggers.
CREATE VIRTUAL TABLE users_fts USING fts5(
    full_name, email, work_phone,
    content = 'users', content_rowid = 'id',
    tokenize = 'trigram remove_diacritics 1'
);

CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, full_name, email, work_phone)
    VALUES (new.id, new.full_name, new.email, new.work_phone);
END;

CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, full_name, email, work_phone)
    VALUES ('delete', old.id, old.full_name, old.email, old.work_phone);
END;

CREATE TRIGGER users_fts_update AFTER UPDATE OF full_name, email, work_phone ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, full_name, email, work_phone)
    VALUES ('delete', old.id, old.full_name, old.email, old.work_phone);
    INSERT INTO users_fts (rowid, full_name, email, work_phone)
    VALUES (new.id, new.full_name, new.email, new.work_phone);
END;

INSERT INTO users_fts (users_fts) VALUES ('rebuild');

-- Sorting the list by e-mail and by status, within an account.
CREATE INDEX users_account_email ON users (account_id, email COLLATE NOCASE);
CREATE INDEX users_account_role ON users (account_id, role_id);
