package db

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// Group is a user group of an account, a node of its tree (R-GROUP-1).
// ParentID 0 means a top-level group. Builtin marks the permanent
// "Position" root, Position its children, the positions (R-GROUP-4).
// MemberCount counts the group's own members, TotalMemberCount the distinct
// members of the group and every subgroup under it (R-GROUP-6).
type Group struct {
	ID               int64  `json:"id"`
	AccountID        int64  `json:"account_id"`
	ParentID         int64  `json:"parent_id"`
	Name             string `json:"name"`
	Builtin          bool   `json:"builtin"`
	Position         bool   `json:"position"`
	Kind             string `json:"kind"` // GroupPositions (the built-in root), GroupPosition or GroupPlain
	MemberCount      int    `json:"member_count"`
	TotalMemberCount int    `json:"total_member_count"`
	Depth            int    `json:"depth"`
	Path             string `json:"path"`
	Children         int    `json:"-"` // direct subgroups
	// translated is the key of a built-in group not renamed, whose Name is
	// the built-in name in the viewer's language (R-I18N-1).
	translated string
}

// Kinds of group, for the API (a boolean alone cannot tell a position).
const (
	GroupPositions = "positions" // the built-in, permanent Position group (R-GROUP-4)
	GroupPosition  = "position"  // a position: a child of that group
	GroupPlain     = "group"
)

func groupKind(g Group) string {
	switch {
	case g.Builtin:
		return GroupPositions
	case g.Position:
		return GroupPosition
	}
	return GroupPlain
}

// GroupInput creates a group: at the top level (ParentID 0) or under a
// parent.
type GroupInput struct {
	Name     string `json:"name" form:"name"`
	ParentID int64  `json:"parent_id" form:"parent_id"`
}

// GroupPatch renames and/or moves a group; nil fields stay as they are. A
// ParentID pointing at 0 moves the group to the top level.
type GroupPatch struct {
	Name     *string
	ParentID *int64
}

// GroupMember is a user as a group's members page shows them.
type GroupMember struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
	Status   string `json:"status"`
}

// MemberFilter narrows a group's members; Deep includes the members of
// every subgroup.
type MemberFilter struct {
	Q       string `query:"q"`
	Deep    bool   `query:"deep"`
	Page    int    `query:"page"`
	PerPage int    `query:"per_page"`
}

const groupNameMax = 100

// pathSep joins the names of a group's ancestors.
const pathSep = " › "

// canSeeGroups: whoever sees or manages users, or manages groups.
func canSeeGroups(a Actor) error {
	if !a.Valid() {
		return errUnauthorized
	}
	if a.Can(PermUsersView) || a.Can(PermUsersManage) || a.Can(PermGroupsManage) {
		return nil
	}
	return errForbidden
}

// Subtree returns the group id of a tree-ordered list and every group
// under it, in tree order; nil when id is not in the list.
func Subtree(tree []Group, id int64) []Group {
	for i, g := range tree {
		if g.ID != id {
			continue
		}
		j := i + 1
		for j < len(tree) && tree[j].Depth > g.Depth {
			j++
		}
		return tree[i:j]
	}
	return nil
}

// GroupTree returns every group of the acting account in tree order
// (parents before children, the Position root first, siblings by name),
// each with its depth, path and direct and total member counts (R-GROUP-6).
// A non-empty q keeps the groups whose name contains it, with their
// ancestors for context.
func (d *DB) GroupTree(ctx context.Context, a Actor, q string) ([]Group, error) {
	if err := canSeeGroups(a); err != nil {
		return nil, err
	}
	tree, err := d.groupTree(ctx, d.rq, a.AccountID, a.Lang)
	if err != nil {
		return nil, err
	}
	if err := d.countMembers(ctx, a.AccountID, tree); err != nil {
		return nil, err
	}
	return FilterTree(tree, q), nil
}

// GroupOptions returns the acting account's groups in tree order without
// counts: what a form offers to choose from. The tree is read again after
// any change (see groupTrees), so a new group is a choice at once
// (R-GROUP-3).
func (d *DB) GroupOptions(ctx context.Context, a Actor) ([]Group, error) {
	if err := canSeeGroups(a); err != nil {
		return nil, err
	}
	return d.cachedGroupTree(ctx, a.AccountID, a.Lang)
}

