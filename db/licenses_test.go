package db_test

import (
	"context"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-LIC-1: an account's licences with seat counts; seats are assigned to
// users, used/free shown; full licences refuse assignment and seats cannot
// go below those in use, saying how many.
func TestLicenses(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u1 := dbtest.AddUser(t, d, owner, "u1@example.pl")
	u2 := dbtest.AddUser(t, d, owner, "u2@example.pl")
	u3 := dbtest.AddUser(t, d, owner, "u3@example.pl")

	lic, err := d.CreateLicense(ctx, owner, db.LicenseInput{Product: " Office Suite ", Seats: 2})
	if err != nil {
		t.Fatal(err)
	}
	if lic.Product != "Office Suite" || lic.Seats != 2 || lic.Free != 2 {
		t.Fatalf("created %+v", lic)
	}

	t.Run("OK", func(t *testing.T) {
		for _, u := range []db.User{u1, u2, u2} { // the second u2 changes nothing
			if _, err := d.AssignLicense(ctx, owner, lic.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		l, _ := d.GetLicense(ctx, owner, lic.ID)
		if l.Used != 2 || l.Free != 0 {
			t.Fatalf("after assigning %+v", l)
		}
		holders, err := d.LicenseHolders(ctx, owner, lic.ID, db.HolderFilter{})
		if err != nil || holders.Total != 2 {
			t.Fatalf("holders %+v %v", holders, err)
		}
		ul, err := d.UserLicenses(ctx, owner, u1.ID)
		if err != nil || len(ul) != 1 || !ul[0].Held {
			t.Fatalf("user licences %+v %v", ul, err)
		}
	})

	t.Run("ErrFull", func(t *testing.T) {
		_, err := d.AssignLicense(ctx, owner, lic.ID, u3.ID)
		e := db.AsError(err)
		if e == nil || e.Code != db.ECONFLICT || e.Msg.ID != "license.full" || e.Msg.Count != 2 {
			t.Fatalf("err %v", err)
		}
		if ul, _ := d.UserLicenses(ctx, owner, u3.ID); ul[0].Held {
			t.Fatal("refused assignment was written")
		}
	})

	t.Run("ErrSeatsBelowUsed", func(t *testing.T) {
		one := 1
		_, err := d.UpdateLicense(ctx, owner, lic.ID, db.LicensePatch{Seats: &one})
		e := db.AsError(err)
		if e == nil || e.Fields["seats"].ID != "license.seats.below_used" || e.Fields["seats"].Count != 2 {
			t.Fatalf("err %v", err)
		}
		neg := -1
		if _, err := d.UpdateLicense(ctx, owner, lic.ID, db.LicensePatch{Seats: &neg}); db.ErrorCode(err) != db.EINVALID {
			t.Fatalf("negative seats: %v", err)
		}
	})

	t.Run("UnassignFreesSeat", func(t *testing.T) {
		if _, err := d.UnassignLicense(ctx, owner, lic.ID, u1.ID); err != nil {
			t.Fatal(err)
		}
		one := 1
		l, err := d.UpdateLicense(ctx, owner, lic.ID, db.LicensePatch{Seats: &one})
		if err != nil || l.Seats != 1 || l.Free != 0 {
			t.Fatalf("%+v %v", l, err)
		}
	})

	t.Run("ErrProductTaken", func(t *testing.T) {
		_, err := d.CreateLicense(ctx, owner, db.LicenseInput{Product: "office suite", Seats: 1})
		if e := db.AsError(err); e == nil || e.Fields["product"].ID != "license.product_taken" {
			t.Fatalf("err %v", err)
		}
	})

	// R-ACC-5: licences and users of other accounts are not found; a
	// sub-account's admin assigns seats but does not add licences.
	t.Run("OtherAccounts", func(t *testing.T) {
		b := dbtest.AddAccount(t, d, owner, "Toruń")
		inB := dbtest.In(t, d, owner, b.ID)
		bLic, err := d.CreateLicense(ctx, inB, db.LicenseInput{Product: "Backup", Seats: 5})
		if err != nil {
			t.Fatal(err)
		}
		bAdmin := dbtest.AddAdmin(t, d, inB, "admin@torun.pl")
		ba := dbtest.Login(t, d, bAdmin.Email, dbtest.OwnerPassword)
		if _, err := d.GetLicense(ctx, ba, lic.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("main licence from B: %v", err)
		}
		if _, err := d.AssignLicense(ctx, ba, bLic.ID, u3.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("main user on B's licence: %v", err)
		}
		if _, err := d.AssignLicense(ctx, owner, bLic.ID, u3.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("B's licence from main: %v", err)
		}
		if _, err := d.AssignLicense(ctx, ba, bLic.ID, bAdmin.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.CreateLicense(ctx, ba, db.LicenseInput{Product: "More", Seats: 100}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("sub-account admin adds a licence: %v", err)
		}
		many := 1000
		if _, err := d.UpdateLicense(ctx, ba, bLic.ID, db.LicensePatch{Seats: &many}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("sub-account admin raises seats: %v", err)
		}
		if page, _ := d.ListLicenses(ctx, ba, db.LicenseFilter{}); page.Total != 1 || page.Items[0].ID != bLic.ID {
			t.Fatalf("B's list %+v", page)
		}
	})

	t.Run("ByEmailAndFromUserPage", func(t *testing.T) {
		vpn, err := d.CreateLicense(ctx, owner, db.LicenseInput{Product: "VPN", Seats: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.AssignSeat(ctx, owner, vpn.ID, db.SeatInput{Email: "nobody@example.pl"})
		if e := db.AsError(err); e == nil || e.Fields["email"].ID != "license.user_unknown" {
			t.Fatalf("unknown e-mail: %v", err)
		}
		if _, err := d.AssignSeat(ctx, owner, vpn.ID, db.SeatInput{Email: "U3@example.pl"}); err != nil {
			t.Fatal(err)
		}
		// The user page sets every licence at once; what fits is saved and
		// a full licence is named (issue 11).
		av, err := d.CreateLicense(ctx, owner, db.LicenseInput{Product: "Antywirus", Seats: 5})
		if err != nil {
			t.Fatal(err)
		}
		full, err := d.SetUserLicenses(ctx, owner, u1.ID, []int64{av.ID, vpn.ID})
		if err != nil || len(full) != 1 || full[0] != "VPN" {
			t.Fatalf("full: %v %v", full, err)
		}
		held := map[int64]bool{}
		ul, _ := d.UserLicenses(ctx, owner, u1.ID)
		for _, l := range ul {
			held[l.ID] = l.Held
		}
		if !held[av.ID] || held[vpn.ID] {
			t.Fatalf("saved %+v", ul)
		}
		if _, err := d.SetUserLicenses(ctx, owner, u3.ID, nil); err != nil {
			t.Fatal(err)
		}
		if full, err := d.SetUserLicenses(ctx, owner, u1.ID, []int64{vpn.ID}); err != nil || len(full) != 0 {
			t.Fatal(full, err)
		}
		if _, err := d.SetUserLicenses(ctx, owner, u1.ID, []int64{999}); db.ErrorCode(err) != db.EINVALID {
			t.Fatalf("unknown licence: %v", err)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		if err := d.DeleteLicense(ctx, owner, lic.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.GetLicense(ctx, owner, lic.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("after delete: %v", err)
		}
	})
}
