package db_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-GOV-5: the access review lists every account's users with role,
// permissions, position, sub-account access and last sign-in, the main
// account first; "admins only" and "inactive" narrow it; the owner stamps
// it, audited, and the reminder falls due after the configured days. Only
// the owner sees it.
func TestAccessReview(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	admin := dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	staff := dbtest.AddUser(t, d, owner, "staff@example.pl")
	sub := dbtest.AddAccount(t, d, owner, "Klient X")
	if err := d.SetUserAccess(ctx, owner, admin.ID, []int64{sub.ID}); err != nil {
		t.Fatal(err)
	}
	dbtest.AddUser(t, d, dbtest.In(t, d, owner, sub.ID), "klient@example.pl")
	// R-GOV-2 in the review: access given for 30 days shows its end.
	if _, err := d.GiveGrant(ctx, owner, staff.ID, db.GrantInput{Kind: "access", AccountID: sub.ID, Days: 30}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * 24 * time.Hour)
	dbtest.Login(t, d, "staff@example.pl", dbtest.OwnerPassword)

	all, err := d.AccessReview(ctx, owner, db.AccessReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 4 || all.Items[0].AccountName != "Biuro" || all.Items[3].AccountName != "Klient X" {
		t.Fatalf("all: %+v", all)
	}
	for _, r := range all.Items {
		switch r.UserID {
		case admin.ID:
			if !r.AllPermissions || !slices.Equal(r.SubAccounts, []db.ReviewAccess{{Name: "Klient X"}}) {
				t.Errorf("admin row: %+v", r)
			}
		case staff.ID:
			if r.AllPermissions || len(r.Permissions) != 0 || r.LastLoginAt == nil || r.Position == "" {
				t.Errorf("staff row: %+v", r)
			}
			if len(r.SubAccounts) != 1 || r.SubAccounts[0].EndsAt == nil ||
				r.SubAccounts[0].EndsAt.Sub(clock.Now()) < 19*24*time.Hour {
				t.Errorf("staff's access until a day: %+v", r.SubAccounts)
			}
		}
	}
	admins, err := d.AccessReview(ctx, owner, db.AccessReviewFilter{AdminsOnly: true})
	if err != nil || admins.Total != 2 {
		t.Fatalf("admins only: %+v, %v", admins, err)
	}
	inactive, err := d.AccessReview(ctx, owner, db.AccessReviewFilter{InactiveDays: 5})
	if err != nil || inactive.Total != 3 { // the owner (day 0), admin and klient never signed in
		t.Fatalf("inactive: %+v, %v", inactive, err)
	}

	st, err := d.GetAccessReviewState(ctx, owner)
	if err != nil || !st.Due || st.DoneAt != nil || st.RemindDays != 90 {
		t.Fatalf("never reviewed: %+v, %v", st, err)
	}
	if err := d.StampAccessReview(ctx, owner, clock.Now().Add(48*time.Hour)); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("future stamp: %v", err)
	}
	if err := d.StampAccessReview(ctx, owner, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := d.GetAccessReviewState(ctx, owner); st.Due {
		t.Fatal("due right after the review")
	}
	clock.Advance(89 * 24 * time.Hour)
	if st, _ := d.GetAccessReviewState(ctx, owner); st.Due {
		t.Fatal("due after 89 days")
	}
	clock.Advance(24 * time.Hour)
	if st, _ := d.GetAccessReviewState(ctx, owner); !st.Due {
		t.Fatal("not due after 90 days")
	}
	if err := d.SetAccessReviewReminder(ctx, owner, 180); err != nil {
		t.Fatal(err)
	}
	if st, _ := d.GetAccessReviewState(ctx, owner); st.Due || st.RemindDays != 180 {
		t.Fatalf("after 90 of 180 days: %+v", st)
	}
	log, err := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "access_review.done"})
	if err != nil || len(log.Items) != 1 {
		t.Fatalf("audit: %+v, %v", log.Items, err)
	}

	a := dbtest.Login(t, d, "admin@example.pl", dbtest.OwnerPassword)
	if _, err := d.AccessReview(ctx, a, db.AccessReviewFilter{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("admin reads the review: %v", err)
	}
	if err := d.StampAccessReview(ctx, a, time.Time{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("admin stamps the review: %v", err)
	}
}