// groupTree reads an account's groups and orders them depth-first.
// Built-in groups not renamed are named in lang (R-I18N-1).
func (d *DB) groupTree(ctx context.Context, q *sqlcdb.Queries, accountID int64, lang string) ([]Group, error) {
	rows, err := q.AccountGroups(ctx, accountID)
	if err != nil {
		return nil, err
	}
	translated := map[int64]string{}
	for i, r := range rows {
		if r.Name == "" && r.Builtin != "" {
			translated[r.ID] = r.Builtin
			rows[i].Name = d.names.groupName(lang, r.Name, r.Builtin)
		}
	}
	// Siblings by name (any case), the Position root first.
	keys := make(map[int64]string, len(rows))
	for _, r := range rows {
		keys[r.ID] = strings.ToLower(r.Name)
	}
	slices.SortFunc(rows, func(x, y sqlcdb.AccountGroupsRow) int {
		if c := cmp.Compare(y.BuiltinPosition, x.BuiltinPosition); c != 0 {
			return c
		}
		if c := strings.Compare(keys[x.ID], keys[y.ID]); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	children := make(map[int64][]sqlcdb.AccountGroupsRow, len(rows))
	var rootID int64
	for _, r := range rows {
		children[r.ParentID.Int64] = append(children[r.ParentID.Int64], r)
		if r.BuiltinPosition == 1 {
			rootID = r.ID
		}
	}
	out := make([]Group, 0, len(rows))
	var walk func(parent int64, depth int, path string)
	walk = func(parent int64, depth int, path string) {
		for _, r := range children[parent] {
			g := Group{ID: r.ID, AccountID: accountID, ParentID: r.ParentID.Int64, Name: r.Name,
				Builtin: r.BuiltinPosition == 1, Position: rootID != 0 && r.ParentID.Int64 == rootID,
				Depth: depth, Path: path + r.Name, Children: len(children[r.ID]), translated: translated[r.ID]}
			g.Kind = groupKind(g)
			out = append(out, g)
			walk(r.ID, depth+1, g.Path+pathSep)
		}
	}
	walk(0, 0, "")
	return out, nil
}

// FilterTree keeps the groups of a tree-ordered list whose name contains q
// (any case), with their ancestors for context.
func FilterTree(tree []Group, q string) []Group {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return tree
	}
	keep := make(map[int64]bool)
	parent := make(map[int64]int64, len(tree))
	for _, g := range tree {
		parent[g.ID] = g.ParentID
	}
	for _, g := range tree {
		if strings.Contains(strings.ToLower(g.Name), q) {
			for id := g.ID; id != 0 && !keep[id]; id = parent[id] {
				keep[id] = true
			}
		}
	}
	out := []Group{}
	for _, g := range tree {
		if keep[g.ID] {
			out = append(out, g)
		}
	}
	return out
}

// GetGroup returns one group of the acting account with its path and
// counts. Returns ENOTFOUND for an unknown id or another account's group.
func (d *DB) GetGroup(ctx context.Context, a Actor, id int64) (Group, error) {
	if err := canSeeGroups(a); err != nil {
		return Group{}, err
	}
	tree, err := d.groupTree(ctx, d.rq, a.AccountID, a.Lang)
	if err != nil {
		return Group{}, err
	}
	i := slices.IndexFunc(tree, func(g Group) bool { return g.ID == id })
	if i < 0 {
		return Group{}, errNotFound
	}
	g := tree[i]
	if g.MemberCount, err = d.groupCount(ctx, a.AccountID, id, false); err != nil {
		return Group{}, err
	}
	if g.TotalMemberCount, err = d.groupCount(ctx, a.AccountID, id, true); err != nil {
		return Group{}, err
	}
	return g, nil
}

func deepFlag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// bigGroup is the member count from which a members page walks the users
// by name instead of sorting the members.
const bigGroup = 2000

// GroupMembers returns a page of a group's members, by name; with
// f.Deep, of the group and all its subgroups (R-GROUP-6). Returns ENOTFOUND
// for a group outside the acting account.
func (d *DB) GroupMembers(ctx context.Context, a Actor, id int64, f MemberFilter) (Page[GroupMember], error) {
	if err := canSeeGroups(a); err != nil {
		return Page[GroupMember]{}, err
	}
	_, err := d.rq.GetGroup(ctx, sqlcdb.GetGroupParams{ID: id, AccountID: a.AccountID})
	if err != nil {
		return Page[GroupMember]{}, notFound(err)
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	q := likeContains(f.Q)
	var total int
	if q.Valid {
		n, err := d.rq.CountGroupMembers(ctx, sqlcdb.CountGroupMembersParams{AccountID: a.AccountID,
			GroupID: id, Deep: deepFlag(f.Deep), Q: q})
		if err != nil {
			return Page[GroupMember]{}, err
		}
		total = int(n)
	} else if total, err = d.groupCount(ctx, a.AccountID, id, f.Deep); err != nil {
		return Page[GroupMember]{}, err
	}
	var rows []sqlcdb.GroupMembersRow
	lim, off := int64(f.PerPage), int64((f.Page-1)*f.PerPage)
	if total > bigGroup {
		byName, err := d.rq.GroupMembersByName(ctx, sqlcdb.GroupMembersByNameParams{AccountID: a.AccountID,
			GroupID: id, Deep: deepFlag(f.Deep), Q: q, Lim: lim, Off: off})
		if err != nil {
			return Page[GroupMember]{}, err
		}
		for _, r := range byName {
			rows = append(rows, sqlcdb.GroupMembersRow(r))
		}
	} else if rows, err = d.rq.GroupMembers(ctx, sqlcdb.GroupMembersParams{AccountID: a.AccountID, GroupID: id,
		Deep: deepFlag(f.Deep), Q: q, Lim: lim, Off: off}); err != nil {
		return Page[GroupMember]{}, err
	}
	out := Page[GroupMember]{Items: make([]GroupMember, len(rows)), Total: total, Page: f.Page,
		PerPage: f.PerPage}
	for i, u := range rows {
		out.Items[i] = GroupMember{ID: u.ID, Email: u.Email, FullName: u.FullName, Status: u.Status}
	}
	return out, nil
}

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

// UserGroupIDs returns the ids of the groups a user of the acting account
// belongs to (not their position).
func (d *DB) UserGroupIDs(ctx context.Context, a Actor, userID int64) ([]int64, error) {
	if err := canSeeGroups(a); err != nil {
		return nil, err
	}
	u, err := d.rq.GetUser(ctx, userID)
	if err != nil || u.AccountID != a.AccountID {
		return nil, errNotFound
	}
	return d.rq.UserGroupIDs(ctx, userID)
}

// SetUserGroups replaces the groups a user of the acting account belongs
// to; a user may be in many groups and subgroups (R-GROUP-2). Positions are
// not groups here: a user's one position is set with SetUserPosition.
// Needs users.manage. Returns ENOTFOUND for the user, EINVALID on group_ids
// for ids that are not the account's groups or are positions; nothing is
// written then.
func (d *DB) SetUserGroups(ctx context.Context, a Actor, userID int64, groupIDs []int64) error {
	if err := a.require(PermUsersManage); err != nil {
		return err
	}
	var want []int64
	return d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		c, err := t.setUserGroups(userID, groupIDs)
		if err != nil {
			return nil, err
		}
		if after, ok := c.After.(map[string]any); ok {
			want, _ = after["group_ids"].([]int64)
		}
		return one(c), nil
	}, func(s *countSnapshot) {
		s.setUserGroups(userID, want)
	})
}

