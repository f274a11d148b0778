package db

import (
	"context"
	"slices"

	"kadra/db/internal/sqlcdb"
)

// SCIM Groups are kadra's user groups (R-GROUP-1), not positions: a user's
// one position is the kadra extension's "position" attribute. A group's
// members are its users; its subgroups are listed as members of type
// Group (read only: kadra's groups are a tree, so a provider's nesting,
// which may have many parents, is not written). Every change of a user's
// groups goes through SetUserGroups and so through the policy (R-SEC-2):
// a token cannot put the owner or a stronger user into a group either.

// DirectoryGroup is a user group for SCIM.
type DirectoryGroup struct {
	ID         int64
	Name       string
	ExternalID string
	Members    []DirectoryMember
	Subgroups  []DirectoryMember
	Version    string
}

// DirectoryMember is one member of a group: a user, or a subgroup.
type DirectoryMember struct {
	ID      int64
	Display string
}

// DirectoryGroups returns the acting account's user groups with their
// members, by id. Needs users.view.
func (d *DB) DirectoryGroups(ctx context.Context, a Actor) ([]DirectoryGroup, error) {
	if err := a.require(PermUsersView); err != nil {
		return nil, err
	}
	return d.directoryGroups(ctx, a, 0)
}

// GetDirectoryGroup returns one user group of the acting account.
// Returns ENOTFOUND for a position, or outside the account.
func (d *DB) GetDirectoryGroup(ctx context.Context, a Actor, id int64) (DirectoryGroup, error) {
	if err := a.require(PermUsersView); err != nil {
		return DirectoryGroup{}, err
	}
	gs, err := d.directoryGroups(ctx, a, id)
	if err != nil {
		return DirectoryGroup{}, err
	}
	if len(gs) == 0 {
		return DirectoryGroup{}, Errorf(ENOTFOUND, "error.not_found")
	}
	return gs[0], nil
}

func (d *DB) directoryGroups(ctx context.Context, a Actor, only int64) ([]DirectoryGroup, error) {
	tree, err := d.groupTree(ctx, d.rq, a.AccountID, directoryLang)
	if err != nil {
		return nil, err
	}
	ext, err := d.rq.SCIMGroupExternalIDs(ctx, a.AccountID)
	if err != nil {
		return nil, err
	}
	exts := map[int64]string{}
	for _, e := range ext {
		exts[e.ID] = e.ExternalID
	}
	var out []DirectoryGroup
	index := map[int64]int{}
	for _, g := range tree {
		if g.Builtin || g.Position || (only != 0 && g.ID != only) {
			continue
		}
		index[g.ID] = len(out)
		out = append(out, DirectoryGroup{ID: g.ID, Name: g.Name, ExternalID: exts[g.ID],
			Members: []DirectoryMember{}, Subgroups: []DirectoryMember{}})
	}
	for _, g := range tree {
		if i, ok := index[g.ParentID]; ok && g.ParentID != 0 {
			out[i].Subgroups = append(out[i].Subgroups, DirectoryMember{ID: g.ID, Display: g.Name})
		}
	}
	if len(out) > 0 {
		rows, err := d.rq.AccountMemberships(ctx, a.AccountID)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if i, ok := index[r.GroupID]; ok {
				out[i].Members = append(out[i].Members, DirectoryMember{ID: r.UserID})
			}
		}
	}
	for i := range out {
		for j, m := range out[i].Members {
			u, err := d.rq.GetUser(ctx, m.ID)
			if err == nil {
				out[i].Members[j].Display = cmpOr(u.FullName, u.Email)
			}
		}
		slices.SortFunc(out[i].Members, func(x, y DirectoryMember) int { return int(x.ID - y.ID) })
		out[i].Version = ETag(out[i])
	}
	return out, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// DirectoryGroupChange is what a provider sets on a group; nil keeps.
// Members replaces the user members; Add and Remove change some.
type DirectoryGroupChange struct {
	Name, ExternalID *string
	Members          *[]int64
	Add, Remove      []int64
	IfMatch          string
}

