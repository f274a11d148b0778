package db

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"kadra/db/internal/sqlcdb"
)

// Member counts of the groups page (R-GROUP-6) need every membership of an
// account: at 100,000 memberships, counting them in SQLite on each request
// costs far more than the page's budget (see BENCHMARKS.md). So the
// memberships are read once into a snapshot and the counts are computed
// from it in Go against the current tree, at every request.
//
// The snapshot is stamped with the newest audit row id when it was read.
// Every change writes an audit row in its own transaction (R-AUDIT-1), so
// while that mark stays the same nothing has changed, whichever process
// wrote; when it moves, the snapshot is read again. The operations of this
// package that change memberships (or only the tree) apply their own change
// to the snapshot when the mark moved by exactly their own audit rows, so
// the page stays quick after an admin's own edit.
type groupCounts struct {
	mu        sync.Mutex
	byAccount map[int64]*countSnapshot
}

// countSnapshot is one account's memberships at audit mark: the rows of
// group_members with each user's rows next to each other, and the number
// of users holding each position.
type countSnapshot struct {
	mark      int64
	members   []membership
	positions map[int64]int
}

type membership struct{ user, group int64 }

// setUserGroups replaces a user's memberships, keeping them together.
func (s *countSnapshot) setUserGroups(user int64, groups []int64) {
	kept := s.members[:0]
	for _, m := range s.members {
		if m.user != user {
			kept = append(kept, m)
		}
	}
	for _, g := range groups {
		kept = append(kept, membership{user, g})
	}
	s.members = kept
}

// snapshot returns the account's current snapshot, reading it again when
// anything was written since it was taken. The caller holds c.mu.
func (d *DB) countSnapshot(ctx context.Context, accountID int64) (*countSnapshot, error) {
	c := &d.counts
	mark, err := d.rq.AuditHighWater(ctx)
	if err != nil {
		return nil, err
	}
	if s := c.byAccount[accountID]; s != nil && s.mark == mark {
		return s, nil
	}
	// The mark is read before the data: a change racing with the read makes
	// the snapshot newer than its mark, never older, and the next request
	// reads it again.
	rows, err := d.rq.AccountMemberships(ctx, accountID)
	if err != nil {
		return nil, err
	}
	pos, err := d.rq.PositionCounts(ctx, accountID)
	if err != nil {
		return nil, err
	}
	s := &countSnapshot{mark: mark, members: make([]membership, len(rows)),
		positions: make(map[int64]int, len(pos))}
	for i, r := range rows {
		s.members[i] = membership{r.UserID, r.GroupID}
	}
	slices.SortFunc(s.members, func(x, y membership) int { return cmp.Compare(x.user, y.user) })
	for _, p := range pos {
		s.positions[p.GroupID] = int(p.N)
	}
	if c.byAccount == nil {
		c.byAccount = map[int64]*countSnapshot{}
	}
	c.byAccount[accountID] = s
	return s, nil
}

// countMembers fills each group's direct count (its group_members, or for a
// position the users holding it) and its total: the distinct users in the
// group or any group under it.
func (d *DB) countMembers(ctx context.Context, accountID int64, tree []Group) error {
	d.counts.mu.Lock()
	defer d.counts.mu.Unlock()
	s, err := d.countSnapshot(ctx, accountID)
	if err != nil {
		return err
	}
	if len(tree) == 0 {
		return nil
	}
	// Group ids index a dense table of tree positions (ids are small
	// integers), and parent[i] is the tree position of tree[i]'s parent.
	lo, hi := tree[0].ID, tree[0].ID
	for _, g := range tree {
		lo, hi = min(lo, g.ID), max(hi, g.ID)
	}
	at := make([]int32, hi-lo+1)
	for i, g := range tree {
		at[g.ID-lo] = int32(i + 1)
	}
	idx := func(id int64) int {
		if id < lo || id > hi {
			return -1
		}
		return int(at[id-lo]) - 1
	}
	parent := make([]int, len(tree))
	for i, g := range tree {
		parent[i] = idx(g.ParentID)
	}
	// Walking up from each of a user's groups, a user counts once per
	// ancestor: the walk stops where this user was already counted. A
	// user's rows are next to each other, so one mark per group suffices.
	seen := make([]int64, len(tree))
	for _, m := range s.members {
		i := idx(m.group)
		if i < 0 {
			continue
		}
		tree[i].MemberCount++
		for ; i >= 0 && seen[i] != m.user; i = parent[i] {
			seen[i] = m.user
			tree[i].TotalMemberCount++
		}
	}
	// Every user holds exactly one position (R-GROUP-4): position counts
	// add up without overlap.
	for g, n := range s.positions {
		i := idx(g)
		if i < 0 {
			continue
		}
		tree[i].MemberCount += n
		for ; i >= 0; i = parent[i] {
			tree[i].TotalMemberCount += n
		}
	}
	return nil
}

// groupCount is one group's member count from the snapshot: its own
// members, or with deep the distinct members of it and every subgroup.
func (d *DB) groupCount(ctx context.Context, accountID, id int64, deep bool) (int, error) {
	ids := []int64{id}
	if deep {
		var err error
		if ids, err = d.rq.SubtreeIDs(ctx, sqlcdb.SubtreeIDsParams{ID: id, AccountID: accountID}); err != nil {
			return 0, err
		}
	}
	in := make(map[int64]bool, len(ids))
	for _, g := range ids {
		in[g] = true
	}
	d.counts.mu.Lock()
	defer d.counts.mu.Unlock()
	s, err := d.countSnapshot(ctx, accountID)
	if err != nil {
		return 0, err
	}
	n, last := 0, int64(0)
	for _, m := range s.members {
		if m.user != last && in[m.group] {
			n, last = n+1, m.user
		}
	}
	for g, k := range s.positions {
		if in[g] {
			n += k
		}
	}
	return n, nil
}

// afterChange follows a change of this package that wrote rows audit rows:
// when the audit mark moved by exactly those rows, each snapshot is still
// current once apply (if any) has put the change into the snapshot of
// accountID. Any other write in between drops the snapshot, to be read
// again.
func (d *DB) afterChange(ctx context.Context, rows int, accountID int64, apply func(s *countSnapshot)) {
	if rows == 0 {
		return
	}
	c := &d.counts
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byAccount) == 0 {
		return
	}
	mark, err := d.rq.AuditHighWater(ctx)
	for id, s := range c.byAccount {
		if err != nil || mark != s.mark+int64(rows) {
			delete(c.byAccount, id)
			continue
		}
		if id == accountID && apply != nil {
			apply(s)
		}
		s.mark = mark
	}
}

// audited counts the changes that write an audit row.
func audited(changes []change) int {
	n := 0
	for _, c := range changes {
		if c.Action != "" {
			n++
		}
	}
	return n
}

// updateCounted runs fn like update and then keeps the count snapshots
// current through afterChange; apply, when not nil, runs after fn, so it
// may use what fn found.
func (d *DB) updateCounted(ctx context.Context, a Actor, fn func(t *tx) ([]change, error), apply func(s *countSnapshot)) error {
	rows := 0
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		cs, err := fn(t)
		rows = audited(cs)
		return cs, err
	})
	if err == nil {
		d.afterChange(ctx, rows, a.AccountID, apply)
	}
	return err
}
