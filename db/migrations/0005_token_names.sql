-- A user's API tokens have distinct names, so that one can be revoked by
-- name (kadra token revoke).
CREATE UNIQUE INDEX tokens_api_name ON tokens (user_id, name) WHERE kind = 'api';