// setUserGroups is SetUserGroups inside a transaction (the user form uses
// it too); the change is empty when the groups stay the same.
func (t *tx) setUserGroups(userID int64, groupIDs []int64) (change, error) {
	ctx, a := t.ctx, t.a
	u, err := t.GetUser(ctx, userID)
	if err != nil || u.AccountID != a.AccountID {
		return change{}, errNotFound
	}
	if err := t.mayActOnUser(ActEdit, u); err != nil {
		return change{}, err
	}
	if len(groupIDs) == 0 { // the common case of the user form: no tree to read
		if before, err := t.UserGroupIDs(ctx, userID); err != nil || len(before) == 0 {
			return change{}, err
		}
	}
	tree, err := t.d.groupTree(ctx, t.Queries, a.AccountID, a.Lang)
	if err != nil {
		return change{}, err
	}
	byID := make(map[int64]Group, len(tree))
	for _, g := range tree {
		byID[g.ID] = g
	}
	var unknown, positions []string
	want := []int64{}
	for _, id := range groupIDs {
		g, ok := byID[id]
		switch {
		case !ok:
			unknown = append(unknown, strconv.FormatInt(id, 10))
		case g.Builtin || g.Position:
			positions = append(positions, g.Path)
		case !slices.Contains(want, id):
			want = append(want, id)
		}
	}
	var v ValidationError
	if len(unknown) > 0 {
		v.Add("group_ids", M("group.unknown_ids", "List", strings.Join(unknown, ", ")))
	}
	if len(positions) > 0 {
		v.Add("group_ids", M("group.positions_not_groups", "List", strings.Join(positions, ", ")))
	}
	if err := v.Err(); err != nil {
		return change{}, err
	}
	slices.Sort(want)
	before, err := t.UserGroupIDs(ctx, userID)
	if err != nil {
		return change{}, err
	}
	if slices.Equal(before, want) {
		return change{}, nil
	}
	if err := t.ClearUserGroups(ctx, userID); err != nil {
		return change{}, err
	}
	for _, id := range want {
		if err := t.JoinGroup(ctx, sqlcdb.JoinGroupParams{GroupID: id, UserID: userID}); err != nil {
			return change{}, err
		}
	}
	return change{Action: "user.groups", TargetType: "user", TargetID: userID, TargetLabel: u.Email,
		Before: map[string]any{"group_ids": before}, After: map[string]any{"group_ids": want}}, nil
}

