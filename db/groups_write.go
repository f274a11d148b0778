package db

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"kadra/db/internal/sqlcdb"
)

const groupNameMax = 100

// CreateGroup creates a group at the top level or under a parent, to any
// depth (R-GROUP-1); under the Position root it creates a position
// (R-GROUP-4). Needs groups.manage. Returns EINVALID per field: an empty,
// too long or (among siblings) taken name, an unknown parent, a parent that
// is a position.
func (d *DB) CreateGroup(ctx context.Context, a Actor, in GroupInput) (Group, error) {
	if err := a.require(PermGroupsManage); err != nil {
		return Group{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	var created sqlcdb.Group
	err := d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		var v ValidationError
		checkName(&v, "name", in.Name, groupNameMax)
		var parentPath string
		if in.ParentID != 0 {
			tree, err := d.groupTree(ctx, t.Queries, a.AccountID, a.Lang)
			if err != nil {
				return nil, err
			}
			i := slices.IndexFunc(tree, func(g Group) bool { return g.ID == in.ParentID })
			switch {
			case i < 0:
				v.Add("parent_id", M("group.parent_unknown"))
			case tree[i].Position:
				v.Add("parent_id", M("group.position_subgroup"))
			default:
				parentPath = tree[i].Path + pathSep
			}
		}
		if err := t.checkSiblingName(&v, in.ParentID, in.Name, 0); err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		var err error
		created, err = t.CreateGroup(ctx, sqlcdb.CreateGroupParams{AccountID: a.AccountID,
			ParentID: nullID(in.ParentID), Name: in.Name, CreatedAt: d.unix()})
		if err != nil {
			return nil, err
		}
		return one(change{Action: "group.create", TargetType: "group", TargetID: created.ID,
			TargetLabel: parentPath + in.Name, After: map[string]any{"name": in.Name, "parent_id": in.ParentID}}), nil
	}, nil)
	if err != nil {
		return Group{}, err
	}
	return d.GetGroup(ctx, a, created.ID)
}

// checkSiblingName refuses a name another group under the same parent
// already has, compared case-insensitively.
func (t *tx) checkSiblingName(v *ValidationError, parentID int64, name string, self int64) error {
	if v.Has("name") || v.Has("parent_id") {
		return nil
	}
	n, err := t.SiblingNamed(t.ctx, sqlcdb.SiblingNamedParams{AccountID: t.a.AccountID,
		ParentID: sql.NullInt64{Int64: parentID, Valid: true}, Name: name, ID: self})
	if err != nil {
		return err
	}
	if n == 0 {
		if n, err = t.builtinSiblingNamed(parentID, name, self); err != nil {
			return err
		}
	}
	if n > 0 {
		v.Conflict("name", M("group.name_taken", "Name", name))
	}
	return nil
}

// builtinSiblingNamed counts the built-in groups under parentID, other than
// self, that are not renamed and so are called name in some language
// (R-I18N-1): a new "Pracownik" beside the unrenamed first position would
// read the same as it.
func (t *tx) builtinSiblingNamed(parentID int64, name string, self int64) (int64, error) {
	var keys []string
	for _, k := range []string{BuiltinPositionRoot, BuiltinFirstPosition} {
		if slices.ContainsFunc(t.d.names.builtinNamesOf("group", k), func(n string) bool { return strings.EqualFold(n, name) }) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return 0, nil
	}
	rows, err := t.AccountGroups(t.ctx, t.a.AccountID)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, r := range rows {
		if r.Name == "" && slices.Contains(keys, r.Builtin) && r.ParentID.Int64 == parentID && r.ID != self {
			n++
		}
	}
	return n, nil
}

