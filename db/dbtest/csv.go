package dbtest

import (
	"context"
	"testing"

	"kadra/db"
)

// Names are what CSVNames creates in an account, for CSV import and export
// tests (R-USER-13).
type Names struct {
	Consultant, Manager    int64 // positions
	Foreign, France, Sales int64 // groups: "Foreign branches", "Foreign branches / France", "Sales"
	Number, Sender         int64 // +48221234567, "Kadra"
	FreeSIP                int64 // extension 1001, nobody's
}

// CSVNames fills the actor's account with the names a users CSV file may
// use: positions Consultant and Manager, groups "Foreign branches" (with
// France and Germany under it) and "Sales", the number +48 22 123 45 67,
// the SMS sender "Kadra" and a free extension 1001.
func CSVNames(t testing.TB, d *db.DB, a db.Actor) Names {
	t.Helper()
	ctx := context.Background()
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	tree, err := d.GroupOptions(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	var root int64
	for _, g := range tree {
		if g.Builtin {
			root = g.ID
		}
	}
	group := func(parent int64, name string) int64 {
		t.Helper()
		g, err := d.CreateGroup(ctx, a, db.GroupInput{Name: name, ParentID: parent})
		return must(g.ID, err)
	}
	var n Names
	n.Consultant, n.Manager = group(root, "Consultant"), group(root, "Manager")
	n.Foreign = group(0, "Foreign branches")
	n.France = group(n.Foreign, "France")
	group(n.Foreign, "Germany")
	n.Sales = group(0, "Sales")
	num, err := d.CreatePresentation(ctx, a, db.PhoneNumbers, db.PresentationInput{Value: "+48 22 123 45 67", Label: "Office"})
	n.Number = must(num.ID, err)
	snd, err := d.CreatePresentation(ctx, a, db.SMSSenders, db.PresentationInput{Value: "Kadra"})
	n.Sender = must(snd.ID, err)
	sip, err := d.CreateSIPAccount(ctx, a, db.SIPAccountInput{Extension: "1001"})
	n.FreeSIP = must(sip.ID, err)
	return n
}
