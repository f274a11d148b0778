package db_test

import (
	"context"
	"fmt"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-USER-8: block ends every session at once and refuses sign-in; unblock
// restores it. The owner and oneself cannot be blocked.
func TestBlockUser(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u := dbtest.AddUser(t, d, owner, "anna@example.pl")
	login, err := d.Login(ctx, db.LoginInput{Email: u.Email, Password: dbtest.OwnerPassword})
	sid := login.Session
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := d.CreateAPIToken(ctx, db.System(), u.Email, db.TokenInput{Name: "t"})
	t.Run("OK", func(t *testing.T) {
		b, err := d.BlockUser(ctx, owner, u.ID)
		if err != nil || b.Status != db.StatusBlocked {
			t.Fatalf("%+v %v", b, err)
		}
		if _, err := d.SessionActor(ctx, sid, ""); db.ErrorCode(err) != db.EUNAUTHORIZED {
			t.Fatalf("session after block: %v", err)
		}
		if _, err := d.TokenActor(ctx, tok, ""); db.ErrorCode(err) != db.EUNAUTHORIZED {
			t.Fatalf("token after block: %v", err)
		}
		if _, err := d.Login(ctx, db.LoginInput{Email: u.Email, Password: dbtest.OwnerPassword}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("sign-in while blocked: %v", err)
		}
		if _, err := d.UnblockUser(ctx, owner, u.ID); err != nil {
			t.Fatal(err)
		}
		dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)
	})
	t.Run("ErrOwner", func(t *testing.T) {
		if _, err := d.BlockUser(ctx, owner, owner.UserID); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("owner blocked: %v", err)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		staff := dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)
		other := dbtest.AddUser(t, d, owner, "other@example.pl")
		if _, err := d.BlockUser(ctx, staff, other.ID); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("staff blocked a user: %v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := d.BlockUser(ctx, owner, 99999); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("unknown id: %v", err)
		}
	})
}

// R-USER-9: delete removes sign-in, keeps the audit entry naming both, and
// closes the billed seat; the owner cannot be deleted.
func TestDeleteUser(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u := dbtest.AddUser(t, d, owner, "anna@example.pl")
	login, _ := d.Login(ctx, db.LoginInput{Email: u.Email, Password: dbtest.OwnerPassword})
	sid := login.Session
	if err := d.DeleteUser(ctx, owner, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SessionActor(ctx, sid, ""); db.ErrorCode(err) != db.EUNAUTHORIZED {
		t.Fatalf("session after delete: %v", err)
	}
	if _, err := d.Login(ctx, db.LoginInput{Email: u.Email, Password: dbtest.OwnerPassword}); db.ErrorCode(err) != db.EUNAUTHORIZED {
		t.Fatalf("sign-in after delete: %v", err)
	}
	page, _ := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "user.delete"})
	if page.Total != 1 || page.Items[0].ActorEmail != "owner@example.pl" || page.Items[0].TargetLabel != u.Email {
		t.Fatalf("audit: %+v", page.Items)
	}
	if err := d.DeleteUser(ctx, owner, owner.UserID); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("owner deleted: %v", err)
	}
	// The e-mail is free again.
	dbtest.AddUser(t, d, owner, "anna@example.pl")
}

// R-USER-14: log in as; never the owner, never someone with more rights;
// audit entries carry both names.
func TestImpersonate(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u := dbtest.AddUser(t, d, owner, "anna@example.pl")
	sid, err := d.Impersonate(ctx, owner, u.ID, db.ImpersonationInput{Reason: "checking what the user sees"})
	if err != nil {
		t.Fatal(err)
	}
	as, err := d.SessionActor(ctx, sid, "")
	if err != nil || as.UserID != u.ID || as.ImpersonatorID != owner.UserID || as.ImpersonatorEmail != "owner@example.pl" {
		t.Fatalf("%+v %v", as, err)
	}
	if err := d.SignOutEverywhere(ctx, as); err != nil {
		t.Fatal(err)
	}
	page, _ := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "user.sign_out_everywhere"})
	if page.Total != 1 || page.Items[0].ActorEmail != u.Email || page.Items[0].ImpersonatorEmail != "owner@example.pl" {
		t.Fatalf("audit with both names: %+v", page.Items)
	}
	if _, err := d.Impersonate(ctx, owner, owner.UserID, db.ImpersonationInput{Reason: "checking what the user sees"}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("acted as the owner/self: %v", err)
	}
	// An admin with users.impersonate but fewer rights than the target.
	admin := dbtest.AddUser(t, d, owner, "admin@example.pl")
	adminRole, _ := d.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	if err := d.SetUserRole(ctx, owner, admin.ID, adminRole); err != nil {
		t.Fatal(err)
	}
	adminActor := dbtest.Login(t, d, admin.Email, dbtest.OwnerPassword)
	if _, err := d.Impersonate(ctx, adminActor, owner.UserID, db.ImpersonationInput{Reason: "checking what the user sees"}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("admin acted as the owner: %v", err)
	}
	if _, err := d.Impersonate(ctx, adminActor, u.ID, db.ImpersonationInput{Reason: "checking what the user sees"}); err != nil {
		t.Fatalf("admin acting as staff: %v", err)
	}
	staff := dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)
	if _, err := d.Impersonate(ctx, staff, admin.ID, db.ImpersonationInput{Reason: "checking what the user sees"}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("staff acted as an admin: %v", err)
	}
}

