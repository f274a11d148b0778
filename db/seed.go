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
		restore, err := t.bigCache()
		if err != nil {
			return nil, err
		}
		defer restore()
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
	// seedUsersSQL: ?1 users synthetic-<account>-<i>@example.invalid in account ?2,
	// named from 30 first names and 97 surnames (2,910 names, each about
	// 34 times in 100,000),
	// with role ?3, spread evenly over the ?5 positions from id ?4.
	seedUsersSQL = `
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1),
first(n, name) AS (VALUES (0, 'Anna'), (1, 'Piotr'), (2, 'Maria'), (3, 'Krzysztof'), (4, 'Katarzyna'),
  (5, 'Andrzej'), (6, 'Małgorzata'), (7, 'Tomasz'), (8, 'Agnieszka'), (9, 'Paweł'), (10, 'Barbara'),
  (11, 'Michał'), (12, 'Ewa'), (13, 'Marcin'), (14, 'Krystyna'), (15, 'Jakub'), (16, 'Zofia'),
  (17, 'Adam'), (18, 'Joanna'), (19, 'Łukasz'), (20, 'Magdalena'), (21, 'Grzegorz'), (22, 'Monika'),
  (23, 'Mateusz'), (24, 'Aleksandra'), (25, 'Wojciech'), (26, 'Natalia'), (27, 'Kamil'), (28, 'Julia'),
  (29, 'Marek')),
last(n, name) AS (VALUES (0, 'Nowak'), (1, 'Kowalski'), (2, 'Wiśniewski'), (3, 'Wójcik'), (4, 'Kowalczyk'),
  (5, 'Kamiński'), (6, 'Lewandowski'), (7, 'Zieliński'), (8, 'Szymański'), (9, 'Woźniak'), (10, 'Dąbrowski'),
  (11, 'Kozłowski'), (12, 'Jankowski'), (13, 'Mazur'), (14, 'Kwiatkowski'), (15, 'Krawczyk'),
  (16, 'Piotrowski'), (17, 'Grabowski'), (18, 'Nowakowski'), (19, 'Pawłowski'), (20, 'Michalski'),
  (21, 'Nowicki'), (22, 'Adamczyk'), (23, 'Dudek'), (24, 'Zając'), (25, 'Wieczorek'), (26, 'Jabłoński'),
  (27, 'Król'), (28, 'Majewski'), (29, 'Olszewski'), (30, 'Jaworski'), (31, 'Wróbel'), (32, 'Malinowski'),
  (33, 'Pawlak'), (34, 'Witkowski'), (35, 'Walczak'), (36, 'Stępień'), (37, 'Górski'), (38, 'Rutkowski'),
  (39, 'Michalak'), (40, 'Sikora'), (41, 'Ostrowski'), (42, 'Baran'), (43, 'Duda'), (44, 'Szewczyk'),
  (45, 'Tomaszewski'), (46, 'Pietrzak'), (47, 'Marciniak'), (48, 'Wróblewski'), (49, 'Zalewski'),
  (50, 'Jakubowski'), (51, 'Jasiński'), (52, 'Zawadzki'), (53, 'Sadowski'), (54, 'Bąk'), (55, 'Chmielewski'),
  (56, 'Włodarczyk'), (57, 'Borkowski'), (58, 'Czarnecki'), (59, 'Sawicki'), (60, 'Sokołowski'),
  (61, 'Urbański'), (62, 'Kubiak'), (63, 'Maciejewski'), (64, 'Szczepański'), (65, 'Kucharski'),
  (66, 'Wilk'), (67, 'Kalinowski'), (68, 'Lis'), (69, 'Mazurek'), (70, 'Wysocki'), (71, 'Adamski'),
  (72, 'Kaźmierczak'), (73, 'Wasilewski'), (74, 'Sobczak'), (75, 'Czerwiński'), (76, 'Andrzejewski'),
  (77, 'Cieślak'), (78, 'Głowacki'), (79, 'Zakrzewski'), (80, 'Kołodziej'), (81, 'Sikorski'),
  (82, 'Krajewski'), (83, 'Gajewski'), (84, 'Szymczak'), (85, 'Szulc'), (86, 'Baranowski'),
  (87, 'Laskowski'), (88, 'Brzeziński'), (89, 'Makowski'), (90, 'Ziółkowski'), (91, 'Przybylski'),
  (92, 'Domański'), (93, 'Nowacki'), (94, 'Borowski'), (95, 'Błaszczyk'), (96, 'Chojnacki')),
named(i, name) AS (
  SELECT i, f.name || ' ' || l.name FROM seq
  JOIN first f ON f.n = i % 30
  JOIN last l ON l.n = (i / 30) % 97)
INSERT INTO users (account_id, email, full_name, status, role_id, position_id, created_at, updated_at)
SELECT ?2, 'synthetic-' || ?2 || '-' || i || '@example.invalid', name, 'active', ?3,
       ?4 + ((i * 7919) % ?5), ?6, ?6
FROM named`

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
