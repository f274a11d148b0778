package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// roleOfUser reads a user's current role id.
func roleOfUser(t *testing.T, d *db.DB, a db.Actor, id int64) int64 {
	t.Helper()
	u, err := d.GetUserDetails(context.Background(), a, id)
	if err != nil {
		t.Fatal(err)
	}
	return u.RoleID
}

func auditCount(t *testing.T, d *db.DB, a db.Actor, action string) []db.AuditEntry {
	t.Helper()
	p, err := d.SearchAudit(context.Background(), a, db.AuditFilter{Actions: []string{action}, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	return p.Items
}

func mailsTo(t *testing.T, d *db.DB, owner db.Actor, addr, subject string) int {
	t.Helper()
	n := 0
	for _, m := range outbox(t, d, owner) {
		if m.To == addr && strings.Contains(m.Subject, subject) {
			n++
		}
	}
	return n
}

// R-GOV-2: sub-account access given until a day ends by itself at the
// local midnight after it: the sweep withdraws it as the system, mails the
// user and the admin who gave it, is idempotent, and the user's session in
// that sub-account is refused once, then goes home.
func TestGrantAccessExpires(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock() // 2026-11-02 09:00 UTC, 10:00 in Warsaw
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	x := dbtest.AddAccount(t, d, owner, "Klient X")
	m := dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	u := dbtest.AddUser(t, d, owner, "helper@example.pl")
	_, ma := signIn(t, d, m.Email, "192.0.2.1", uaFirefox)

	g, err := d.GiveGrant(ctx, ma, u.ID, db.GrantInput{Kind: db.GrantAccess, AccountID: x.ID, EndsAt: "2026-11-05"})
	if err != nil {
		t.Fatal(err)
	}
	// The end is the Warsaw midnight after the last day (UTC+1 in November).
	if want := time.Date(2026, 11, 5, 23, 0, 0, 0, time.UTC); !g.EndsAt.Equal(want) || g.LastDay != "2026-11-05" ||
		g.AccountName != "Klient X" || !g.MayChange {
		t.Fatalf("grant %+v", g)
	}
	if len(auditCount(t, d, owner, "user.grant_access")) != 1 {
		t.Fatal("grant not audited")
	}
	clock.Advance(3*24*time.Hour + 13*time.Hour + 30*time.Minute) // 2026-11-05 22:30 UTC: 23:30 the last day
	if n, err := d.SweepGrants(ctx); err != nil || n != 0 {
		t.Fatalf("sweep before the end: %d %v", n, err)
	}
	sid, ua := signIn(t, d, u.Email, "192.0.2.2", uaFirefox)
	if _, err := d.SwitchAccount(ctx, ua, x.ID); err != nil {
		t.Fatalf("access before its end: %v", err)
	}
	if _, err := d.SessionActor(ctx, sid, ""); err != nil {
		t.Fatalf("session before the end: %v", err)
	}
	clock.Advance(time.Hour)
	// Past its end the access lets nobody in, even before the sweep runs.
	if _, err := d.SwitchAccount(ctx, ua, x.ID); db.ErrorCode(err) == "" {
		t.Fatal("access past its end, not yet swept, still enters")
	}
	if n, err := d.SweepGrants(ctx); err != nil || n != 1 {
		t.Fatalf("sweep after the end: %d %v", n, err)
	}
	if n, err := d.SweepGrants(ctx); err != nil || n != 0 {
		t.Fatalf("second sweep (idempotent): %d %v", n, err)
	}
	ids, _ := d.AccountAccessIDs(ctx, owner, x.ID)
	if len(ids) != 1 || ids[0] != owner.UserID {
		t.Fatalf("access after the end: %v", ids)
	}
	rows := auditCount(t, d, owner, "user.grant_expire")
	if len(rows) != 1 || rows[0].ActorEmail != "system" || rows[0].TargetID != u.ID {
		t.Fatalf("expiry audit %+v", rows)
	}
	if mailsTo(t, d, owner, u.Email, "Klient X") != 1 || mailsTo(t, d, owner, m.Email, "Klient X") != 1 {
		t.Fatalf("mails: %+v", outbox(t, d, owner))
	}
	// The existing rule: refused once, then home (R-ACC-4).
	_, err = d.SessionActor(ctx, sid, "")
	if e := db.AsError(err); e == nil || e.Msg.ID != "account.access_withdrawn" {
		t.Fatalf("next request after expiry: %v", err)
	}
	if a, err := d.SessionActor(ctx, sid, ""); err != nil || a.AccountID != a.HomeAccountID {
		t.Fatalf("the request after that: %+v %v", a, err)
	}
}

// R-GOV-2: a role given for N days goes back to the role held before;
// extending moves the end, and the sweep then waits for the new one.
func TestGrantRoleExpires(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	m := dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	u := dbtest.AddUser(t, d, owner, "helper@example.pl")
	_, ma := signIn(t, d, m.Email, "192.0.2.1", uaFirefox)
	staff := roleOfUser(t, d, owner, u.ID)
	lead, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "Zastępca", Permissions: []db.Permission{db.PermUsersView}})
	if err != nil {
		t.Fatal(err)
	}

	g, err := d.GiveGrant(ctx, ma, u.ID, db.GrantInput{Kind: db.GrantRole, RoleID: lead.ID, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	if g.LastDay != "2026-11-03" || g.RoleID != lead.ID || g.PreviousRoleID != staff {
		t.Fatalf("grant %+v", g)
	}
	if roleOfUser(t, d, owner, u.ID) != lead.ID {
		t.Fatal("role not given")
	}
	// Extended by a week: the old end passes without a change.
	if g, err = d.GiveGrant(ctx, ma, u.ID, db.GrantInput{Kind: db.GrantRole, EndsAt: "2026-11-10"}); err != nil ||
		g.PreviousRoleID != staff || g.RoleID != lead.ID {
		t.Fatalf("extend %+v %v", g, err)
	}
	if len(auditCount(t, d, owner, "user.grant_change")) != 1 {
		t.Fatal("extension not audited")
	}
	clock.Advance(3 * 24 * time.Hour)
	if n, err := d.SweepGrants(ctx); err != nil || n != 0 || roleOfUser(t, d, owner, u.ID) != lead.ID {
		t.Fatalf("sweep at the old end: %d %v", n, err)
	}
	clock.Advance(7 * 24 * time.Hour)
	if n, err := d.SweepGrants(ctx); err != nil || n != 1 {
		t.Fatalf("sweep at the new end: %d %v", n, err)
	}
	if roleOfUser(t, d, owner, u.ID) != staff {
		t.Fatal("role not set back")
	}
	if n, _ := d.SweepGrants(ctx); n != 0 {
		t.Fatal("second sweep changed something")
	}
	if gs, _ := d.UserGrants(ctx, owner, u.ID); len(gs) != 0 {
		t.Fatalf("grants left %+v", gs)
	}
	if mailsTo(t, d, owner, u.Email, "Zastępca") != 1 || mailsTo(t, d, owner, m.Email, "Zastępca") != 1 {
		t.Fatalf("mails: %+v", outbox(t, d, owner))
	}
	rows := auditCount(t, d, owner, "user.role")
	if len(rows) != 2 || rows[0].ActorEmail != "system" {
		t.Fatalf("role audit %+v", rows)
	}

	// A role changed otherwise meanwhile is left alone by the sweep.
	if _, err := d.GiveGrant(ctx, ma, u.ID, db.GrantInput{Kind: db.GrantRole, RoleID: lead.ID, Days: 1}); err != nil {
		t.Fatal(err)
	}
	if err := d.SetUserRole(ctx, ma, u.ID, staff); err != nil {
		t.Fatal(err)
	}
	clock.Advance(48 * time.Hour)
	if n, err := d.SweepGrants(ctx); err != nil || n != 0 || roleOfUser(t, d, owner, u.ID) != staff {
		t.Fatalf("sweep after a manual change: %d %v", n, err)
	}
}

// R-GOV-2: a grant ended early is withdrawn at once (audited as the
// admin); giving, extending and ending are the policy's ActAccess and
// ActRole (R-SEC-2), and a bad end is refused by field.
func TestGrantEndEarlyAndRefusals(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	x := dbtest.AddAccount(t, d, owner, "Klient X")
	u := dbtest.AddUser(t, d, owner, "helper@example.pl")
	other := dbtest.AddUser(t, d, owner, "other@example.pl")
	_, sa := signIn(t, d, other.Email, "192.0.2.3", uaFirefox)

	if _, err := d.GiveGrant(ctx, owner, u.ID, db.GrantInput{Kind: db.GrantAccess, AccountID: x.ID, Days: 1}); err != nil {
		t.Fatal(err)
	}
	if err := d.EndGrant(ctx, sa, u.ID, db.GrantAccess, x.ID); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("staff ends a grant: %v", err)
	}
	if err := d.EndGrant(ctx, owner, u.ID, db.GrantAccess, x.ID); err != nil {
		t.Fatal(err)
	}
	if ids, _ := d.AccountAccessIDs(ctx, owner, x.ID); len(ids) != 1 {
		t.Fatalf("access after ending early: %v", ids)
	}
	if rows := auditCount(t, d, owner, "user.grant_end"); len(rows) != 1 || rows[0].ActorEmail != owner.Email {
		t.Fatalf("early end audit %+v", rows)
	}
	if err := d.EndGrant(ctx, owner, u.ID, db.GrantAccess, x.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("ending it twice: %v", err)
	}

	for _, c := range []struct {
		in    db.GrantInput
		field string
	}{
		{db.GrantInput{Kind: db.GrantAccess, AccountID: x.ID, EndsAt: "2026-11-01"}, "ends_at"},
		{db.GrantInput{Kind: db.GrantAccess, AccountID: x.ID, EndsAt: "15.01.2027"}, "ends_at"},
		{db.GrantInput{Kind: db.GrantAccess, AccountID: x.ID, EndsAt: "2027-01-15", Days: 3}, "ends_at"},
		{db.GrantInput{Kind: db.GrantAccess, AccountID: x.ID}, "ends_at"},
		{db.GrantInput{Kind: db.GrantAccess, AccountID: x.ID, Days: 5000}, "days"},
		{db.GrantInput{Kind: db.GrantAccess, AccountID: owner.AccountID, Days: 3}, "account_id"},
		{db.GrantInput{Kind: "everything", Days: 3}, "kind"},
	} {
		err := func() error { _, err := d.GiveGrant(ctx, owner, u.ID, c.in); return err }()
		fieldErr(t, err, c.field)
	}
	if _, err := d.GiveGrant(ctx, sa, u.ID, db.GrantInput{Kind: db.GrantAccess, AccountID: x.ID, Days: 3}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("staff gives access: %v", err)
	}
	if _, err := d.GiveGrant(ctx, owner, owner.UserID, db.GrantInput{Kind: db.GrantAccess, AccountID: x.ID, Days: 3}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("grant to the owner: %v", err)
	}
	// R-SEC-2: a manager who lacks a permission of a role cannot give it
	// for a while either.
	mgrRole, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "Kadry",
		Permissions: []db.Permission{db.PermUsersView, db.PermUsersManage}})
	if err != nil {
		t.Fatal(err)
	}
	mgr := dbtest.AddUser(t, d, owner, "mgr@example.pl", func(in *db.UserInput) { in.RoleID = mgrRole.ID })
	_, mga := signIn(t, d, mgr.Email, "192.0.2.4", uaFirefox)
	admin, _ := d.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	if _, err := d.GiveGrant(ctx, mga, u.ID, db.GrantInput{Kind: db.GrantRole, RoleID: admin, Days: 3}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("manager gives Administrator for a while: %v", err)
	}
}