// R-USER-16: search, filters, sort and paging, scoped to the account.
func TestListUsers(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	for i := 0; i < 30; i++ {
		dbtest.AddUser(t, d, owner, fmt.Sprintf("user%02d@example.pl", i))
	}
	special := dbtest.AddUser(t, d, owner, "zażółć@example.pl")
	check := func(f db.UserFilter, total int, first string) {
		t.Helper()
		p, err := d.ListUsers(ctx, owner, f)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != total || (first != "" && (len(p.Items) == 0 || p.Items[0].Email != first)) {
			var got string
			if len(p.Items) > 0 {
				got = p.Items[0].Email
			}
			t.Fatalf("%+v: total %d first %q, want %d %q", f, p.Total, got, total, first)
		}
	}
	check(db.UserFilter{}, 32, "")
	check(db.UserFilter{Q: "user1"}, 10, "user10@example.pl")
	check(db.UserFilter{Q: "US"}, 31, "")                   // short: prefix of e-mail or name
	check(db.UserFilter{Q: "zazo"}, 1, special.Email)       // diacritics ignored (ż, ó; ł is a letter of its own)
	check(db.UserFilter{Sort: "-email"}, 32, special.Email) // z sorts last, first descending
	check(db.UserFilter{Status: db.StatusBlocked}, 0, "")
	p, _ := d.ListUsers(ctx, owner, db.UserFilter{Sort: "email", PerPage: 10, Page: 4})
	if len(p.Items) != 2 || p.Pages() != 4 {
		t.Fatalf("last page: %d items of %d pages", len(p.Items), p.Pages())
	}
	if _, err := d.ListUsers(ctx, owner, db.UserFilter{Sort: "password_hash"}); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("unknown sort: %v", err)
	}
	if _, err := d.ListUsers(ctx, owner, db.UserFilter{Q: `"; DROP TABLE users; --`}); err != nil {
		t.Fatalf("quotes in search: %v", err)
	}
	staff := dbtest.Login(t, d, "user00@example.pl", dbtest.OwnerPassword)
	if _, err := d.ListUsers(ctx, staff, db.UserFilter{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("staff listed users: %v", err)
	}
}

// R-USER-16, R-ACC-4, R-ACC-5: the list filters by account, only among the
// accounts the actor may enter.
func TestListUsersByAccount(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	sub := dbtest.AddAccount(t, d, owner, "Oddział")
	dbtest.AddUser(t, d, dbtest.In(t, d, owner, sub.ID), "branch@example.pl")
	p, err := d.ListUsers(ctx, owner, db.UserFilter{AccountID: sub.ID})
	if err != nil || p.Total != 1 || p.Items[0].Email != "branch@example.pl" {
		t.Fatalf("%+v %v", p, err)
	}
	if p, _ := d.ListUsers(ctx, owner, db.UserFilter{}); p.Total != 1 || p.Items[0].Email != "owner@example.pl" {
		t.Fatalf("main account list: %+v", p.Items)
	}
	admin := dbtest.AddUser(t, d, owner, "admin@example.pl")
	adminRole, _ := d.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	if err := d.SetUserRole(ctx, owner, admin.ID, adminRole); err != nil {
		t.Fatal(err)
	}
	noAccess := dbtest.Login(t, d, admin.Email, dbtest.OwnerPassword)
	if _, err := d.ListUsers(ctx, noAccess, db.UserFilter{AccountID: sub.ID}); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("listed an account without access: %v", err)
	}
}
