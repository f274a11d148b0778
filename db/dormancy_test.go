package db_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

func dormantEmails(us []db.DormantUser) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, u.Email)
	}
	slices.Sort(out)
	return out
}

// R-GOV-1: the dormancy rule, on a fake clock: the preview before it is
// turned on (today and the next seven days), the warning mail D days
// before (once per dormancy period), exempt roles, the owner never
// blocked, never-signed-in users counted from their creation, a sign-in
// starting a new period, blocks audited as the system with the rule
// named, and a second run doing nothing new.
func TestDormancyRule(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	anna := dbtest.AddUser(t, d, owner, "anna@example.pl") // never signs in
	dbtest.AddUser(t, d, owner, "jan@example.pl")
	dbtest.Login(t, d, "jan@example.pl", dbtest.OwnerPassword)
	boss := dbtest.AddAdmin(t, d, owner, "boss@example.pl") // exempt role
	admin, err := d.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	if err != nil {
		t.Fatal(err)
	}
	rule := db.DormancyRule{Days: 30, WarnDays: 5, ExemptRoleIDs: []int64{admin}}

	clock.Advance(10 * 24 * time.Hour)
	dbtest.AddUser(t, d, owner, "newbie@example.pl") // inactive since day 10

	// Day 24: nobody today; Anna and Jan within the week; not the owner,
	// not the exempt Administrator, not the newcomer.
	clock.Advance(14 * 24 * time.Hour)
	p, err := d.PreviewDormancy(ctx, owner, rule)
	if err != nil {
		t.Fatal(err)
	}
	if got := dormantEmails(p.Today); len(got) != 0 {
		t.Fatalf("today = %v, want nobody", got)
	}
	if got := dormantEmails(p.NextWeek); !slices.Equal(got, []string{"anna@example.pl", "jan@example.pl"}) {
		t.Fatalf("next week = %v", got)
	}

	// Saved but off: the hourly job does nothing.
	if err := d.SetDormancyRule(ctx, owner, rule); err != nil {
		t.Fatal(err)
	}
	if n, err := d.SweepDormant(ctx); err != nil || n != 0 {
		t.Fatalf("sweep while off = %d, %v", n, err)
	}
	rule.Enabled = true
	if err := d.SetDormancyRule(ctx, owner, rule); err != nil {
		t.Fatal(err)
	}

	// Day 26: within the five warning days, a mail each, once.
	clock.Advance(2 * 24 * time.Hour)
	res, err := d.ApplyDormancy(ctx, db.System(), rule)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Blocked) != 0 || !slices.Equal(dormantEmails(res.Warned), []string{"anna@example.pl", "jan@example.pl"}) {
		t.Fatalf("day 26: %+v", res)
	}
	warnings := func() int {
		out, err := d.ListOutbox(ctx, owner, db.OutboxQuery{Q: "zablokowane", PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Items)
	}
	if n := warnings(); n != 2 {
		t.Fatalf("warning mails = %d, want 2", n)
	}
	if n, err := d.SweepDormant(ctx); err != nil || n != 0 {
		t.Fatalf("second sweep = %d, %v", n, err)
	}
	if n := warnings(); n != 2 {
		t.Fatalf("warning mails after a second run = %d, want still 2 (once per period)", n)
	}

	// Jan signs in on day 27: a new period, no block on day 30.
	clock.Advance(24 * time.Hour)
	dbtest.Login(t, d, "jan@example.pl", dbtest.OwnerPassword)
	clock.Advance(3 * 24 * time.Hour)
	n, err := d.SweepDormant(ctx)
	if err != nil || n != 1 {
		t.Fatalf("sweep on day 30 = %d, %v; want Anna blocked", n, err)
	}
	if n, err := d.SweepDormant(ctx); err != nil || n != 0 {
		t.Fatalf("sweep again = %d, %v; want nothing new", n, err)
	}
	got, err := d.GetUserDetails(ctx, owner, anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != db.StatusBlocked {
		t.Fatalf("anna is %s, want blocked", got.Status)
	}
	for _, id := range []int64{owner.UserID, boss.ID} {
		u, err := d.GetUserDetails(ctx, owner, id)
		if err != nil {
			t.Fatal(err)
		}
		if u.Status != db.StatusActive {
			t.Fatalf("%s was blocked", u.Email)
		}
	}
	log, err := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "user.dormant_block"})
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Items) != 1 || log.Items[0].ActorEmail != "system" || log.Items[0].TargetID != anna.ID ||
		!strings.Contains(log.Items[0].After, `"dormancy_days":30`) {
		t.Fatalf("audit = %+v", log.Items)
	}
}

// R-GOV-1: the rule is the owner's; an Administrator may neither read,
// preview, set nor apply it, and a bad rule names its fields.
func TestDormancyRuleOwnerOnly(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	admin := dbtest.Login(t, d, "admin@example.pl", dbtest.OwnerPassword)
	rule := db.DormancyRule{Days: 30, WarnDays: 5}
	if err := d.SetDormancyRule(ctx, admin, rule); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("admin set: %v", err)
	}
	if _, err := d.PreviewDormancy(ctx, admin, rule); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("admin preview: %v", err)
	}
	if _, err := d.ApplyDormancy(ctx, admin, rule); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("admin apply: %v", err)
	}
	err := d.SetDormancyRule(ctx, owner, db.DormancyRule{Days: 0, WarnDays: 5, ExemptRoleIDs: []int64{999}})
	v := db.AsError(err)
	if db.ErrorCode(err) != db.EINVALID || v.Fields["days"].ID == "" || v.Fields["exempt_role_ids"].ID == "" {
		t.Fatalf("bad rule: %v", err)
	}
}

// R-GOV-1: the user list's "inactive for N days" filter counts a user who
// never signed in from their creation, and sorts by the last sign-in.
func TestUsersInactiveFilter(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	dbtest.AddUser(t, d, owner, "never@example.pl")
	dbtest.AddUser(t, d, owner, "seen@example.pl")
	clock.Advance(20 * 24 * time.Hour)
	dbtest.Login(t, d, "seen@example.pl", dbtest.OwnerPassword)
	dbtest.AddUser(t, d, owner, "fresh@example.pl")
	clock.Advance(5 * 24 * time.Hour)
	list := func(f db.UserFilter) []string {
		p, err := d.ListUsers(ctx, owner, f)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, u := range p.Items {
			out = append(out, u.Email)
		}
		return out
	}
	// The owner signed in on day 0 (Setup), "never" was created then.
	if got := list(db.UserFilter{InactiveDays: 10, Sort: "email"}); !slices.Equal(got, []string{"never@example.pl", "owner@example.pl"}) {
		t.Fatalf("inactive 10 days = %v", got)
	}
	if got := list(db.UserFilter{InactiveDays: 30}); len(got) != 0 {
		t.Fatalf("inactive 30 days = %v", got)
	}
	if _, err := d.ListUsers(ctx, owner, db.UserFilter{InactiveDays: -1}); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("negative days: %v", err)
	}
	if got := list(db.UserFilter{Sort: "-last_login"}); got[0] != "seen@example.pl" {
		t.Fatalf("by last sign-in = %v", got)
	}
}
