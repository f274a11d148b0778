-- R-AUDIT-2: the names an entry speaks of (the actor, the one behind a
-- "log in as", the target, and every role, group, extension, number,
-- sender, user or account its before/after name by id), as they were when
-- the entry was written, so that a later rename does not rewrite history.
-- Older rows have '' and show ids.
ALTER TABLE audit_log ADD COLUMN labels_json TEXT NOT NULL DEFAULT '';
