package db_test

import (
	"context"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		panic(err)
	}
	return t
}

// advanceTo moves the clock forward to t.
func advanceTo(t *testing.T, c *dbtest.Clock, to time.Time) {
	t.Helper()
	if to.Before(c.Now()) {
		t.Fatalf("clock cannot go back from %s to %s", c.Now(), to)
	}
	c.Advance(to.Sub(c.Now()))
}

// R-ACC-7: a user counts as a billed seat in a period if they existed at
// any moment of it; a deleted user counts until the end of the period they
// were deleted in. Periods start on the billing day (here the 15th) at
// midnight of the installation's zone, here UTC. The clock starts at
// 2026-11-02 09:00.
func TestUsageSeatRule(t *testing.T) {
	cases := []struct {
		name                  string
		day                   int
		created, deleted, now string // deleted "" = alive
		wantPrev, wantCur     int
	}{
		{"AliveAcrossPeriods", 15, "2026-11-02 09:00:00", "", "2026-11-20 12:00:00", 1, 1},
		{"DeletedInPreviousPeriod", 15, "2026-11-02 09:00:00", "2026-11-10 12:00:00", "2026-11-20 12:00:00", 1, 0},
		{"DeletedInCurrentPeriodStillCounts", 15, "2026-11-02 09:00:00", "2026-11-20 12:00:00", "2026-11-25 12:00:00", 1, 1},
		{"DeletedCountsUntilItsPeriodEnds", 15, "2026-11-02 09:00:00", "2026-11-20 12:00:00", "2026-12-16 00:00:00", 1, 0},
		{"DeletedAtPeriodStartIsNotInIt", 15, "2026-11-14 23:59:59", "2026-11-15 00:00:00", "2026-11-16 00:00:00", 1, 0},
		{"DeletedOneSecondIntoPeriod", 15, "2026-11-14 23:59:59", "2026-11-15 00:00:01", "2026-11-16 00:00:00", 1, 1},
		{"CreatedAtPeriodStart", 15, "2026-11-15 00:00:00", "", "2026-11-16 00:00:00", 0, 1},
		{"CreatedLastSecondOfPeriod", 15, "2026-12-14 23:59:59", "", "2026-12-15 00:00:00", 1, 1},
		{"CreatedAndDeletedWithinOnePeriod", 15, "2026-11-03 10:00:00", "2026-11-04 10:00:00", "2026-11-05 00:00:00", 0, 1},
		{"CreatedAndDeletedLastPeriod", 15, "2026-11-03 10:00:00", "2026-11-04 10:00:00", "2026-11-15 00:00:00", 1, 0},
		{"NotYetCreatedInPreviousPeriod", 1, "2026-12-01 00:00:00", "", "2026-12-31 23:59:59", 0, 1},
		{"BillingDayFirstMonthEnd", 1, "2026-11-02 09:00:00", "", "2026-12-01 00:00:00", 1, 1},
		{"TwoPeriodsLater", 1, "2026-11-02 09:00:00", "2026-11-30 23:59:59", "2027-01-10 00:00:00", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			clock := dbtest.NewClock()
			d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now,
				SessionIdle: 24 * 365 * time.Hour, SessionMax: 24 * 365 * time.Hour}))
			if err := d.SetBillingDay(ctx, owner, tc.day); err != nil {
				t.Fatal(err)
			}
			if err := d.SetTimeZone(ctx, owner, "UTC"); err != nil {
				t.Fatal(err)
			}
			sub := dbtest.AddAccount(t, d, owner, "Branch")
			inSub := dbtest.In(t, d, owner, sub.ID)
			advanceTo(t, clock, at(tc.created))
			u := dbtest.AddUser(t, d, inSub, "seat@example.pl")
			if tc.deleted != "" {
				advanceTo(t, clock, at(tc.deleted))
				if err := d.DeleteUser(ctx, inSub, u.ID); err != nil {
					t.Fatal(err)
				}
			}
			advanceTo(t, clock, at(tc.now))
			usage, err := d.Usage(ctx, owner)
			if err != nil {
				t.Fatal(err)
			}
			var row db.UsageRow
			for _, r := range usage.Accounts {
				if r.AccountID == sub.ID {
					row = r
				}
			}
			if row.Previous != tc.wantPrev || row.Current != tc.wantCur {
				t.Fatalf("periods %s..%s and %s..%s: previous %d, current %d; want %d, %d",
					usage.Previous.Start, usage.Previous.End, usage.Current.Start, usage.Current.End,
					row.Previous, row.Current, tc.wantPrev, tc.wantCur)
			}
			var prev, cur int
			for _, r := range usage.Accounts {
				prev, cur = prev+r.Previous, cur+r.Current
			}
			if prev != usage.TotalPrevious || cur != usage.TotalCurrent {
				t.Fatalf("totals %d/%d, rows add up to %d/%d", usage.TotalPrevious, usage.TotalCurrent, prev, cur)
			}
		})
	}
}

