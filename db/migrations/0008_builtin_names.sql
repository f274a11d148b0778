-- kadra: foreign keys off
-- Built-in records are named in the viewer's language until an admin
-- renames them (R-I18N-1). Setup used to store their English names; from
-- now on a built-in record keeps only its key, and an empty name or
-- description means "the built-in text, translated". Records still
-- carrying the seeded English text become built-in and not renamed.
--
-- Roles: two built-in roles both unnamed would break the UNIQUE name of
-- the first cut, so the table is rebuilt with the uniqueness on non-empty
-- names only, with foreign keys off (see the first line; migrate.go checks
-- them before committing): users and role_permissions keep the same ids.
CREATE TABLE roles_new (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '', -- '' = the built-in name, translated
    description TEXT    NOT NULL DEFAULT '', -- '' on a built-in = its translated description
    builtin     TEXT    NOT NULL DEFAULT ''  -- 'administrator', 'staff' or ''
);
INSERT INTO roles_new (id, name, description, builtin)
SELECT id,
       CASE WHEN (builtin = 'administrator' AND name = 'Administrator')
              OR (builtin = 'staff' AND name = 'Staff member') THEN '' ELSE name END,
       CASE WHEN (builtin = 'administrator' AND description = 'Every permission.')
              OR (builtin = 'staff' AND description = 'Signs in and sees their own profile.') THEN '' ELSE description END,
       builtin
FROM roles;
DROP TABLE roles;
ALTER TABLE roles_new RENAME TO roles;
CREATE UNIQUE INDEX roles_name ON roles (name COLLATE NOCASE) WHERE name <> '';

-- Groups: the key of a built-in group, 'position' for the permanent root
-- and 'employee' for each account's first position.
ALTER TABLE groups ADD COLUMN builtin TEXT NOT NULL DEFAULT '';
UPDATE groups SET builtin = 'position' WHERE builtin_position = 1;
UPDATE groups SET builtin = 'employee'
WHERE id IN (SELECT min(g.id) FROM groups g JOIN groups r ON r.id = g.parent_id AND r.builtin_position = 1
             GROUP BY g.account_id);
UPDATE groups SET name = '' WHERE (builtin = 'position' AND name = 'Position')
                               OR (builtin = 'employee' AND name = 'Employee');
