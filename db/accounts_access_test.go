package db_test

import (
	"context"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// session signs a user in and returns the raw session id with its Actor.
func session(t *testing.T, d *db.DB, email string) (string, db.Actor) {
	t.Helper()
	ctx := context.Background()
	login, err := d.Login(ctx, db.LoginInput{Email: email, Password: dbtest.OwnerPassword})
	sid := login.Session
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.SessionActor(ctx, sid, "")
	if err != nil {
		t.Fatal(err)
	}
	return sid, a
}

// R-ACC-4, R-ACC-6: access granted → the user can switch and acts there
// with their own role's permissions; access withdrawn → the next request
// in that account is refused and the session returns home.
func TestAccountAccessAndSwitch(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	b := dbtest.AddAccount(t, d, owner, "Łódź")
	c := dbtest.AddAccount(t, d, owner, "Lublin")
	inB := dbtest.In(t, d, owner, b.ID)
	bUser := dbtest.AddUser(t, d, inB, "worker@lodz.pl")
	m := dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	staff := dbtest.AddUser(t, d, owner, "staff@example.pl")

	sid, ma := session(t, d, m.Email)
	if ok, _ := d.CanSwitchAccount(ctx, ma); ok {
		t.Fatal("switch offered without access to any sub-account")
	}
	if _, err := d.SwitchAccount(ctx, ma, b.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("switch without access: %v", err)
	}

	t.Run("Granted", func(t *testing.T) {
		if err := d.SetAccountAccess(ctx, owner, b.ID, db.AccessChange{Shown: []int64{m.ID, staff.ID},
			Granted: []int64{m.ID}}); err != nil {
			t.Fatal(err)
		}
		ids, err := d.AccountAccessIDs(ctx, owner, b.ID)
		if err != nil || len(ids) != 2 || ids[0] != owner.UserID || ids[1] != m.ID {
			t.Fatalf("access ids %v %v", ids, err)
		}
		if ok, _ := d.CanSwitchAccount(ctx, ma); !ok {
			t.Fatal("switch not offered")
		}
		accs, _ := d.EnterableAccounts(ctx, ma)
		if len(accs) != 2 || accs[0].ID != ma.HomeAccountID || accs[1].ID != b.ID {
			t.Fatalf("enterable %+v", accs)
		}
		if _, err := d.SwitchAccount(ctx, ma, b.ID); err != nil {
			t.Fatal(err)
		}
		a, err := d.SessionActor(ctx, sid, "")
		if err != nil || a.AccountID != b.ID || a.HomeAccountID != ma.HomeAccountID {
			t.Fatalf("after switch %+v %v", a, err)
		}
		// R-ACC-4: in the sub-account, the main-account role's permissions.
		page, err := d.ListUsers(ctx, a, db.UserFilter{})
		if err != nil || page.Total != 1 || page.Items[0].ID != bUser.ID {
			t.Fatalf("users seen in B: %+v %v", page, err)
		}
		if _, err := d.BlockUser(ctx, a, bUser.ID); err != nil {
			t.Fatalf("admin role in B: %v", err)
		}
		if _, err := d.SwitchAccount(ctx, a, c.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("switch to an account without access: %v", err)
		}
	})

	t.Run("Withdrawn", func(t *testing.T) {
		if err := d.SetUserAccess(ctx, owner, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		_, err := d.SessionActor(ctx, sid, "")
		if e := db.AsError(err); e == nil || e.Code != db.EFORBIDDEN || e.Msg.ID != "account.access_withdrawn" {
			t.Fatalf("next request after withdrawal: %v", err)
		}
		a, err := d.SessionActor(ctx, sid, "")
		if err != nil || a.AccountID != a.HomeAccountID {
			t.Fatalf("the request after that: %+v %v", a, err)
		}
		if _, err := d.ActorIn(ctx, a, b.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("API header after withdrawal: %v", err)
		}
	})

	t.Run("ErrOwnerFixed", func(t *testing.T) {
		if err := d.SetUserAccess(ctx, owner, owner.UserID, []int64{b.ID}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("withdraw owner per user: %v", err)
		}
		if err := d.SetAccountAccess(ctx, owner, b.ID, db.AccessChange{Shown: []int64{owner.UserID}}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("withdraw owner per account: %v", err)
		}
		// Replacing the list leaves the owner in.
		if err := d.SetAccountAccess(ctx, owner, b.ID, db.AccessChange{All: true}); err != nil {
			t.Fatal(err)
		}
		ua, err := d.GetUserAccess(ctx, owner, owner.UserID)
		if err != nil || len(ua.Accounts) != 2 || !ua.Accounts[0].Granted || !ua.Accounts[0].Fixed {
			t.Fatalf("owner access %+v %v", ua, err)
		}
		if _, err := d.ActorIn(ctx, owner, c.ID); err != nil {
			t.Fatalf("owner enters any sub-account: %v", err)
		}
	})

	t.Run("ErrNotMainUser", func(t *testing.T) {
		err := d.SetAccountAccess(ctx, owner, c.ID, db.AccessChange{Granted: []int64{bUser.ID}, All: true})
		if e := db.AsError(err); e == nil || e.Fields["user_ids"].ID != "account.access.not_main_users" {
			t.Fatalf("err %v", err)
		}
		if err := d.SetUserAccess(ctx, owner, bUser.ID, []int64{c.ID}); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("per user: %v", err)
		}
		err = d.SetUserAccess(ctx, owner, staff.ID, []int64{owner.HomeAccountID})
		if e := db.AsError(err); e == nil || e.Fields["account_ids"].ID != "account.access.unknown_accounts" {
			t.Fatalf("main account as a choice: %v", err)
		}
	})
}

// R-ACC-3, R-ACC-5: only the owner and main-account admins grant access;
// a sub-account's users, admins included, never leave their account.
func TestAccountAccessForbidden(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	b := dbtest.AddAccount(t, d, owner, "Kielce")
	staff := dbtest.AddUser(t, d, owner, "staff@example.pl")
	sa := dbtest.Login(t, d, staff.Email, dbtest.OwnerPassword)
	if err := d.SetUserAccess(ctx, sa, staff.ID, []int64{b.ID}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("staff grants themselves access: %v", err)
	}
	if _, err := d.ActorIn(ctx, sa, b.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("staff enters: %v", err)
	}
	bAdmin := dbtest.AddAdmin(t, d, dbtest.In(t, d, owner, b.ID), "admin@kielce.pl")
	ba := dbtest.Login(t, d, bAdmin.Email, dbtest.OwnerPassword)
	if _, err := d.ActorIn(ctx, ba, owner.HomeAccountID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("sub-account admin enters the main account: %v", err)
	}
	if ok, _ := d.CanSwitchAccount(ctx, ba); ok {
		t.Fatal("switch offered to a sub-account's user")
	}
	if accs, _ := d.EnterableAccounts(ctx, ba); len(accs) != 1 || accs[0].ID != b.ID {
		t.Fatalf("enterable %+v", accs)
	}
	if err := d.SetAccountAccess(ctx, ba, b.ID, db.AccessChange{All: true}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("sub-account admin edits access: %v", err)
	}
}
