package db_test

import (
	"context"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-USER-1, R-USER-6, R-SIP-2, R-GROUP-2, R-SIP-5: one form creates the user
// with a SIP account made on the spot (its password returned once), caller
// ID, SMS sender and groups, in one transaction.
func TestCreateUserWithEverything(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	staff, _ := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	pos, _ := d.DefaultPositionID(ctx, owner)
	num, err := d.CreatePresentation(ctx, owner, db.PhoneNumbers, db.PresentationInput{Value: "+48221234567", Label: "Office"})
	if err != nil {
		t.Fatal(err)
	}
	snd, err := d.CreatePresentation(ctx, owner, db.SMSSenders, db.PresentationInput{Value: "Biuro"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := d.CreateGroup(ctx, owner, db.GroupInput{Name: "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	in := db.UserInput{Email: "anna@example.pl", FullName: "Anna", RoleID: staff, PositionID: pos,
		NewExtension: "1001", CallNumberID: num.ID, SMSSenderID: snd.ID, GroupIDs: []int64{g.ID},
		Password: "Secret-pass1", PasswordConfirm: "Secret-pass1"}
	saved, err := d.CreateUser(ctx, owner, in)
	if err != nil {
		t.Fatal(err)
	}
	if saved.SIP == nil || saved.SIP.Password == "" || saved.SIP.Extension != "1001" {
		t.Fatalf("no SIP password shown once: %+v", saved.SIP)
	}
	got, err := d.GetUserDetails(ctx, owner, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Extension != "1001" || got.CallNumberID != num.ID || got.SMSSenderID != snd.ID ||
		len(got.GroupIDs) != 1 || got.GroupIDs[0] != g.ID {
		t.Fatalf("saved %+v", got)
	}

	t.Run("ErrSIPTaken", func(t *testing.T) {
		// R-USER-6: two users never share a SIP account; nothing of the
		// refused user is written.
		in2 := in
		in2.Email, in2.NewExtension, in2.SIPAccountID = "bob@example.pl", "", saved.SIPAccountID
		_, err := d.CreateUser(ctx, owner, in2)
		if e := db.AsError(err); e == nil || e.Fields["sip_account_id"].ID == "" {
			t.Fatalf("taken SIP account: %v", err)
		}
		if p, _ := d.ListUsers(ctx, owner, db.UserFilter{Q: "bob@"}); p.Total != 0 {
			t.Fatal("the refused user was saved")
		}
	})
	t.Run("ErrNoSIP", func(t *testing.T) {
		in2 := in
		in2.Email, in2.NewExtension = "carl@example.pl", ""
		_, err := d.CreateUser(ctx, owner, in2)
		if e := db.AsError(err); e == nil || e.Fields["sip_account_id"].ID != "user.sip_required" {
			t.Fatalf("no SIP account: %v", err)
		}
	})
	t.Run("ErrAllFieldsAtOnce", func(t *testing.T) {
		// R-SEC-1: the taken extension, the unknown group and the bad caller ID
		// are reported together; nothing is written.
		_, err := d.CreateUser(ctx, owner, db.UserInput{Email: "dora@example.pl", FullName: "Dora",
			RoleID: staff, PositionID: pos, NewExtension: "1001", CallNumberID: 99999, GroupIDs: []int64{99999}})
		e := db.AsError(err)
		if e == nil {
			t.Fatal("accepted")
		}
		for _, f := range []string{"extension", "call_number_id", "group_ids"} {
			if e.Fields[f].ID == "" {
				t.Errorf("no message for %s: %v", f, e)
			}
		}
		if p, _ := d.ListUsers(ctx, owner, db.UserFilter{Q: "dora@"}); p.Total != 0 {
			t.Fatal("the refused user was saved")
		}
	})
}

// R-USER-10: edit changes every field; a changed e-mail or password ends
// the user's sessions.
func TestUpdateUser(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u := dbtest.AddUser(t, d, owner, "anna@example.pl")
	login, err := d.Login(ctx, db.LoginInput{Email: u.Email, Password: dbtest.OwnerPassword})
	sid := login.Session
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := d.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	det, _ := d.GetUserDetails(ctx, owner, u.ID)
	in := db.UserInput{Email: "anna.nowak@example.pl", NotifyEmail: "anna@home.example", FullName: "Anna Nowak",
		WorkPhone: "+48 22 111 22 33", RoleID: admin, PositionID: u.PositionID, SIPAccountID: det.SIPAccountID}
	saved, err := d.UpdateUser(ctx, owner, u.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Email != in.Email || saved.NotifyEmail != in.NotifyEmail || saved.FullName != in.FullName ||
		saved.WorkPhone != "+48221112233" || saved.RoleID != admin {
		t.Fatalf("saved %+v", saved)
	}
	if _, err := d.SessionActor(ctx, sid, ""); db.ErrorCode(err) != db.EUNAUTHORIZED {
		t.Fatalf("session survived an e-mail change: %v", err)
	}
	// A new extension replaces the old one, which becomes free.
	in.SIPAccountID, in.NewExtension = 0, "1777"
	saved, err = d.UpdateUser(ctx, owner, u.ID, in)
	if err != nil || saved.SIP == nil || saved.SIP.Extension != "1777" {
		t.Fatalf("new extension: %+v %v", saved.SIP, err)
	}
	free, _ := d.FreeSIPAccounts(ctx, owner)
	found := false
	for _, s := range free {
		found = found || s.ID == det.SIPAccountID
	}
	if !found {
		t.Fatal("the old SIP account was not freed")
	}
	t.Run("ErrEmailTaken", func(t *testing.T) {
		other := dbtest.AddUser(t, d, owner, "bob@example.pl")
		od, _ := d.GetUserDetails(ctx, owner, other.ID)
		_, err := d.UpdateUser(ctx, owner, other.ID, db.UserInput{Email: "ANNA.NOWAK@example.pl", FullName: "Bob",
			RoleID: other.RoleID, PositionID: other.PositionID, SIPAccountID: od.SIPAccountID})
		if e := db.AsError(err); e == nil || e.Fields["email"].ID != "user.email_taken" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := d.UpdateUser(ctx, owner, 99999, in); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("%v", err)
		}
	})
}
