-- The newest audit row about groups or accounts (the only changes that
-- alter a group tree) is found in this small index, so that the cached
-- trees of the user list and forms are not read again after every
-- sign-in, which writes an audit row too (issue 15).
CREATE INDEX audit_log_tree_changes ON audit_log (id) WHERE target_type IN ('group', 'account');
