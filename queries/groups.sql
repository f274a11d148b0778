-- name: CreateGroup :one
INSERT INTO groups (account_id, parent_id, name, builtin_position, builtin, created_at)
VALUES (sqlc.arg(account_id), sqlc.narg(parent_id), sqlc.arg(name), sqlc.arg(builtin_position), sqlc.arg(builtin), sqlc.arg(created_at))
RETURNING *;

-- name: GetGroup :one
SELECT * FROM groups WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: PositionRoot :one
-- The root "Position" is a top-level group: the (account_id, parent_id)
-- index finds it among the few roots instead of scanning every group.
SELECT * FROM groups WHERE account_id = sqlc.arg(account_id) AND parent_id IS NULL AND builtin_position = 1;

-- name: FirstPosition :one
SELECT g.* FROM groups g
WHERE g.account_id = sqlc.arg(account_id)
  AND g.parent_id = (SELECT r.id FROM groups r
                     WHERE r.account_id = sqlc.arg(account_id) AND r.parent_id IS NULL AND r.builtin_position = 1)
ORDER BY g.id LIMIT 1;

-- name: AccountGroups :many
-- Every group of an account; the caller builds and sorts the tree.
SELECT id, parent_id, name, builtin_position, builtin FROM groups
WHERE account_id = sqlc.arg(account_id);

-- name: AccountMemberships :many
-- Every (user, group) membership of an account's groups, for the member
-- count snapshot (groupcounts.go).
SELECT m.user_id, m.group_id
FROM groups g
JOIN group_members m ON m.group_id = g.id
WHERE g.account_id = sqlc.arg(account_id);

-- name: AuditHighWater :one
-- The newest audit row: every change writes one (R-AUDIT-1), so a snapshot
-- taken at this mark is current while the mark stays the same.
SELECT CAST(ifnull(max(id), 0) AS INTEGER) AS mark FROM audit_log;

-- name: TreeHighWater :one
-- The newest audit row about a group or an account: a group tree (names,
-- places) changes only with one of those, so a tree read at this mark is
-- current while it stays the same; sign-ins and user changes leave it.
-- The WHERE is the partial index audit_log_tree_changes's, word for word;
-- named, the planner reads its last entry alone (it would otherwise scan
-- audit_log_target).
SELECT CAST(ifnull(max(id), 0) AS INTEGER) AS mark FROM audit_log INDEXED BY audit_log_tree_changes
WHERE target_type IN ('group', 'account');

-- name: PositionCounts :many
-- Users holding each position of an account (users.position_id).
SELECT g.id AS group_id, count(*) AS n
FROM groups g
JOIN users u ON u.position_id = g.id
WHERE g.account_id = sqlc.arg(account_id)
GROUP BY g.id;

-- name: GroupSubtree :many
-- A group and every group under it, parents before children.
WITH RECURSIVE sub AS (
    SELECT t.id AS id, t.parent_id AS parent_id, t.name AS name, 0 AS depth FROM groups t
    WHERE t.id = sqlc.arg(id) AND t.account_id = sqlc.arg(account_id)
    UNION ALL
    SELECT g.id AS id, g.parent_id AS parent_id, g.name AS name, sub.depth + 1 AS depth
    FROM sub CROSS JOIN groups g ON g.parent_id = sub.id
    WHERE g.account_id = sqlc.arg(account_id)
)
SELECT sub.id, sub.parent_id, sub.name, sub.depth,
       (SELECT count(*) FROM group_members m WHERE m.group_id = sub.id) +
       (SELECT count(*) FROM users u WHERE u.position_id = sub.id) AS members
FROM sub
ORDER BY sub.depth, sub.id;

-- name: SiblingNamed :one
-- How many other groups under the same parent already have this name.
SELECT count(*) FROM groups
WHERE account_id = sqlc.arg(account_id)
  AND ifnull(parent_id, 0) = sqlc.arg(parent_id)
  AND name = sqlc.arg(name) COLLATE NOCASE
  AND id <> sqlc.arg(id);

-- name: RenameGroup :exec
UPDATE groups SET name = sqlc.arg(name) WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: MoveGroup :exec
UPDATE groups SET parent_id = sqlc.narg(parent_id) WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: DeleteGroup :execrows
DELETE FROM groups WHERE id = sqlc.arg(id) AND account_id = sqlc.arg(account_id);

-- name: CountPositions :one
SELECT count(*) FROM groups c
WHERE c.account_id = sqlc.arg(account_id)
  AND c.parent_id = (SELECT r.id FROM groups r
                     WHERE r.account_id = sqlc.arg(account_id) AND r.parent_id IS NULL AND r.builtin_position = 1);

