package db_test

import (
	"context"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// benchOrg is the organisation of the benchmark: 2,000 groups 8
// levels deep and 100,000 memberships, over 100,000 users in 20 positions.
var benchOrg = db.SyntheticOrg{Groups: 2000, Depth: 8, Positions: 20, Users: 100_000,
	Memberships: 100_000, Seed: 1}

// seededOrg sets up a database and fills it with benchOrg (about ten
// seconds on two cores).
func seededOrg(b *testing.B) (*db.DB, db.Actor) {
	b.Helper()
	d, owner := dbtest.Setup(b)
	if err := d.SeedSynthetic(context.Background(), db.System(), benchOrg); err != nil {
		b.Fatal(err)
	}
	return d, owner
}

// BenchmarkGroupTree measures the groups page's data (R-GROUP-6): every
// group in tree order with its own and with-subgroup member counts.
//
//   - Snapshot: the usual request; the member snapshot is current.
//   - AfterChange: the first request after a change made elsewhere (a new
//     user, an import, another process): the snapshot is read again.
//   - AfterOwnEdit: after SetUserGroups, which updates the snapshot in
//     place (its own cost is outside the timer).
//   - TreeOnly: the groups without counts (the user form's choices).
//   - MembersOfPosition: the first page of a position's ~5,000 members.
//   - MembersWithSubgroups: the first page of the members of the
//     top-level group with the most members under it.
func BenchmarkGroupTree(b *testing.B) {
	d, owner := seededOrg(b)
	ctx := context.Background()
	tree, err := d.GroupTree(ctx, owner, "")
	if err != nil || len(tree) != 1+benchOrg.Positions+1+benchOrg.Groups {
		b.Fatalf("%d groups, %v", len(tree), err)
	}
	b.Run("Snapshot", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.GroupTree(ctx, owner, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AfterChange", func(b *testing.B) {
		for b.Loop() {
			d.DropCountSnapshots()
			if _, err := d.GroupTree(ctx, owner, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	user := int64(benchOrg.Users / 2)
	var group int64
	for _, g := range tree {
		if !g.Builtin && !g.Position && g.Depth == 7 {
			group = g.ID
			break
		}
	}
	b.Run("AfterOwnEdit", func(b *testing.B) {
		flip := false
		for b.Loop() {
			b.StopTimer()
			ids := []int64{}
			if flip = !flip; flip {
				ids = append(ids, group)
			}
			if err := d.SetUserGroups(ctx, owner, user, ids); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := d.GroupTree(ctx, owner, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TreeOnly", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.GroupOptions(ctx, owner); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The biggest position, and the top-level group with most members
	// under it.
	var position, top db.Group
	for _, g := range tree {
		if g.Position && g.MemberCount > position.MemberCount {
			position = g
		}
		if !g.Builtin && g.Depth == 0 && g.TotalMemberCount > top.TotalMemberCount {
			top = g
		}
	}
	for _, m := range []struct {
		name string
		id   int64
		deep bool
	}{{"MembersOfPosition", position.ID, false}, {"MembersWithSubgroups", top.ID, true}} {
		b.Run(m.name, func(b *testing.B) {
			for b.Loop() {
				p, err := d.GroupMembers(ctx, owner, m.id, db.MemberFilter{Deep: m.deep})
				if err != nil || p.Total < 1000 {
					b.Fatal(p.Total, err)
				}
			}
		})
	}
}

// BenchmarkPermissionCheck measures what checking permissions costs a
// request (R-ROLE-7). Nothing is cached: on every request the Actor is read
// fresh from the session (or token) row, the user and their role's
// permissions, then each db operation asks Can.
//
//   - SessionActor, TokenActor: the whole read, sign-in check included.
//   - RolePermissions: the part permissions add to it: reading the role's
//     permissions and one Can.
//   - Can: the check itself.
func BenchmarkPermissionCheck(b *testing.B) {
	ctx := context.Background()
	d, owner := dbtest.Setup(b)
	r, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "Bench",
		Permissions: []db.Permission{db.PermUsersView, db.PermGroupsManage}})
	if err != nil {
		b.Fatal(err)
	}
	u := dbtest.AddUser(b, d, owner, "bench@example.pl")
	if err := d.SetUserRole(ctx, owner, u.ID, r.ID); err != nil {
		b.Fatal(err)
	}
	login, err := d.Login(ctx, db.LoginInput{Email: "bench@example.pl", Password: dbtest.OwnerPassword})
	sid := login.Session
	if err != nil {
		b.Fatal(err)
	}
	tok, err := d.CreateAPIToken(ctx, db.System(), "bench@example.pl", db.TokenInput{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("SessionActor", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.SessionActor(ctx, sid, "127.0.0.1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TokenActor", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.TokenActor(ctx, tok, "127.0.0.1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	a, err := d.SessionActor(ctx, sid, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("RolePermissions", func(b *testing.B) {
		for b.Loop() {
			perms, err := d.PermissionsOf(ctx, r.ID)
			if err != nil || !perms[db.PermGroupsManage] {
				b.Fatal(perms, err)
			}
		}
	})
	b.Run("Can", func(b *testing.B) {
		for b.Loop() {
			if !a.Can(db.PermGroupsManage) || a.Can(db.PermSettingsManage) {
				b.Fatal("wrong answer")
			}
		}
	})
}
