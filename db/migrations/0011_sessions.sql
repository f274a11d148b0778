-- An API token shows where it was last used from (R-MFA-6); written at most
-- once a minute per token, like a session's last-seen time (R-MFA-4).
ALTER TABLE tokens ADD COLUMN last_used_ip TEXT NOT NULL DEFAULT '';

-- The owner's list of every API token in the installation, newest first.
CREATE INDEX tokens_kind_created ON tokens (kind, created_at);
