package db

import (
	"context"
	"slices"
	"strings"
)

// GroupPickLimit caps the groups one answer of the group picker carries: a
// page must never hold every group of a large organisation (R-GROUP-3 at
// 2,000 groups).
const GroupPickLimit = 50

// GroupPickQuery asks the group picker for one slice of the tree: the
// groups whose name contains Q (with their ancestors, for context), or,
// without Q, the direct subgroups of Parent (0: the top level). Plain
// leaves out the positions and the Position root, as the user form's
// groups and "add to group" want.
type GroupPickQuery struct {
	Q      string
	Parent int64
	Plain  bool
}

// GroupPick is one answer of the group picker: groups in tree order, each
// with its depth and path, at most GroupPickLimit matches of Total.
type GroupPick struct {
	Groups []Group
	Match  map[int64]bool // the groups that matched Q (the others are ancestors)
	Total  int            // groups that matched, before the cap
}

// Capped says some matches were left out: the picker asks to narrow the
// search.
func (p GroupPick) Capped() bool { return p.Total > len(p.Match) }

// PickGroups answers the group picker of the user list's filter, the bulk
// "add to group" and the user form. It reads the acting account's tree only,
// so another account's groups are never offered. Returns EFORBIDDEN to
// whoever may not see groups; an unknown Parent gives no groups.
func (d *DB) PickGroups(ctx context.Context, a Actor, in GroupPickQuery) (GroupPick, error) {
	tree, err := d.sharedGroupTree(ctx, a)
	if err != nil {
		return GroupPick{}, err
	}
	// A plain group is neither built in nor a position.
	skip := func(g Group) bool { return in.Plain && (g.Builtin || g.Position) }
	out := GroupPick{Match: map[int64]bool{}}
	q := strings.ToLower(strings.TrimSpace(in.Q))
	if q == "" {
		for _, g := range tree {
			if g.ParentID != in.Parent || skip(g) {
				continue
			}
			out.Total++
			if len(out.Groups) < GroupPickLimit {
				out.Groups = append(out.Groups, g)
				out.Match[g.ID] = true
			}
		}
		return out, nil
	}
	keep := map[int64]bool{}
	parent := make(map[int64]int64, len(tree))
	for _, g := range tree {
		parent[g.ID] = g.ParentID
	}
	for _, g := range tree {
		if skip(g) || !strings.Contains(strings.ToLower(g.Name), q) {
			continue
		}
		out.Total++
		if len(out.Match) == GroupPickLimit {
			continue
		}
		out.Match[g.ID] = true
		for id := g.ID; id != 0 && !keep[id]; id = parent[id] {
			keep[id] = true
		}
	}
	for _, g := range tree {
		if keep[g.ID] && !skip(g) {
			out.Groups = append(out.Groups, g)
		}
	}
	return out, nil
}

// GroupsByID returns the groups of the acting account among ids, in tree
// order, with their paths: the chosen groups a form or filter shows as
// chips. Ids of other accounts' groups, or unknown ones, are left out.
func (d *DB) GroupsByID(ctx context.Context, a Actor, ids []int64) ([]Group, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	tree, err := d.sharedGroupTree(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []Group
	for _, g := range tree {
		if slices.Contains(ids, g.ID) {
			out = append(out, g)
		}
	}
	return out, nil
}
