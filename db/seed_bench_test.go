package db_test

import (
	"context"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// BenchmarkSeed100k seeds the organisation of issue 15 (100,000 users,
// 2,000 groups 8 deep, 100,000 memberships) into a fresh database, as
// `kadra dev seed` does; for a CPU profile of the seed.
// Run: go test ./db -run '^$' -bench Seed100k -benchtime 1x -cpuprofile seed.prof
func BenchmarkSeed100k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		d, _ := dbtest.Setup(b)
		b.StartTimer()
		if err := d.SeedSynthetic(context.Background(), db.System(), db.SyntheticOrg{Users: 100000, Groups: 2000,
			Depth: 8, Positions: 20, Memberships: 100000}); err != nil {
			b.Fatal(err)
		}
	}
}
