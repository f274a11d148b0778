package e2e

import (
	"context"
	"os"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// TestMeasureAdminPages100k measures, for BENCHMARKS.md and not as a pass
// or fail, the weight of /users and /users/new at 100,000 users and 2,000
// groups (the targets: 60 KB and 40 KB) and their load time in
// Chromium: the Navigation Timing of the page (request start to the load
// event), the best of five loads after one warm-up. KADRA_MEASURE=1 runs it.
func TestMeasureAdminPages100k(t *testing.T) {
	if os.Getenv("KADRA_MEASURE") != "1" {
		t.Skip("KADRA_MEASURE=1 measures page weight and load time at 100,000 users")
	}
	d, _ := dbtest.Setup(t)
	if err := d.SeedSynthetic(context.Background(), db.System(), db.SyntheticOrg{Users: 100000, Groups: 2000,
		Depth: 8, Positions: 20, Memberships: 100000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	b := signedIn(t, d, "owner@example.pl")
	for _, path := range []string{"/users", "/users/new", "/users/2"} {
		b.open(path)
		size := eval[int](b, `document.documentElement.outerHTML.length`)
		bytes := eval[int](b, `performance.getEntriesByType("navigation")[0].decodedBodySize`)
		best := 1e9
		for i := 0; i < 5; i++ {
			b.open(path)
			ms := eval[float64](b, `(() => { const n = performance.getEntriesByType("navigation")[0]; return n.loadEventEnd - n.requestStart; })()`)
			best = min(best, ms)
		}
		t.Logf("%s: %d bytes of HTML (%d in the DOM), loads in %.0f ms (best of 5)", path, bytes, size, best)
	}
}
