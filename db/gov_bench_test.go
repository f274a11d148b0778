package db_test

import (
	"context"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-GOV-1, R-GOV-5 at 100,000 users (BENCHMARKS.md's organisation), all
// created 100 days before the clock: the dormancy preview (everyone today),
// the list's inactive filter, the access review's pages, then the first
// hourly sweep blocking them all in one transaction, and a second, which
// finds nothing to do.
func BenchmarkGovernance100k(b *testing.B) {
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(b, dbtest.OpenWith(b, db.Options{Now: clock.Now}))
	ctx := context.Background()
	if err := d.SeedSynthetic(ctx, db.System(), db.SyntheticOrg{Users: 100000, Groups: 2000,
		Depth: 8, Positions: 20, Memberships: 100000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	clock.Advance(100 * 24 * time.Hour)
	rule := db.DormancyRule{Days: 90, WarnDays: 7}
	b.Run("preview", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.PreviewDormancy(ctx, owner, rule); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("list inactive_days=90", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.ListUsers(ctx, owner, db.UserFilter{InactiveDays: 90}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, f := range []db.AccessReviewFilter{{}, {Page: 1000}, {AdminsOnly: true}, {InactiveDays: 30}} {
		b.Run("access review", func(b *testing.B) {
			for b.Loop() {
				if _, err := d.AccessReview(ctx, owner, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("sweep", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.ApplyDormancy(ctx, db.System(), rule); err != nil {
				b.Fatal(err)
			}
		}
	})
}
