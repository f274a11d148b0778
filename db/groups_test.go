package db_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

func mustGroup(t *testing.T, d *db.DB, a db.Actor, name string, parent int64) db.Group {
	t.Helper()
	g, err := d.CreateGroup(context.Background(), a, db.GroupInput{Name: name, ParentID: parent})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func findGroup(t *testing.T, tree []db.Group, id int64) db.Group {
	t.Helper()
	i := slices.IndexFunc(tree, func(g db.Group) bool { return g.ID == id })
	if i < 0 {
		t.Fatalf("group %d not in the tree", id)
	}
	return tree[i]
}

func tree(t *testing.T, d *db.DB, a db.Actor) []db.Group {
	t.Helper()
	tr, err := d.GroupTree(context.Background(), a, "")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// R-GROUP-1: groups and subgroups to any depth, shown as a tree.
func TestGroupTree(t *testing.T) {
	d, owner := dbtest.Setup(t)
	foreign := mustGroup(t, d, owner, "Foreign branches", 0)
	var ids []int64
	for _, n := range []string{"USA", "France", "Germany"} {
		ids = append(ids, mustGroup(t, d, owner, n, foreign.ID).ID)
	}
	parent := ids[1]
	for i := range 10 { // ten levels under France
		parent = mustGroup(t, d, owner, "Level "+string(rune('A'+i)), parent).ID
	}
	tr := tree(t, d, owner)
	if !tr[0].Builtin || tr[0].Name != "Position" || !tr[1].Position || tr[1].Name != "Employee" {
		t.Fatalf("the Position root and its positions come first: %+v", tr[:2])
	}
	var names []string
	for _, g := range tr {
		if g.Depth == 1 && g.ParentID == foreign.ID {
			names = append(names, g.Name)
		}
	}
	if strings.Join(names, ",") != "France,Germany,USA" {
		t.Fatalf("siblings not by name: %v", names)
	}
	deep := findGroup(t, tr, parent)
	if deep.Depth != 11 || !strings.HasPrefix(deep.Path, "Foreign branches › France › Level A") {
		t.Fatalf("deep group = %+v", deep)
	}
	if got, _ := d.GroupTree(context.Background(), owner, "level j"); len(got) != 12 {
		t.Fatalf("filter keeps the match and its ancestors, got %d", len(got))
	}
	t.Run("ErrBadInput", func(t *testing.T) {
		before := len(tree(t, d, owner))
		for field, in := range map[string]db.GroupInput{
			"name":      {Name: " "},
			"parent_id": {Name: "Orphan", ParentID: 99999},
		} {
			_, err := d.CreateGroup(context.Background(), owner, in)
			fieldErr(t, err, field)
		}
		_, err := d.CreateGroup(context.Background(), owner, db.GroupInput{Name: strings.Repeat("n", 200)})
		fieldErr(t, err, "name")
		_, err = d.CreateGroup(context.Background(), owner, db.GroupInput{Name: "france", ParentID: foreign.ID})
		conflictErr(t, err, "name") // a sibling has it, in any case
		if len(tree(t, d, owner)) != before {
			t.Fatal("a refused group was written")
		}
		// The same name under another parent is fine.
		mustGroup(t, d, owner, "France", 0)
	})
}

// R-GROUP-2: a user belongs to many groups, set from the user's side;
// positions and unknown ids are refused and nothing is written.
func TestSetUserGroups(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u := dbtest.AddUser(t, d, owner, "anna@example.pl")
	sales := mustGroup(t, d, owner, "Sales", 0)
	north := mustGroup(t, d, owner, "North", sales.ID)
	city := mustGroup(t, d, owner, "Kraków", 0)
	t.Run("OK", func(t *testing.T) {
		if err := d.SetUserGroups(ctx, owner, u.ID, []int64{north.ID, sales.ID, city.ID, north.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := d.UserGroupIDs(ctx, owner, u.ID)
		if err != nil || !slices.Equal(got, []int64{sales.ID, north.ID, city.ID}) {
			t.Fatalf("groups = %v, %v", got, err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		tr := tree(t, d, owner)
		fieldErr(t, d.SetUserGroups(ctx, owner, u.ID, []int64{sales.ID, 99999}), "group_ids")
		fieldErr(t, d.SetUserGroups(ctx, owner, u.ID, []int64{tr[1].ID}), "group_ids") // a position
		fieldErr(t, d.SetUserGroups(ctx, owner, u.ID, []int64{tr[0].ID}), "group_ids") // the Position root
		if got, _ := d.UserGroupIDs(ctx, owner, u.ID); len(got) != 3 {
			t.Fatalf("a refused change was written: %v", got)
		}
		if err := d.SetUserGroups(ctx, owner, 99999, nil); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("unknown user: %v", err)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		viewer := mustRole(t, d, owner, "Viewer", db.PermUsersView, db.PermGroupsManage)
		_, a := userWithRole(t, d, owner, "v@example.pl", viewer.ID)
		if err := d.SetUserGroups(ctx, a, u.ID, nil); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("without users.manage: %v", err)
		}
	})
	t.Run("Clear", func(t *testing.T) {
		if err := d.SetUserGroups(ctx, owner, u.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.UserGroupIDs(ctx, owner, u.ID); len(got) != 0 {
			t.Fatalf("groups = %v", got)
		}
	})
}

// R-GROUP-3: a new group is a choice at once.
func TestNewGroupIsAChoice(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	before, _ := d.GroupOptions(ctx, owner)
	g := mustGroup(t, d, owner, "Warsaw", 0)
	sub := mustGroup(t, d, owner, "Mokotów", g.ID)
	after, err := d.GroupOptions(ctx, owner)
	if err != nil || len(after) != len(before)+2 {
		t.Fatalf("options = %v, %v", after, err)
	}
	findGroup(t, after, sub.ID)
	u := dbtest.AddUser(t, d, owner, "w@example.pl")
	if err := d.SetUserGroups(ctx, owner, u.ID, []int64{sub.ID}); err != nil {
		t.Fatal(err)
	}
}

// R-GROUP-4: "Position" is permanent; its children are the positions and
// every user holds exactly one.
func TestPositionGroup(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	tr := tree(t, d, owner)
	root, employee := tr[0], tr[1]
	if !root.Builtin || !employee.Position {
		t.Fatalf("seeded %+v %+v", root, employee)
	}
	t.Run("RootIsPermanent", func(t *testing.T) {
		if err := d.DeleteGroup(ctx, owner, root.ID); db.ErrorCode(err) != db.ECONFLICT {
			t.Errorf("deleted Position: %v", err)
		}
		name := "Job"
		if _, err := d.UpdateGroup(ctx, owner, root.ID, db.GroupPatch{Name: &name}); db.ErrorCode(err) != db.ECONFLICT {
			t.Errorf("renamed Position: %v", err)
		}
		other := mustGroup(t, d, owner, "Other", 0)
		if _, err := d.UpdateGroup(ctx, owner, root.ID, db.GroupPatch{ParentID: &other.ID}); db.ErrorCode(err) != db.ECONFLICT {
			t.Errorf("moved Position: %v", err)
		}
	})
	t.Run("Positions", func(t *testing.T) {
		manager := mustGroup(t, d, owner, "Manager", root.ID)
		if !manager.Position {
			t.Fatal("a child of Position is a position")
		}
		_, err := d.CreateGroup(ctx, owner, db.GroupInput{Name: "Deputy", ParentID: manager.ID})
		fieldErr(t, err, "parent_id")
		u := dbtest.AddUser(t, d, owner, "m@example.pl")
		if err := d.SetUserPosition(ctx, owner, u.ID, manager.ID); err != nil {
			t.Fatal(err)
		}
		fieldErr(t, d.SetUserPosition(ctx, owner, u.ID, root.ID), "position_id")
		plain := mustGroup(t, d, owner, "Plain", 0)
		fieldErr(t, d.SetUserPosition(ctx, owner, u.ID, plain.ID), "position_id")
		// Nothing moves into or out of Position.
		_, err = d.UpdateGroup(ctx, owner, plain.ID, db.GroupPatch{ParentID: &root.ID})
		fieldErr(t, err, "parent_id")
		zero := int64(0)
		_, err = d.UpdateGroup(ctx, owner, manager.ID, db.GroupPatch{ParentID: &zero})
		fieldErr(t, err, "parent_id")
		if err := d.DeleteGroup(ctx, owner, manager.ID); db.ErrorCode(err) != db.ECONFLICT {
			t.Fatalf("deleted a position in use: %v", err)
		}
		if err := d.SetUserPosition(ctx, owner, u.ID, employee.ID); err != nil {
			t.Fatal(err)
		}
		if err := d.DeleteGroup(ctx, owner, manager.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrLastPosition", func(t *testing.T) {
		d, owner := dbtest.Setup(t)
		only := tree(t, d, owner)[1]
		err := d.DeleteGroup(ctx, owner, only.ID)
		if e := db.AsError(err); e == nil || e.Code != db.ECONFLICT || e.Msg.ID != "group.last_position" {
			t.Fatalf("deleted the last position: %v", err)
		}
	})
}

// R-GROUP-5: renamed at any time, moved anywhere but under itself, deleted
// only when nobody is in it or under it, saying who is where.
func TestGroupEditAndDelete(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	sales := mustGroup(t, d, owner, "Sales", 0)
	north := mustGroup(t, d, owner, "North", sales.ID)
	gdansk := mustGroup(t, d, owner, "Gdańsk", north.ID)
	u := dbtest.AddUser(t, d, owner, "g@example.pl")
	if err := d.SetUserGroups(ctx, owner, u.ID, []int64{gdansk.ID}); err != nil {
		t.Fatal(err)
	}
	t.Run("Rename", func(t *testing.T) {
		name := "Sprzedaż"
		g, err := d.UpdateGroup(ctx, owner, sales.ID, db.GroupPatch{Name: &name})
		if err != nil || g.Name != name {
			t.Fatalf("%+v %v", g, err)
		}
	})
	t.Run("ErrMoveUnderDescendant", func(t *testing.T) {
		for _, under := range []int64{sales.ID, north.ID, gdansk.ID} {
			_, err := d.UpdateGroup(ctx, owner, sales.ID, db.GroupPatch{ParentID: &under})
			fieldErr(t, err, "parent_id")
		}
		bogus := int64(99999)
		_, err := d.UpdateGroup(ctx, owner, sales.ID, db.GroupPatch{ParentID: &bogus})
		fieldErr(t, err, "parent_id")
	})
	t.Run("ErrDuplicateSibling", func(t *testing.T) {
		mustGroup(t, d, owner, "Gdynia", north.ID)
		name := "GDYNIA"
		_, err := d.UpdateGroup(ctx, owner, gdansk.ID, db.GroupPatch{Name: &name})
		conflictErr(t, err, "name")
		other := mustGroup(t, d, owner, "North", 0)
		_, err = d.UpdateGroup(ctx, owner, other.ID, db.GroupPatch{ParentID: &sales.ID})
		conflictErr(t, err, "name") // a "North" is there already
		if err := d.DeleteGroup(ctx, owner, other.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Move", func(t *testing.T) {
		zero := int64(0)
		g, err := d.UpdateGroup(ctx, owner, north.ID, db.GroupPatch{ParentID: &zero})
		if err != nil || g.ParentID != 0 || g.Depth != 0 {
			t.Fatalf("%+v %v", g, err)
		}
		if g, _ := d.GetGroup(ctx, owner, gdansk.ID); g.Path != "North › Gdańsk" {
			t.Fatalf("subgroups move along: %q", g.Path)
		}
		if _, err := d.UpdateGroup(ctx, owner, north.ID, db.GroupPatch{ParentID: &sales.ID}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrGroupInUse", func(t *testing.T) {
		before := len(tree(t, d, owner))
		err := d.DeleteGroup(ctx, owner, sales.ID)
		e := db.AsError(err)
		if e == nil || e.Code != db.ECONFLICT || e.Msg.ID != "group.in_use" || e.Msg.Count != 1 ||
			!strings.Contains(e.Msg.Data["List"].(string), "North › Gdańsk (1)") {
			t.Fatalf("err = %#v", e)
		}
		if len(tree(t, d, owner)) != before {
			t.Fatal("part of the tree was deleted")
		}
	})
	t.Run("OK", func(t *testing.T) {
		if err := d.SetUserGroups(ctx, owner, u.ID, nil); err != nil {
			t.Fatal(err)
		}
		before := len(tree(t, d, owner))
		if err := d.DeleteGroup(ctx, owner, sales.ID); err != nil {
			t.Fatal(err)
		}
		if after := len(tree(t, d, owner)); after != before-4 {
			t.Fatalf("deleted %d groups, want the 4 of the subtree", before-after)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		viewer := mustRole(t, d, owner, "Viewer", db.PermUsersView, db.PermUsersManage)
		_, a := userWithRole(t, d, owner, "v@example.pl", viewer.ID)
		g := mustGroup(t, d, owner, "Kept", 0)
		name := "x"
		if _, err := d.CreateGroup(ctx, a, db.GroupInput{Name: "New"}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Errorf("create without groups.manage: %v", err)
		}
		if _, err := d.UpdateGroup(ctx, a, g.ID, db.GroupPatch{Name: &name}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Errorf("rename without groups.manage: %v", err)
		}
		if err := d.DeleteGroup(ctx, a, g.ID); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Errorf("delete without groups.manage: %v", err)
		}
		if _, err := d.GroupTree(ctx, a, ""); err != nil {
			t.Errorf("users.view may look: %v", err)
		}
		dbtest.AddUser(t, d, owner, "s@example.pl")
		staff := dbtest.Login(t, d, "s@example.pl", dbtest.OwnerPassword)
		if _, err := d.GroupTree(ctx, staff, ""); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Errorf("staff saw the groups: %v", err)
		}
	})
}

// R-GROUP-6: each group's members and count, with and without subgroups;
// a user in a group and its subgroup counts once.
func TestGroupCounts(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	foreign := mustGroup(t, d, owner, "Foreign", 0)
	france := mustGroup(t, d, owner, "France", foreign.ID)
	germany := mustGroup(t, d, owner, "Germany", foreign.ID)
	a := dbtest.AddUser(t, d, owner, "a@example.pl")
	b := dbtest.AddUser(t, d, owner, "b@example.pl")
	set := func(u db.User, ids ...int64) {
		if err := d.SetUserGroups(ctx, owner, u.ID, ids); err != nil {
			t.Fatal(err)
		}
	}
	tree(t, d, owner) // take a snapshot, so that the changes below update it
	set(a, foreign.ID, france.ID, germany.ID)
	set(b, germany.ID)
	check := func(id int64, direct, total int) {
		t.Helper()
		g := findGroup(t, tree(t, d, owner), id)
		if g.MemberCount != direct || g.TotalMemberCount != total {
			t.Errorf("%s: %d/%d, want %d/%d", g.Name, g.MemberCount, g.TotalMemberCount, direct, total)
		}
		one, err := d.GetGroup(ctx, owner, id)
		if err != nil || one.MemberCount != direct || one.TotalMemberCount != total {
			t.Errorf("GetGroup %s: %+v %v", g.Name, one, err)
		}
	}
	check(foreign.ID, 1, 2)
	check(france.ID, 1, 1)
	check(germany.ID, 2, 2)
	employee := tree(t, d, owner)[1]
	check(employee.ID, 3, 3) // owner, a, b
	check(tree(t, d, owner)[0].ID, 0, 3)

	p, err := d.GroupMembers(ctx, owner, foreign.ID, db.MemberFilter{})
	if err != nil || p.Total != 1 || p.Items[0].ID != a.ID {
		t.Fatalf("direct members = %+v %v", p, err)
	}
	p, _ = d.GroupMembers(ctx, owner, foreign.ID, db.MemberFilter{Deep: true})
	if p.Total != 2 {
		t.Fatalf("members with subgroups = %d", p.Total)
	}
	p, _ = d.GroupMembers(ctx, owner, foreign.ID, db.MemberFilter{Deep: true, Q: "b@ex"})
	if p.Total != 1 || p.Items[0].ID != b.ID {
		t.Fatalf("search = %+v", p)
	}
	// Changes made elsewhere (a new user here) are counted too.
	c := dbtest.AddUser(t, d, owner, "c@example.pl")
	check(employee.ID, 4, 4)
	set(c, france.ID)
	check(foreign.ID, 1, 3)
	// Moving a subtree moves its counts.
	zero := int64(0)
	if _, err := d.UpdateGroup(ctx, owner, germany.ID, db.GroupPatch{ParentID: &zero}); err != nil {
		t.Fatal(err)
	}
	check(foreign.ID, 1, 2)
}

// R-GROUP-6: on a synthetic organisation, every total of the tree agrees
// with the members list of the group and its subgroups.
func TestGroupCountsAgreeWithMembers(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	if err := d.SeedSynthetic(ctx, db.System(), db.SyntheticOrg{Groups: 60, Depth: 5, Positions: 3,
		Users: 300, Memberships: 500, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if err := d.SeedSynthetic(ctx, owner, db.SyntheticOrg{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("the owner seeded: %v", err)
	}
	tr := tree(t, d, owner)
	if len(tr) != 1+4+60 {
		t.Fatalf("%d groups", len(tr))
	}
	maxDepth := 0
	for _, g := range tr {
		maxDepth = max(maxDepth, g.Depth)
		for _, deep := range []bool{false, true} {
			p, err := d.GroupMembers(ctx, owner, g.ID, db.MemberFilter{Deep: deep, PerPage: 1})
			if err != nil {
				t.Fatal(err)
			}
			want := g.MemberCount
			if deep {
				want = g.TotalMemberCount
			}
			if p.Total != want {
				t.Errorf("%s (deep %v): tree says %d, members %d", g.Path, deep, want, p.Total)
			}
		}
	}
	if maxDepth != 4 {
		t.Errorf("deepest group at depth %d, want 4", maxDepth)
	}
}
