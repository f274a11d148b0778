package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-GOV-3: a log-in-as needs a reason of 10+ characters and at most 8
// hours; it ends by itself at its limit (the session read refuses it and
// the record ends then, audited as the system), or when the admin goes
// back; the user's own list shows who, when, how long and why.
func TestImpersonationExpiry(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	u := dbtest.AddUser(t, d, owner, "anna@example.pl")
	for _, in := range []db.ImpersonationInput{{Reason: "too short"}, {Reason: "a good reason here", Minutes: 481}} {
		if _, err := d.Impersonate(ctx, owner, u.ID, in); db.ErrorCode(err) != db.EINVALID {
			t.Fatalf("%+v: %v", in, err)
		}
	}
	sid, err := d.Impersonate(ctx, owner, u.ID, db.ImpersonationInput{Reason: "checking the numbers list", Minutes: 15})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(14 * time.Minute)
	as, err := d.SessionActor(ctx, sid, "127.0.0.1")
	if err != nil || as.ImpersonatorID != owner.UserID || !as.ImpersonationEnds.Equal(clock.Now().Add(time.Minute)) {
		t.Fatalf("within the limit: %+v, %v", as.ImpersonationEnds, err)
	}
	list, err := d.OwnImpersonations(ctx, as)
	if err != nil || len(list) != 1 || !list[0].Running || list[0].Reason != "checking the numbers list" {
		t.Fatalf("running: %+v, %v", list, err)
	}
	clock.Advance(2 * time.Minute)
	if _, err := d.SessionActor(ctx, sid, "127.0.0.1"); db.ErrorCode(err) != db.EUNAUTHORIZED {
		t.Fatalf("after the limit: %v", err)
	}
	anna := dbtest.Login(t, d, "anna@example.pl", dbtest.OwnerPassword)
	list, err = d.OwnImpersonations(ctx, anna)
	if err != nil || len(list) != 1 || list[0].Running || list[0].EndedAt == nil || list[0].Minutes(clock.Now()) != 15 ||
		list[0].AdminEmail != "owner@example.pl" {
		t.Fatalf("ended: %+v, %v", list, err)
	}
	log, err := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "user.impersonate_expired"})
	if err != nil || len(log.Items) != 1 || log.Items[0].ActorEmail != "system" || log.Items[0].TargetID != u.ID {
		t.Fatalf("audit: %+v, %v", log.Items, err)
	}

	// Going back early ends the record then.
	sid, err = d.Impersonate(ctx, owner, u.ID, db.ImpersonationInput{Reason: "checking the numbers list again"})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Minute)
	as, err = d.SessionActor(ctx, sid, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.StopImpersonating(ctx, as); err != nil {
		t.Fatal(err)
	}
	list, _ = d.OwnImpersonations(ctx, anna)
	if len(list) != 2 || list[0].Minutes(clock.Now()) != 5 || list[0].Running {
		t.Fatalf("stopped: %+v", list)
	}
}

// R-GOV-3: "what was done" during a log-in-as is the audit rows its admin
// wrote as the user while it lasted, and nothing else the admin did.
func TestImpersonationAuditTrail(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	admin := dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	sid, err := d.Impersonate(ctx, owner, admin.ID, db.ImpersonationInput{Reason: "checking the admin's view", Minutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	as, err := d.SessionActor(ctx, sid, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.AddUser(t, d, as, "made-as-admin@example.pl") // done as the admin, by the owner
	dbtest.AddUser(t, d, owner, "made-by-owner@example.pl")
	list, err := d.OwnImpersonations(ctx, as)
	if err != nil || len(list) != 1 {
		t.Fatalf("impersonations: %+v %v", list, err)
	}
	page, err := d.SearchAudit(ctx, owner, db.AuditFilter{Impersonation: list[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total == 0 {
		t.Fatal("nothing done during the log-in-as is listed")
	}
	created := false
	for _, e := range page.Items {
		if e.ImpersonatorID != owner.UserID || e.ActorID != admin.ID || strings.Contains(e.After, "made-by-owner") {
			t.Errorf("not done during the log-in-as: %+v", e)
		}
		created = created || (e.Action == "user.create" && e.TargetLabel == "made-as-admin@example.pl")
	}
	if !created {
		t.Errorf("the user made as the admin is missing: %+v", page.Items)
	}
	if _, err := d.SearchAudit(ctx, owner, db.AuditFilter{Impersonation: 999}); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("unknown log-in-as: %v", err)
	}
}
