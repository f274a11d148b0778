package db_test

import (
	"context"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// bareUser adds a user without a SIP account, whatever dbtest.AddUser
// gives them, so that assignment can be tested from the start.
func bareUser(t *testing.T, d *db.DB, owner db.Actor, email string) db.User {
	t.Helper()
	u := dbtest.AddUser(t, d, owner, email)
	if u.SIPAccountID != 0 {
		r := rawDB(t, d)
		exec(t, r, `UPDATE users SET sip_account_id = NULL WHERE id = ?`, u.ID)
		exec(t, r, `DELETE FROM sip_accounts WHERE id = ?`, u.SIPAccountID)
		u.SIPAccountID = 0
	}
	return u
}
func staffActor(t *testing.T, d *db.DB, owner db.Actor, email string) db.Actor {
	t.Helper()
	dbtest.AddUser(t, d, owner, email)
	return dbtest.Login(t, d, email, dbtest.OwnerPassword)
}

// R-SIP-2, R-USER-6: a free SIP account is given to a user, or created for
// them; one per user, one user per account, in the code and in the schema.
func TestAssignSIPAccount(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	ala := bareUser(t, d, owner, "ala@example.pl")
	ola := bareUser(t, d, owner, "ola@example.pl")
	s1, _ := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001"})
	s2, _ := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1002"})
	free, err := d.FreeSIPAccounts(ctx, owner)
	if err != nil || len(free) != 2 {
		t.Fatalf("free: %+v, %v", free, err)
	}
	t.Run("OK", func(t *testing.T) {
		if err := d.AssignSIPAccount(ctx, owner, ala.ID, s1.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := d.GetSIPAccount(ctx, owner, s1.ID)
		if got.UserID != ala.ID || got.UserEmail != "ala@example.pl" {
			t.Fatalf("assigned: %+v", got)
		}
		if err := d.AssignSIPAccount(ctx, owner, ala.ID, s1.ID); err != nil {
			t.Fatalf("assigning again: %v", err)
		}
		if free, _ := d.FreeSIPAccounts(ctx, owner); len(free) != 1 || free[0].ID != s2.ID {
			t.Fatalf("free after assign: %+v", free)
		}
	})
	t.Run("ErrTaken", func(t *testing.T) {
		err := d.AssignSIPAccount(ctx, owner, ola.ID, s1.ID)
		if e := db.AsError(err); e == nil || e.Code != db.ECONFLICT || e.Msg.ID != "sip.assign.taken" {
			t.Fatalf("taken: %v", err)
		}
	})
	t.Run("ErrSecondAccount", func(t *testing.T) {
		err := d.AssignSIPAccount(ctx, owner, ala.ID, s2.ID)
		if e := db.AsError(err); e == nil || e.Code != db.ECONFLICT || e.Msg.ID != "sip.assign.user_has" {
			t.Fatalf("second account: %v", err)
		}
		_, err = d.CreateSIPAccountForUser(ctx, owner, ala.ID, db.SIPAccountInput{Extension: "1003"})
		if db.ErrorCode(err) != db.ECONFLICT {
			t.Fatalf("create second account: %v", err)
		}
		if p, _ := d.SearchSIPAccounts(ctx, owner, db.SIPFilter{}); p.Total != 2 {
			t.Fatal("a refused create-for-user wrote an account")
		}
	})
	t.Run("ErrSchema", func(t *testing.T) {
		_, err := rawDB(t, d).Exec(`UPDATE users SET sip_account_id = ? WHERE id = ?`, s1.ID, ola.ID)
		if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
			t.Fatalf("schema let two users share an account: %v", err)
		}
	})
	t.Run("CreateForUser", func(t *testing.T) {
		s, err := d.CreateSIPAccountForUser(ctx, owner, ola.ID, db.SIPAccountInput{Extension: "1003"})
		if err != nil {
			t.Fatal(err)
		}
		if s.UserID != ola.ID || s.Password == "" {
			t.Fatalf("created for user: %+v", s)
		}
		got, _ := d.GetSIPAccount(ctx, owner, s.ID)
		if got.UserID != ola.ID {
			t.Fatalf("stored: %+v", got)
		}
	})
	t.Run("ErrDisabledOrUnknown", func(t *testing.T) {
		ela := bareUser(t, d, owner, "ela@example.pl")
		if _, err := d.SetSIPEnabled(ctx, owner, s2.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := d.AssignSIPAccount(ctx, owner, ela.ID, s2.ID); fieldOf(err, "sip_account_id") != "sip.assign.disabled" {
			t.Fatalf("disabled: %v", err)
		}
		if err := d.AssignSIPAccount(ctx, owner, ela.ID, 999); fieldOf(err, "sip_account_id") != "sip.assign.unknown" {
			t.Fatalf("unknown: %v", err)
		}
		if err := d.AssignSIPAccount(ctx, owner, 999, s2.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("unknown user: %v", err)
		}
	})
	// R-ROLE-7: users.manage alone may assign (the user form), not create
	// free accounts.
	t.Run("UsersManage", func(t *testing.T) {
		r := rawDB(t, d)
		exec(t, r, `INSERT INTO roles (id, name) VALUES (77, 'HR')`)
		exec(t, r, `INSERT INTO role_permissions (role_id, permission) VALUES (77, 'users.manage')`)
		hr := bareUser(t, d, owner, "hr@example.pl")
		exec(t, r, `UPDATE users SET role_id = 77 WHERE id = ?`, hr.ID)
		a := dbtest.Login(t, d, "hr@example.pl", dbtest.OwnerPassword)
		if _, err := d.CreateSIPAccount(ctx, a, db.SIPAccountInput{Extension: "1009"}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("users.manage created a free account: %v", err)
		}
		if _, err := d.CreateSIPAccountForUser(ctx, a, hr.ID, db.SIPAccountInput{Extension: "1009"}); err != nil {
			t.Fatalf("users.manage create for user: %v", err)
		}
	})
}

// R-ACC-5: another account's SIP accounts are invisible.
func TestSIPAccountScope(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	s, _ := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001"})
	exec(t, rawDB(t, d), `INSERT INTO accounts (id, parent_id, name, sip_domain, created_at) VALUES (50, ?, 'Branch', 'branch.pl', 0)`, owner.AccountID)
	other := owner
	other.AccountID = 50
	if _, err := d.GetSIPAccount(ctx, other, s.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("read across accounts: %v", err)
	}
	if _, err := d.SetSIPEnabled(ctx, other, s.ID, false); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("disable across accounts: %v", err)
	}
	if _, err := d.DeleteSIPAccount(ctx, other, s.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("delete across accounts: %v", err)
	}
	if p, _ := d.SearchSIPAccounts(ctx, other, db.SIPFilter{}); p.Total != 0 {
		t.Fatalf("list across accounts: %+v", p)
	}
	if _, err := d.CreateSIPAccount(ctx, other, db.SIPAccountInput{Extension: "1001"}); err != nil {
		t.Fatalf("1001 in another domain: %v", err)
	}
}

// The SIP list searches by extension or user, filters, sorts and pages.
func TestSearchSIPAccounts(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	for _, ext := range []string{"1001", "999", "1002", "2000"} {
		if _, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: ext}); err != nil {
			t.Fatal(err)
		}
	}
	u := bareUser(t, d, owner, "zenon@example.pl")
	if _, err := d.CreateSIPAccountForUser(ctx, owner, u.ID, db.SIPAccountInput{Extension: "3000"}); err != nil {
		t.Fatal(err)
	}
	exts := func(p db.Page[db.SIPAccount]) string {
		var s []string
		for _, x := range p.Items {
			s = append(s, x.Extension)
		}
		return strings.Join(s, ",")
	}
	for _, c := range []struct {
		f    db.SIPFilter
		want string
	}{
		{db.SIPFilter{}, "999,1001,1002,2000,3000"},
		{db.SIPFilter{Sort: "-extension"}, "3000,2000,1002,1001,999"},
		{db.SIPFilter{Q: "100"}, "1001,1002"},
		{db.SIPFilter{Q: "zenon"}, "3000"},
		{db.SIPFilter{State: "assigned"}, "3000"},
		{db.SIPFilter{State: "free", PerPage: 2, Page: 2}, "1002,2000"},
		{db.SIPFilter{Sort: "nonsense", State: "nonsense"}, "999,1001,1002,2000,3000"},
	} {
		p, err := d.SearchSIPAccounts(ctx, owner, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := exts(p); got != c.want {
			t.Errorf("%+v: %s, want %s", c.f, got, c.want)
		}
	}
}
