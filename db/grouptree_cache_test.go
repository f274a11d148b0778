package db_test

import (
	"context"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// The cached group tree (R-GROUP-3 at scale) is read again after a change
// to a group, at once, and not after a change to anything else: a sign-in
// or a new user writes audit rows too, and under a sign-in flood every
// list page read the 2,000-group tree again (issue 15).
func TestGroupTreeCacheMark(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	g := mustGroup(t, d, owner, "Sprzedaż", 0)
	name := func() string {
		t.Helper()
		tree, err := d.GroupOptions(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range tree {
			if x.ID == g.ID {
				return x.Name
			}
		}
		t.Fatal("group missing from the tree")
		return ""
	}
	if name() != "Sprzedaż" {
		t.Fatal("tree")
	}
	before := d.TreeReads()
	dbtest.AddUser(t, d, owner, "nowa@example.pl")
	if _, err := d.Login(ctx, db.LoginInput{Email: "owner@example.pl", Password: dbtest.OwnerPassword, IP: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if name(); d.TreeReads() != before {
		t.Fatal("a new user or a sign-in made the group tree be read again")
	}
	renamed := "Sprzedaż krajowa"
	if _, err := d.UpdateGroup(ctx, owner, g.ID, db.GroupPatch{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != renamed || d.TreeReads() != before+1 {
		t.Fatalf("after a rename the tree says %q (%d reads)", got, d.TreeReads()-before)
	}
}