func TestBillingPeriod(t *testing.T) {
	p := db.BillingPeriod(at("2026-01-10 08:00:00"), 15, time.UTC)
	if !p.Start.Equal(at("2025-12-15 00:00:00")) || !p.End.Equal(at("2026-01-15 00:00:00")) {
		t.Fatalf("period %+v", p)
	}
	p = db.BillingPeriod(at("2026-03-28 00:00:00"), 28, time.UTC)
	if !p.Start.Equal(at("2026-03-28 00:00:00")) || !p.End.Equal(at("2026-04-28 00:00:00")) {
		t.Fatalf("period %+v", p)
	}
	// R-I18N-2: in Warsaw, 23:30 UTC on 31 January is already February,
	// and periods start at local midnight (23:00 UTC in winter, 22:00 in
	// summer).
	waw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Fatal(err)
	}
	p = db.BillingPeriod(at("2026-01-31 23:30:00"), 1, waw)
	if !p.Start.Equal(at("2026-01-31 23:00:00")) || !p.End.Equal(at("2026-02-28 23:00:00")) {
		t.Fatalf("Warsaw period %s..%s", p.Start.UTC(), p.End.UTC())
	}
	p = db.BillingPeriod(at("2026-06-30 23:30:00"), 1, waw)
	if !p.Start.Equal(at("2026-06-30 22:00:00")) || !p.End.Equal(at("2026-07-31 22:00:00")) {
		t.Fatalf("Warsaw summer period %s..%s", p.Start.UTC(), p.End.UTC())
	}
}

// R-I18N-2: billing periods start at local midnight of the installation's
// zone (default Europe/Warsaw). A seat taken at 23:30 UTC on the last day of
// November is taken on 1 December in Warsaw: it is not billed for November.
// In UTC the same seat is billed for both.
func TestUsageLocalMidnight(t *testing.T) {
	for _, tc := range []struct {
		zone              string
		wantPrev, wantCur int
	}{{"", 0, 1}, {"Europe/Warsaw", 0, 1}, {"UTC", 1, 1}} {
		t.Run("Zone"+tc.zone, func(t *testing.T) {
			ctx := context.Background()
			clock := dbtest.NewClock()
			d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now,
				SessionIdle: 24 * 365 * time.Hour, SessionMax: 24 * 365 * time.Hour}))
			if tc.zone != "" {
				if err := d.SetTimeZone(ctx, owner, tc.zone); err != nil {
					t.Fatal(err)
				}
			}
			sub := dbtest.AddAccount(t, d, owner, "Branch")
			inSub := dbtest.In(t, d, owner, sub.ID)
			advanceTo(t, clock, at("2026-11-30 23:30:00"))
			dbtest.AddUser(t, d, inSub, "late@example.pl")
			advanceTo(t, clock, at("2026-12-10 12:00:00"))
			usage, err := d.Usage(ctx, owner)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range usage.Accounts {
				if r.AccountID == sub.ID && (r.Previous != tc.wantPrev || r.Current != tc.wantCur) {
					t.Fatalf("periods from %s and %s: previous %d, current %d; want %d, %d",
						usage.Previous.Start, usage.Current.Start, r.Previous, r.Current, tc.wantPrev, tc.wantCur)
				}
			}
		})
	}
}

// R-ACC-7: the billing day is a setting, 1..28.
func TestSetBillingDay(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	for _, day := range []int{0, 29, -3} {
		err := d.SetBillingDay(ctx, owner, day)
		if e := db.AsError(err); e == nil || e.Fields["billing_day"].ID != "usage.billing_day.range" {
			t.Fatalf("day %d: %v", day, err)
		}
	}
	if err := d.SetBillingDay(ctx, owner, 10); err != nil {
		t.Fatal(err)
	}
	if day, _ := d.BillingDay(ctx); day != 10 {
		t.Fatalf("day %d", day)
	}
	staff := dbtest.AddUser(t, d, owner, "staff@example.pl")
	if err := d.SetBillingDay(ctx, dbtest.Login(t, d, staff.Email, dbtest.OwnerPassword), 3); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("staff: %v", err)
	}
}
