package db_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// leaverWorld is a leaver with something of everything: an extension, a
// caller ID, a licence seat, a group, access to a sub-account; and a
// successor with their own extension.
type leaverWorld struct {
	d                       *db.DB
	owner                   db.Actor
	leaver, successor       db.User
	license, group, account int64
	number                  int64
}

func newLeaverWorld(t *testing.T, clock *dbtest.Clock) *leaverWorld {
	t.Helper()
	ctx := context.Background()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	w := &leaverWorld{d: d, owner: owner}
	l, err := d.CreateLicense(ctx, owner, db.LicenseInput{Product: "Office", Seats: 5})
	if err != nil {
		t.Fatal(err)
	}
	g, err := d.CreateGroup(ctx, owner, db.GroupInput{Name: "Sprzedaż"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.CreatePresentation(ctx, owner, db.PhoneNumbers, db.PresentationInput{Value: "+48 22 100 00 00", Label: "Biuro"})
	if err != nil {
		t.Fatal(err)
	}
	w.license, w.group, w.number = l.ID, g.ID, n.ID
	w.account = dbtest.AddAccount(t, d, owner, "Klient X").ID
	w.leaver = dbtest.AddUser(t, d, owner, "leaver@example.pl", func(in *db.UserInput) {
		in.GroupIDs, in.CallNumberID = []int64{g.ID}, n.ID
	})
	w.successor = dbtest.AddUser(t, d, owner, "successor@example.pl")
	if _, err := d.AssignLicense(ctx, owner, l.ID, w.leaver.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.SetUserAccess(ctx, owner, w.leaver.ID, []int64{w.account}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *leaverWorld) details(t *testing.T, id int64) (db.UserDetails, error) {
	t.Helper()
	return w.d.GetUserDetails(context.Background(), w.owner, id)
}

// R-GOV-4: offboarding now hands the extension (with a new password),
// caller ID, seat and groups to the successor in one transaction, blocks
// the leaver, withdraws their access and writes the report.
func TestOffboardNowToSuccessor(t *testing.T) {
	ctx := context.Background()
	w := newLeaverWorld(t, dbtest.NewClock())
	before, _ := w.details(t, w.leaver.ID)
	succBefore, _ := w.details(t, w.successor.ID)
	o, err := w.d.Offboard(ctx, w.owner, w.leaver.ID, db.OffboardingInput{SuccessorID: w.successor.ID,
		SIP: db.ToSuccessor, Numbers: db.ToSuccessor, Seats: db.ToSuccessor, Groups: db.GroupsCopy, Delete: db.DeleteNever})
	if err != nil {
		t.Fatal(err)
	}
	if o.State != "done" || o.Report == nil || o.SIPSecret == nil || o.SIPSecret.Extension != before.Extension ||
		o.SIPSecret.Password == "" {
		t.Fatalf("offboarding %+v", o)
	}
	r := o.Report
	if !r.Blocked || r.Extension != before.Extension || r.CallerID != "+48221000000" ||
		!slices.Equal(r.Licenses, []string{"Office"}) || len(r.Groups) != 1 || !slices.Equal(r.Accounts, []string{"Klient X"}) || r.Deleted {
		t.Fatalf("report %+v", r)
	}
	leaver, _ := w.details(t, w.leaver.ID)
	succ, _ := w.details(t, w.successor.ID)
	if leaver.Status != db.StatusBlocked || leaver.SIPAccountID != 0 || leaver.CallNumberID != 0 || len(leaver.GroupIDs) != 0 {
		t.Fatalf("leaver after %+v", leaver)
	}
	if succ.SIPAccountID != before.SIPAccountID || succ.Extension != before.Extension || succ.CallNumberID != w.number ||
		!slices.Contains(succ.GroupIDs, w.group) {
		t.Fatalf("successor after %+v", succ)
	}
	// The successor's own old extension is free again, not disabled.
	free, _ := w.d.FreeSIPAccounts(ctx, w.owner)
	if !slices.ContainsFunc(free, func(s db.SIPAccount) bool { return s.ID == succBefore.SIPAccountID }) {
		t.Fatal("the successor's old extension was not freed")
	}
	ls, _ := w.d.UserLicenses(ctx, w.owner, w.successor.ID)
	if len(ls) != 1 || !ls[0].Held {
		t.Fatalf("seat not moved: %+v", ls)
	}
	if ls, _ := w.d.UserLicenses(ctx, w.owner, w.leaver.ID); ls[0].Held {
		t.Fatal("leaver keeps the seat")
	}
	if ids, _ := w.d.AccountAccessIDs(ctx, w.owner, w.account); len(ids) != 1 {
		t.Fatalf("access not withdrawn: %v", ids)
	}
	if rows := auditCount(t, w.d, w.owner, "user.offboard"); len(rows) != 1 {
		t.Fatalf("offboarding not audited: %+v", rows)
	}
	// The report stays: read again later.
	again, err := w.d.GetOffboarding(ctx, w.owner, o.ID)
	if err != nil || again.Report == nil || again.Report.Extension != before.Extension || again.SIPSecret != nil {
		t.Fatalf("report read again %+v %v", again, err)
	}
}

// R-GOV-4: a scheduled offboarding changes nothing until the local day
// begins; the hourly sweep then runs it as the system, idempotently, and
// deletes the user on their day; a cancelled one never runs.
func TestOffboardScheduled(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock() // 2026-11-02 09:00 UTC
	w := newLeaverWorld(t, clock)
	other := dbtest.AddUser(t, w.d, w.owner, "stays@example.pl")
	o, err := w.d.Offboard(ctx, w.owner, w.leaver.ID, db.OffboardingInput{Day: "05.11.2026", SIP: db.ToFree,
		Seats: db.ToFree, Groups: db.GroupsDrop, Delete: db.DeleteOn, DeleteDay: "2026-11-10"})
	if err != nil {
		t.Fatal(err)
	}
	// Blocked at the start of the local day: midnight in Warsaw is 23:00 UTC.
	if o.State != "scheduled" || !o.RunAt.Equal(time.Date(2026, 11, 4, 23, 0, 0, 0, time.UTC)) || o.Report != nil {
		t.Fatalf("scheduled %+v", o)
	}
	if _, err := w.d.Offboard(ctx, w.owner, w.leaver.ID, db.OffboardingInput{}); db.ErrorCode(err) != db.ECONFLICT {
		t.Fatalf("a second one for the same user: %v", err)
	}
	c, err := w.d.Offboard(ctx, w.owner, other.ID, db.OffboardingInput{Day: "2026-11-05"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.d.CancelOffboarding(ctx, w.owner, c.ID); err != nil {
		t.Fatal(err)
	}
	if u, _ := w.details(t, w.leaver.ID); u.Status != db.StatusActive {
		t.Fatal("changed before its day")
	}
	clock.Advance(2*24*time.Hour + 13*time.Hour + 30*time.Minute) // 2026-11-04 22:30 UTC
	if n, err := w.d.SweepOffboardings(ctx); err != nil || n != 0 {
		t.Fatalf("sweep before the day: %d %v", n, err)
	}
	clock.Advance(time.Hour)
	if n, err := w.d.SweepOffboardings(ctx); err != nil || n != 1 {
		t.Fatalf("sweep on the day: %d %v", n, err)
	}
	if n, _ := w.d.SweepOffboardings(ctx); n != 0 {
		t.Fatal("second sweep ran it again")
	}
	u, _ := w.details(t, w.leaver.ID)
	if u.Status != db.StatusBlocked || u.SIPAccountID != 0 {
		t.Fatalf("leaver after the sweep %+v", u)
	}
	if s, _ := w.details(t, other.ID); s.Status != db.StatusActive {
		t.Fatal("a cancelled offboarding ran")
	}
	rows := auditCount(t, w.d, w.owner, "user.offboard")
	if len(rows) != 1 || rows[0].ActorEmail != "system" {
		t.Fatalf("audit %+v", rows)
	}
	clock.Advance(6 * 24 * time.Hour) // 2026-11-10 22:30 UTC: the deletion day has begun
	if n, err := w.d.SweepOffboardings(ctx); err != nil || n != 1 {
		t.Fatalf("sweep on the deletion day: %d %v", n, err)
	}
	if _, err := w.details(t, w.leaver.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("leaver not deleted: %v", err)
	}
	done, err := w.d.GetOffboarding(ctx, w.owner, o.ID)
	if err != nil || done.Report == nil || !done.Report.Deleted || done.UserID != 0 {
		t.Fatalf("report after deletion %+v %v", done, err)
	}
	list, _ := w.d.ListOffboardings(ctx, w.owner, "")
	if len(list) != 2 {
		t.Fatalf("list %+v", list)
	}
}

// R-GOV-4, R-SEC-2: the successor must be someone the actor may act on,
// each step needs its own act, and nobody offboards the owner or
// themselves.
func TestOffboardRefusals(t *testing.T) {
	ctx := context.Background()
	w := newLeaverWorld(t, dbtest.NewClock())
	blocker, err := w.d.CreateRole(ctx, w.owner, db.RoleInput{Name: "Blokujący",
		Permissions: []db.Permission{db.PermUsersView, db.PermUsersBlock}})
	if err != nil {
		t.Fatal(err)
	}
	b := dbtest.AddUser(t, w.d, w.owner, "blocker@example.pl", func(in *db.UserInput) { in.RoleID = blocker.ID })
	_, ba := signIn(t, w.d, b.Email, "192.0.2.9", uaFirefox)
	admin := dbtest.AddAdmin(t, w.d, w.owner, "admin@example.pl")
	plan := db.OffboardingInput{SuccessorID: w.successor.ID, SIP: db.ToSuccessor, Seats: db.ToSuccessor}
	if _, err := w.d.Offboard(ctx, ba, w.leaver.ID, plan); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("users.block alone hands an extension over: %v", err)
	}
	helpdesk, err := w.d.CreateRole(ctx, w.owner, db.RoleInput{Name: "Pomoc", Permissions: []db.Permission{
		db.PermUsersView, db.PermUsersBlock, db.PermUsersManage, db.PermSIPManage, db.PermLicensesManage}})
	if err != nil {
		t.Fatal(err)
	}
	h := dbtest.AddUser(t, w.d, w.owner, "help@example.pl", func(in *db.UserInput) { in.RoleID = helpdesk.ID })
	_, ha := signIn(t, w.d, h.Email, "192.0.2.10", uaFirefox)
	if _, err := w.d.Offboard(ctx, ha, w.leaver.ID, db.OffboardingInput{SuccessorID: admin.ID, SIP: db.ToSuccessor}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("an Administrator as the successor of a helpdesk's offboarding: %v", err)
	}
	if _, err := w.d.Offboard(ctx, ha, admin.ID, db.OffboardingInput{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("helpdesk offboards an Administrator: %v", err)
	}
	if _, err := w.d.Offboard(ctx, w.owner, w.owner.UserID, db.OffboardingInput{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("the owner offboarded: %v", err)
	}
	for _, c := range []struct {
		in    db.OffboardingInput
		field string
	}{
		{db.OffboardingInput{SIP: db.ToSuccessor}, "successor_id"},
		{db.OffboardingInput{SIP: db.ToSuccessor, SuccessorID: w.leaver.ID}, "successor_id"},
		{db.OffboardingInput{SIP: "lose"}, "sip"},
		{db.OffboardingInput{Day: "2026-11-01"}, "day"},
		{db.OffboardingInput{Delete: db.DeleteOn, DeleteDay: "jutro"}, "delete_day"},
	} {
		_, err := w.d.Offboard(ctx, w.owner, w.leaver.ID, c.in)
		fieldErr(t, err, c.field)
	}
	if u, _ := w.details(t, w.leaver.ID); u.Status != db.StatusActive {
		t.Fatal("a refused offboarding changed the leaver")
	}
}