// SetUserPosition sets the one position of a user of the acting account
// (R-GROUP-4, R-USER-5). Needs users.manage. Returns ENOTFOUND for the
// user, EINVALID on position_id for anything but a position of the account.
func (d *DB) SetUserPosition(ctx context.Context, a Actor, userID, positionID int64) error {
	if err := a.require(PermUsersManage); err != nil {
		return err
	}
	var oldPosition int64
	return d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		c, err := t.setUserPosition(userID, positionID)
		if err != nil {
			return nil, err
		}
		if before, ok := c.Before.(map[string]any); ok {
			oldPosition, _ = before["position_id"].(int64)
		}
		return one(c), nil
	}, func(s *countSnapshot) {
		if oldPosition != 0 {
			s.positions[oldPosition]--
		}
		s.positions[positionID]++
	})
}

// setUserPosition is SetUserPosition inside a transaction; the change is
// empty when the position stays the same.
func (t *tx) setUserPosition(userID, positionID int64) (change, error) {
	ctx, a := t.ctx, t.a
	u, err := t.GetUser(ctx, userID)
	if err != nil || u.AccountID != a.AccountID {
		return change{}, errNotFound
	}
	if err := t.mayActOnUser(ActEdit, u); err != nil {
		return change{}, err
	}
	pos, err := t.GetGroup(ctx, sqlcdb.GetGroupParams{ID: positionID, AccountID: a.AccountID})
	ok := err == nil && pos.ParentID.Valid
	if ok {
		parent, err := t.GetGroup(ctx, sqlcdb.GetGroupParams{ID: pos.ParentID.Int64, AccountID: a.AccountID})
		if err != nil {
			return change{}, err
		}
		ok = parent.BuiltinPosition == 1
	} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return change{}, err
	}
	if !ok {
		var v ValidationError
		v.Add("position_id", M("user.position_unknown"))
		return change{}, v.Err()
	}
	if u.PositionID.Int64 == positionID {
		return change{}, nil
	}
	if err := t.SetUserPositionID(ctx, sqlcdb.SetUserPositionIDParams{PositionID: nullID(positionID),
		UpdatedAt: t.d.unix(), ID: userID}); err != nil {
		return change{}, err
	}
	return change{Action: "user.position", TargetType: "user", TargetID: userID, TargetLabel: u.Email,
		Before: map[string]any{"position_id": u.PositionID.Int64},
		After:  map[string]any{"position_id": positionID}}, nil
}
