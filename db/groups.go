package db

import (
	"cmp"
	"context"
	"slices"
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
	tree, err := d.cachedGroupTree(ctx, a.AccountID, a.Lang)
	return slices.Clone(tree), err
}

// sharedGroupTree is GroupOptions without the copy, for callers that only
// read it (a copy of 2,000 groups on every page was a tenth of its cost).
func (d *DB) sharedGroupTree(ctx context.Context, a Actor) ([]Group, error) {
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
