-- Each sign-in attempt is now counted before its password is checked, and a
-- successful sign-in takes back its own count and the ones before it, but
-- not attempts counted after it that are still in flight (R-SEC-3). That
-- needs an id in insertion order, which sqlc can name (rowid it cannot),
-- and never reused (AUTOINCREMENT): once a sign-in has cleared every row, a
-- plain rowid would start again below an id another sign-in still holds,
-- which would then clear an attempt made after it.
CREATE TABLE login_failures_new (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT    NOT NULL COLLATE NOCASE,
    ip    TEXT    NOT NULL,
    at    INTEGER NOT NULL
);
INSERT INTO login_failures_new (email, ip, at) SELECT email, ip, at FROM login_failures ORDER BY rowid;
DROP TABLE login_failures;
ALTER TABLE login_failures_new RENAME TO login_failures;
CREATE INDEX login_failures_email ON login_failures (email COLLATE NOCASE, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);
