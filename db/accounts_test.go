package db_test

import (
	"context"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-ACC-1: the installation has one main account, made at first run with
// its owner.
func TestMainAccountMadeAtSetup(t *testing.T) {
	d, owner := dbtest.Setup(t)
	acc, err := d.CurrentAccount(context.Background(), owner)
	if err != nil {
		t.Fatal(err)
	}
	if !acc.Main() || acc.Name != "Biuro" || !owner.IsOwner || !owner.HomeIsMain {
		t.Fatalf("main account %+v, owner %+v", acc, owner)
	}
}

// R-ACC-2: the owner adds sub-accounts with a name and an external id, in
// two steps; each gets its own Position group and SIP domain.
func TestCreateAccount(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)

	t.Run("OK", func(t *testing.T) {
		in, err := d.PrepareAccount(ctx, owner, db.AccountInput{Name: " Oddział Kraków ", ExternalID: "KRK-1"})
		if err != nil {
			t.Fatal(err)
		}
		if in.Name != "Oddział Kraków" || in.SIPDomain != "oddzial-krakow.localhost" {
			t.Fatalf("prepared %+v", in)
		}
		if list, _ := d.ListAccounts(ctx, owner, db.AccountFilter{}); list.Total != 1 {
			t.Fatalf("the first step wrote an account: %+v", list)
		}
		acc, err := d.CreateAccount(ctx, owner, in)
		if err != nil {
			t.Fatal(err)
		}
		if acc.Main() || acc.SIPDomain != "oddzial-krakow.localhost" || acc.ExternalID != "KRK-1" {
			t.Fatalf("created %+v", acc)
		}
		inAcc := dbtest.In(t, d, owner, acc.ID)
		pos, err := d.DefaultPositionID(ctx, inAcc)
		if err != nil || pos == 0 {
			t.Fatalf("no position in the new account: %v", err)
		}
		mainPos, _ := d.DefaultPositionID(ctx, owner)
		if pos == mainPos {
			t.Fatal("the sub-account shares the main account's position")
		}
		page, err := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "account.create"})
		if err != nil || page.Total != 1 {
			t.Fatalf("audit: %+v %v", page, err)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := d.CreateAccount(ctx, owner, db.AccountInput{Name: " ", ExternalID: "", SIPDomain: "bad domain"})
		e := db.AsError(err)
		if e == nil || e.Code != db.EINVALID {
			t.Fatalf("err %v", err)
		}
		for _, f := range []string{"name", "external_id", "sip_domain"} {
			if _, ok := e.Fields[f]; !ok {
				t.Errorf("no message for %s: %v", f, err)
			}
		}
	})

	t.Run("ErrTaken", func(t *testing.T) {
		_, err := d.CreateAccount(ctx, owner, db.AccountInput{Name: "oddział kraków", ExternalID: "krk-1",
			SIPDomain: "LOCALHOST"})
		e := db.AsError(err)
		if e == nil || e.Code != db.ECONFLICT { // R-API-1: taken values are a conflict
			t.Fatalf("err %v", err)
		}
		want := map[string]string{"name": "account.name_taken", "external_id": "account.external_id_taken",
			"sip_domain": "account.sip_domain_taken"}
		for f, id := range want {
			if e.Fields[f].ID != id {
				t.Errorf("%s: %q, want %q", f, e.Fields[f].ID, id)
			}
		}
	})

	t.Run("DerivedDomainAvoidsClash", func(t *testing.T) {
		acc := dbtest.AddAccount(t, d, owner, "Oddział-Kraków")
		if acc.SIPDomain != "oddzial-krakow-2.localhost" {
			t.Fatalf("domain %q", acc.SIPDomain)
		}
	})

	t.Run("ErrForbidden", func(t *testing.T) {
		staff := dbtest.AddUser(t, d, owner, "staff@example.pl")
		sa := dbtest.Login(t, d, staff.Email, dbtest.OwnerPassword)
		if _, err := d.CreateAccount(ctx, sa, db.AccountInput{Name: "X", ExternalID: "x"}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("staff: %v", err)
		}
		// R-ACC-5: a sub-account's administrator holds accounts.manage
		// through the role, yet manages no accounts.
		sub := dbtest.AddAccount(t, d, owner, "Gdańsk")
		admin := dbtest.AddAdmin(t, d, dbtest.In(t, d, owner, sub.ID), "admin@gdansk.pl")
		aa := dbtest.Login(t, d, admin.Email, dbtest.OwnerPassword)
		if !aa.Can(db.PermAccountsManage) || aa.HomeIsMain {
			t.Fatalf("sub-account admin %+v", aa)
		}
		if _, err := d.CreateAccount(ctx, aa, db.AccountInput{Name: "X", ExternalID: "x"}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("sub-account admin create: %v", err)
		}
		if _, err := d.ListAccounts(ctx, aa, db.AccountFilter{}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("sub-account admin list: %v", err)
		}
		if _, err := d.Usage(ctx, aa); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("sub-account admin usage: %v", err)
		}
	})
}