// UpdateGroup renames a group (at any time, R-GROUP-5) and/or moves it
// under another parent or to the top level (never under itself or one of
// its own subgroups). Needs groups.manage. The Position root cannot be
// renamed or moved, and nothing moves into or out of it (R-GROUP-4).
// Returns ENOTFOUND, ECONFLICT (the Position root), EINVALID per field.
func (d *DB) UpdateGroup(ctx context.Context, a Actor, id int64, p GroupPatch) (Group, error) {
	if err := a.require(PermGroupsManage); err != nil {
		return Group{}, err
	}
	err := d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		tree, err := d.groupTree(ctx, t.Queries, a.AccountID, a.Lang)
		if err != nil {
			return nil, err
		}
		find := func(id int64) (Group, bool) {
			i := slices.IndexFunc(tree, func(g Group) bool { return g.ID == id })
			if i < 0 {
				return Group{}, false
			}
			return tree[i], true
		}
		g, ok := find(id)
		if !ok {
			return nil, errNotFound
		}
		name, parent := g.Name, g.ParentID
		if p.Name != nil {
			name = strings.TrimSpace(*p.Name)
		}
		if g.translated != "" && slices.ContainsFunc(d.names.builtinNamesOf("group", g.translated),
			func(n string) bool { return strings.EqualFold(n, name) }) {
			name = g.Name // its built-in name in another language: it stays built-in
		}
		if p.ParentID != nil {
			parent = *p.ParentID
		}
		if g.Builtin && (name != g.Name || parent != g.ParentID) {
			return nil, Errorf(ECONFLICT, "group.position_fixed", "Name", g.Name)
		}
		var v ValidationError
		checkName(&v, "name", name, groupNameMax)
		if parent != g.ParentID {
			to, ok := find(parent)
			switch {
			case parent != 0 && !ok:
				v.Add("parent_id", M("group.parent_unknown"))
			case parent == id || (ok && isUnder(tree, parent, id)):
				v.Add("parent_id", M("group.move_cycle"))
			case g.Position || to.Builtin || to.Position:
				v.Add("parent_id", M("group.position_move"))
			}
		}
		if err := t.checkSiblingName(&v, parent, name, id); err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if name != g.Name {
			if err := t.RenameGroup(ctx, sqlcdb.RenameGroupParams{Name: name, ID: id, AccountID: a.AccountID}); err != nil {
				return nil, err
			}
		}
		if parent != g.ParentID {
			if err := t.MoveGroup(ctx, sqlcdb.MoveGroupParams{ParentID: nullID(parent), ID: id,
				AccountID: a.AccountID}); err != nil {
				return nil, err
			}
		}
		if name == g.Name && parent == g.ParentID {
			return nil, nil
		}
		return one(change{Action: "group.update", TargetType: "group", TargetID: id, TargetLabel: g.Path,
			Before: map[string]any{"name": g.Name, "parent_id": g.ParentID},
			After:  map[string]any{"name": name, "parent_id": parent}}), nil
	}, nil)
	if err != nil {
		return Group{}, err
	}
	return d.GetGroup(ctx, a, id)
}

// isUnder reports whether group id sits somewhere below ancestor.
func isUnder(tree []Group, id, ancestor int64) bool {
	parent := make(map[int64]int64, len(tree))
	for _, g := range tree {
		parent[g.ID] = g.ParentID
	}
	for p := parent[id]; p != 0; p = parent[p] {
		if p == ancestor {
			return true
		}
	}
	return false
}

// DeleteGroup deletes a group together with its subgroups, only when none
// of them has members (R-GROUP-5). Needs groups.manage. Returns ECONFLICT
// for the Position root, for the last position, and for a group whose
// subtree has members, naming the groups and how many; ENOTFOUND for an
// unknown id.
func (d *DB) DeleteGroup(ctx context.Context, a Actor, id int64) error {
	if err := a.require(PermGroupsManage); err != nil {
		return err
	}
	return d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		g, err := t.GetGroup(ctx, sqlcdb.GetGroupParams{ID: id, AccountID: a.AccountID})
		if err != nil {
			return nil, notFound(err)
		}
		if g.BuiltinPosition == 1 {
			return nil, Errorf(ECONFLICT, "group.position_fixed", "Name", g.Name)
		}
		if g.ParentID.Valid {
			parent, err := t.GetGroup(ctx, sqlcdb.GetGroupParams{ID: g.ParentID.Int64, AccountID: a.AccountID})
			if err != nil {
				return nil, err
			}
			if parent.BuiltinPosition == 1 {
				if n, err := t.CountPositions(ctx, a.AccountID); err != nil {
					return nil, err
				} else if n <= 1 {
					return nil, Errorf(ECONFLICT, "group.last_position", "Name", g.Name)
				}
			}
		}
		sub, err := t.GroupSubtree(ctx, sqlcdb.GroupSubtreeParams{ID: id, AccountID: a.AccountID})
		if err != nil {
			return nil, err
		}
		path := map[int64]string{}
		var used []string
		total := 0
		for _, s := range sub {
			path[s.ID] = s.Name
			if s.ParentID.Valid && s.ID != id {
				path[s.ID] = path[s.ParentID.Int64] + pathSep + s.Name
			}
			if s.Members > 0 {
				total += int(s.Members)
				used = append(used, path[s.ID]+" ("+strconv.FormatInt(s.Members, 10)+")")
			}
		}
		if total > 0 {
			if len(used) > 5 {
				used = append(used[:5], "…")
			}
			return nil, Errorf(ECONFLICT, "group.in_use", "Name", g.Name, "Count", total,
				"List", strings.Join(used, ", "))
		}
		names := make([]string, 0, len(sub))
		for i := len(sub) - 1; i >= 0; i-- {
			if _, err := t.DeleteGroup(ctx, sqlcdb.DeleteGroupParams{ID: sub[i].ID, AccountID: a.AccountID}); err != nil {
				return nil, err
			}
			names = append(names, path[sub[i].ID])
		}
		slices.Reverse(names)
		return one(change{Action: "group.delete", TargetType: "group", TargetID: id, TargetLabel: g.Name,
			Before: map[string]any{"name": g.Name, "parent_id": g.ParentID.Int64, "deleted": names}}), nil
	}, nil)
}