// CreateDirectoryGroup creates a top-level user group (CreateGroup) and
// puts the members in it, each through SetUserGroups (R-SEC-2). A group
// with only a name, as Google Workspace sends, is fine. Needs
// groups.manage. Returns EINVALID, ECONFLICT for a taken name, EFORBIDDEN
// for a member the token may not touch.
func (d *DB) CreateDirectoryGroup(ctx context.Context, a Actor, c DirectoryGroupChange) (DirectoryGroup, error) {
	name := ""
	if c.Name != nil {
		name = *c.Name
	}
	g, err := d.CreateGroup(ctx, a, GroupInput{Name: name})
	if err != nil {
		return DirectoryGroup{}, err
	}
	c.Name = nil
	if c.Members != nil {
		c.Add, c.Members = *c.Members, nil
	}
	return d.UpdateDirectoryGroup(ctx, a, g.ID, c)
}

// UpdateDirectoryGroup renames a user group, sets its externalId and
// changes its members; each member change is that user's SetUserGroups,
// checked by the policy (R-SEC-2). Returns ENOTFOUND (also for a position),
// ESTALE for a stale IfMatch, EINVALID, EFORBIDDEN.
func (d *DB) UpdateDirectoryGroup(ctx context.Context, a Actor, id int64, c DirectoryGroupChange) (DirectoryGroup, error) {
	if err := a.require(PermGroupsManage); err != nil {
		return DirectoryGroup{}, err
	}
	cur, err := d.GetDirectoryGroup(ctx, a, id)
	if err != nil {
		return DirectoryGroup{}, err
	}
	if c.IfMatch != "" && c.IfMatch != "*" && c.IfMatch != cur.Version {
		return DirectoryGroup{}, Errorf(ESTALE, "error.stale")
	}
	if c.Name != nil && *c.Name != cur.Name {
		name := *c.Name
		if _, err := d.UpdateGroup(ctx, a, id, GroupPatch{Name: &name}); err != nil {
			return DirectoryGroup{}, err
		}
	}
	if c.ExternalID != nil && *c.ExternalID != cur.ExternalID {
		err := d.update(ctx, a, func(t *tx) ([]change, error) {
			if err := t.SetGroupExternalID(ctx, sqlcdb.SetGroupExternalIDParams{ExternalID: truncate(*c.ExternalID, 300),
				ID: id, AccountID: a.AccountID}); err != nil {
				return nil, err
			}
			return one(change{Action: "group.external_id", TargetType: "group", TargetID: id, TargetLabel: cur.Name,
				Before: map[string]any{"external_id": cur.ExternalID}, After: map[string]any{"external_id": *c.ExternalID}}), nil
		})
		if err != nil {
			return DirectoryGroup{}, err
		}
	}
	have := map[int64]bool{}
	for _, m := range cur.Members {
		have[m.ID] = true
	}
	want := map[int64]bool{}
	for k := range have {
		want[k] = true
	}
	if c.Members != nil {
		want = map[int64]bool{}
		for _, m := range *c.Members {
			want[m] = true
		}
	}
	for _, m := range c.Add {
		want[m] = true
	}
	for _, m := range c.Remove {
		delete(want, m)
	}
	var changed []int64
	for m := range want {
		if !have[m] {
			changed = append(changed, m)
		}
	}
	for m := range have {
		if !want[m] {
			changed = append(changed, m)
		}
	}
	slices.Sort(changed)
	for _, uid := range changed {
		ids, err := d.UserGroupIDs(ctx, a, uid)
		if err != nil {
			return DirectoryGroup{}, err
		}
		if want[uid] {
			ids = append(ids, id)
		} else {
			ids = slices.DeleteFunc(ids, func(g int64) bool { return g == id })
		}
		if err := d.SetUserGroups(ctx, a, uid, ids); err != nil {
			return DirectoryGroup{}, err
		}
	}
	return d.GetDirectoryGroup(ctx, a, id)
}

// DeleteDirectoryGroup takes every member out of a user group (each
// through the policy) and deletes it (DeleteGroup: refused while a
// subgroup has members, R-GROUP-5). Returns ENOTFOUND, ESTALE, ECONFLICT,
// EFORBIDDEN.
func (d *DB) DeleteDirectoryGroup(ctx context.Context, a Actor, id int64, ifMatch string) error {
	empty := []int64{}
	if _, err := d.UpdateDirectoryGroup(ctx, a, id, DirectoryGroupChange{Members: &empty, IfMatch: ifMatch}); err != nil {
		return err
	}
	return d.DeleteGroup(ctx, a, id)
}
