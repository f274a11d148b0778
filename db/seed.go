package db

import (
	"context"
	"fmt"
	"math/rand/v2"

	"kadra/db/internal/sqlcdb"
)

// SyntheticOrg describes a made-up organisation for benchmarks and load
// tests.
type SyntheticOrg struct {
	Groups      int // user groups in the tree, besides Position and its children
	Depth       int // levels of the tree; the deepest group sits Depth levels down
	Positions   int // positions (children of Position) the users are spread over
	Users       int // active users, Staff member role, no password
	Memberships int // distinct (group, user) rows of group_members
	Seed        uint64
}

// SeedSynthetic fills the acting account with a SyntheticOrg: a tree of
// groups, positions, users and random memberships. It exists for tests,
// benchmarks and load scripts only (BENCHMARKS.md): it writes everything in
// one transaction with a single audit row and no per-row checks, so it is
// open to the System actor alone, once per account. Users get e-mails
// synthetic-<account>-<n>@example.invalid and no password.
func (d *DB) SeedSynthetic(ctx context.Context, a Actor, o SyntheticOrg) error {
	if !a.system {
		return errForbidden
	}
	if a.AccountID == 0 {
		acc, err := d.rq.MainAccount(ctx)
		if err != nil {
			return notFound(err)
		}
		a.AccountID = acc.ID
	}
	if o.Depth < 1 {
		o.Depth = 1
	}
	rnd := rand.New(rand.NewPCG(o.Seed, 42))
	if o.Positions < 1 {
		o.Positions = 1
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		now := d.unix()
		staff, err := t.GetBuiltinRole(ctx, BuiltinStaff)
		if err != nil {
			return nil, err
		}
		root, err := t.PositionRoot(ctx, a.AccountID)
		if err != nil {
			return nil, err
		}
		newGroup := func(parent int64, name string) (int64, error) {
			g, err := t.CreateGroup(ctx, sqlcdb.CreateGroupParams{AccountID: a.AccountID,
				ParentID: nullID(parent), Name: name, CreatedAt: now})
			return g.ID, err
		}
		positions := make([]int64, 0, o.Positions)
		for i := range o.Positions {
			id, err := newGroup(root.ID, fmt.Sprintf("Synthetic position %d", i+1))
			if err != nil {
				return nil, err
			}
			positions = append(positions, id)
		}
		// A chain reaches the full depth; every other group hangs under a
		// random group that still has room below it.
		groups := make([]int64, 0, o.Groups)
		var open []int64 // groups that may still get children
		depth := map[int64]int{}
		for i := range o.Groups {
			parent, level := int64(0), 1
			switch {
			case i < o.Depth && i > 0:
				parent = groups[i-1]
			case i >= o.Depth && len(open) > 0 && rnd.IntN(20) > 0:
				parent = open[rnd.IntN(len(open))]
			}
			if parent != 0 {
				level = depth[parent] + 1
			}
			id, err := newGroup(parent, fmt.Sprintf("Synthetic group %d", i+1))
			if err != nil {
				return nil, err
			}
			groups = append(groups, id)
			depth[id] = level
			if level < o.Depth {
				open = append(open, id)
			}
		}
		if o.Users > 0 {
			if _, err := t.sql.ExecContext(ctx, seedUsersSQL, o.Users, a.AccountID, staff.ID,
				positions[0], len(positions), now); err != nil {
				return nil, err
			}
		}
		var firstUser int64
		if err := t.sql.QueryRowContext(ctx, "SELECT ifnull(max(id), 0) FROM users").Scan(&firstUser); err != nil {
			return nil, err
		}
		firstUser -= int64(o.Users) - 1
		want := int64(min(o.Memberships, len(groups)*o.Users))
		for salt, done := int64(o.Seed%1000)*1_000_000, int64(0); done < want; {
			res, err := t.sql.ExecContext(ctx, seedMembershipsSQL, want-done, salt, groups[0], len(groups),
				firstUser, o.Users)
			if err != nil {
				return nil, err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return nil, err
			}
			done += n
			salt += want
		}
		return one(change{Action: "seed.synthetic", TargetType: "account", TargetID: a.AccountID,
			After: o}), nil
	})
}

// The bulk statements of SeedSynthetic are plain SQL rather than sqlc
// queries: sqlc cannot parse a recursive CTE that feeds an INSERT. A row
// per step of the sequence keeps 100,000 inserts inside SQLite.
const (
	// seedUsersSQL: ?1 users synthetic-<account>-<i>@example.invalid in account ?2
	// with role ?3, spread evenly over the ?5 positions from id ?4.
	seedUsersSQL = `
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1)
INSERT INTO users (account_id, email, full_name, status, role_id, position_id, created_at, updated_at)
SELECT ?2, 'synthetic-' || ?2 || '-' || i || '@example.invalid', 'Synthetic User ' || i, 'active', ?3,
       ?4 + ((i * 7919) % ?5), ?6, ?6
FROM seq`

	// seedMembershipsSQL: up to ?1 pseudo-random (group, user) pairs, salted
	// by ?2, over the contiguous ids [?3, ?3 + ?4) of groups and
	// [?5, ?5 + ?6) of users; pairs already present are skipped.
	seedMembershipsSQL = `
WITH RECURSIVE seq(i) AS (SELECT ?2 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2 + ?1 - 1)
INSERT OR IGNORE INTO group_members (group_id, user_id)
SELECT ?3 + ((i * 2654435761) % 4294967291) % ?4,
       ?5 + ((i * 40503 + 12345) % 2147483647) % ?6
FROM seq`
)