func TestListAndUpdateAccounts(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	b := dbtest.AddAccount(t, d, owner, "Wrocław")
	dbtest.AddAccount(t, d, owner, "Opole")
	dbtest.AddUser(t, d, dbtest.In(t, d, owner, b.ID), "one@wroclaw.pl")
	dbtest.AddUser(t, d, dbtest.In(t, d, owner, b.ID), "two@wroclaw.pl")

	page, err := d.ListAccounts(ctx, owner, db.AccountFilter{Sort: "-users"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range page.Items {
		names = append(names, a.Name)
	}
	if strings.Join(names, ",") != "Biuro,Wrocław,Opole" || page.Items[1].UserCount != 2 || page.Items[0].UserCount != 1 {
		t.Fatalf("list %+v", page.Items)
	}
	if p, _ := d.ListAccounts(ctx, owner, db.AccountFilter{Q: "ext-opo"}); p.Total != 1 || p.Items[0].Name != "Opole" {
		t.Fatalf("search %+v", p)
	}

	t.Run("OK", func(t *testing.T) {
		name := "Wrocław Centrum"
		acc, err := d.UpdateAccount(ctx, owner, b.ID, db.AccountPatch{Name: &name})
		if err != nil || acc.Name != name || acc.ExternalID != b.ExternalID {
			t.Fatalf("%+v %v", acc, err)
		}
	})
	t.Run("ErrTaken", func(t *testing.T) {
		name := "opole"
		_, err := d.UpdateAccount(ctx, owner, b.ID, db.AccountPatch{Name: &name})
		if e := db.AsError(err); e == nil || e.Fields["name"].ID != "account.name_taken" {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		name := "x"
		if _, err := d.UpdateAccount(ctx, owner, 999, db.AccountPatch{Name: &name}); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("err %v", err)
		}
	})
}

// Deleting a sub-account: only empty, or "with everything" confirmed by
// its name; audited; its users' seats stay billed for the period.
func TestDeleteAccount(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	b := dbtest.AddAccount(t, d, owner, "Poznań")
	inB := dbtest.In(t, d, owner, b.ID)
	u := dbtest.AddUser(t, d, inB, "user@poznan.pl")
	if _, err := d.CreateGroup(ctx, inB, db.GroupInput{Name: "Sales"}); err != nil {
		t.Fatal(err)
	}

	t.Run("ErrMainAccount", func(t *testing.T) {
		if err := d.DeleteAccount(ctx, owner, owner.HomeAccountID, db.DeleteAccountInput{Everything: true,
			Confirm: "Biuro"}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("ErrHasUsers", func(t *testing.T) {
		err := d.DeleteAccount(ctx, owner, b.ID, db.DeleteAccountInput{})
		if e := db.AsError(err); e == nil || e.Code != db.ECONFLICT || e.Msg.Count != 1 {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("ErrWrongName", func(t *testing.T) {
		err := d.DeleteAccount(ctx, owner, b.ID, db.DeleteAccountInput{Everything: true, Confirm: "Poznan"})
		if e := db.AsError(err); e == nil || e.Fields["confirm"].ID != "account.delete.confirm_name" {
			t.Fatalf("err %v", err)
		}
		if _, err := d.GetAccount(ctx, owner, b.ID); err != nil {
			t.Fatalf("refused delete removed the account: %v", err)
		}
	})
	t.Run("OKWithEverything", func(t *testing.T) {
		// A main-account user acting in the account is sent home.
		m := dbtest.AddAdmin(t, d, owner, "m@example.pl")
		if err := d.SetUserAccess(ctx, owner, m.ID, []int64{b.ID}); err != nil {
			t.Fatal(err)
		}
		login, err := d.Login(ctx, db.LoginInput{Email: m.Email, Password: dbtest.OwnerPassword})
		sid := login.Session
		if err != nil {
			t.Fatal(err)
		}
		ma, _ := d.SessionActor(ctx, sid, "")
		if _, err := d.SwitchAccount(ctx, ma, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := d.DeleteAccount(ctx, owner, b.ID, db.DeleteAccountInput{Everything: true, Confirm: " poznań "}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.GetAccount(ctx, owner, b.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("account still there: %v", err)
		}
		if _, err := d.Login(ctx, db.LoginInput{Email: u.Email, Password: dbtest.OwnerPassword}); err == nil {
			t.Fatal("a user of the deleted account signs in")
		}
		ma, err = d.SessionActor(ctx, sid, "")
		if err != nil || ma.AccountID != ma.HomeAccountID {
			t.Fatalf("session after delete: %+v %v", ma, err)
		}
		page, _ := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "account.delete"})
		if page.Total != 1 || !strings.Contains(page.Items[0].Before, "user@poznan.pl") {
			t.Fatalf("audit %+v", page)
		}
		usage, err := d.Usage(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		last := usage.Accounts[len(usage.Accounts)-1]
		if !last.Deleted || last.Name != "Poznań" || last.Current != 1 || usage.TotalCurrent != 3 {
			t.Fatalf("usage %+v", usage)
		}
		// A new account never takes the deleted one's id (its seats and
		// audit rows keep it).
		if n := dbtest.AddAccount(t, d, owner, "Nowy"); n.ID <= b.ID {
			t.Fatalf("id %d reused", n.ID)
		}
	})
	t.Run("OKEmpty", func(t *testing.T) {
		e := dbtest.AddAccount(t, d, owner, "Pusty")
		if err := d.DeleteAccount(ctx, owner, e.ID, db.DeleteAccountInput{}); err != nil {
			t.Fatal(err)
		}
	})
}