-- name: GroupMembers :many
-- A page of the users in a group (deep = 1: or in any of its subgroups),
-- by membership or, for positions, by users.position_id. CROSS JOIN makes
-- SQLite start from the members rather than walk every user by name.
WITH RECURSIVE sub AS (
    SELECT t.id AS id FROM groups t WHERE t.id = sqlc.arg(group_id) AND t.account_id = sqlc.arg(account_id)
    UNION ALL
    SELECT g.id AS id FROM sub CROSS JOIN groups g ON g.parent_id = sub.id
    WHERE g.account_id = sqlc.arg(account_id) AND sqlc.arg(deep) = 1
),
member_ids AS (
    SELECT m.user_id AS uid FROM group_members m WHERE m.group_id IN (SELECT id FROM sub)
    UNION
    SELECT p.id AS uid FROM users p WHERE p.position_id IN (SELECT id FROM sub)
)
SELECT u.id, u.email, u.full_name, u.status, u.position_id
FROM member_ids
CROSS JOIN users u ON u.id = member_ids.uid
WHERE u.account_id = sqlc.arg(account_id)
  AND (u.full_name LIKE sqlc.narg(q) OR u.email LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL)
ORDER BY u.full_name COLLATE NOCASE, u.email COLLATE NOCASE, u.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: GroupMembersByName :many
-- GroupMembers for a big group: walking the account's users by name and
-- keeping the members finds a page sooner than sorting them all (without
-- INDEXED BY, SQLite sorts every user of the account).
WITH RECURSIVE sub AS (
    SELECT t.id AS id FROM groups t WHERE t.id = sqlc.arg(group_id) AND t.account_id = sqlc.arg(account_id)
    UNION ALL
    SELECT g.id AS id FROM sub CROSS JOIN groups g ON g.parent_id = sub.id
    WHERE g.account_id = sqlc.arg(account_id) AND sqlc.arg(deep) = 1
),
member_ids AS (
    SELECT m.user_id AS uid FROM group_members m WHERE m.group_id IN (SELECT id FROM sub)
    UNION
    SELECT p.id AS uid FROM users p WHERE p.position_id IN (SELECT id FROM sub)
)
SELECT u.id, u.email, u.full_name, u.status, u.position_id
FROM users u INDEXED BY users_account_name
WHERE u.account_id = sqlc.arg(account_id)
  AND u.id IN (SELECT uid FROM member_ids)
  AND (u.full_name LIKE sqlc.narg(q) OR u.email LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL)
ORDER BY u.full_name COLLATE NOCASE, u.email COLLATE NOCASE, u.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: SubtreeIDs :many
-- A group and every group under it.
WITH RECURSIVE sub AS (
    SELECT t.id AS id FROM groups t WHERE t.id = sqlc.arg(id) AND t.account_id = sqlc.arg(account_id)
    UNION ALL
    SELECT g.id AS id FROM sub CROSS JOIN groups g ON g.parent_id = sub.id
    WHERE g.account_id = sqlc.arg(account_id)
)
SELECT id FROM sub;

-- name: CountGroupMembers :one
WITH RECURSIVE sub AS (
    SELECT t.id AS id FROM groups t WHERE t.id = sqlc.arg(group_id) AND t.account_id = sqlc.arg(account_id)
    UNION ALL
    SELECT g.id AS id FROM sub CROSS JOIN groups g ON g.parent_id = sub.id
    WHERE g.account_id = sqlc.arg(account_id) AND sqlc.arg(deep) = 1
),
member_ids AS (
    SELECT m.user_id AS uid FROM group_members m WHERE m.group_id IN (SELECT id FROM sub)
    UNION
    SELECT p.id AS uid FROM users p WHERE p.position_id IN (SELECT id FROM sub)
)
SELECT count(*)
FROM member_ids
CROSS JOIN users u ON u.id = member_ids.uid
WHERE u.account_id = sqlc.arg(account_id)
  AND (u.full_name LIKE sqlc.narg(q) OR u.email LIKE sqlc.narg(q) OR sqlc.narg(q) IS NULL);

-- name: UserGroupIDs :many
SELECT group_id FROM group_members WHERE user_id = sqlc.arg(user_id) ORDER BY group_id;

-- name: ClearUserGroups :exec
DELETE FROM group_members WHERE user_id = sqlc.arg(user_id);

-- name: JoinGroup :exec
INSERT INTO group_members (group_id, user_id) VALUES (sqlc.arg(group_id), sqlc.arg(user_id))
ON CONFLICT DO NOTHING;

-- name: SetUserPositionID :exec
UPDATE users SET position_id = sqlc.arg(position_id), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);
