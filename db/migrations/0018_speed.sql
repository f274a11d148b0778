-- Name search by word beginnings (issue 15): "Anna Kowalczyk" or "anna kow"
-- finds the names whose words start so, through a word index with prefix
-- indexes, diacritics folded ("Łukasz" for "lukasz"). The trigram index of
-- 0003 (users_fts) stays for everything else: one word, e-mails, phones,
-- any part of a word. ListUsers picks by the query's shape.
CREATE VIRTUAL TABLE users_words USING fts5(
    full_name,
    content = 'users', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER users_words_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_words (rowid, full_name) VALUES (new.id, new.full_name);
END;

CREATE TRIGGER users_words_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_words (users_words, rowid, full_name) VALUES ('delete', old.id, old.full_name);
END;

CREATE TRIGGER users_words_update AFTER UPDATE OF full_name ON users BEGIN
    INSERT INTO users_words (users_words, rowid, full_name) VALUES ('delete', old.id, old.full_name);
    INSERT INTO users_words (rowid, full_name) VALUES (new.id, new.full_name);
END;

INSERT INTO users_words (users_words) VALUES ('rebuild');
