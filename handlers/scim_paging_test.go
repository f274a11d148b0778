package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"kadra/db"
)

// Issue 17: paging and "userName eq" at 100,000 users. The seed is the
// benchmark organisation's (db.SeedSynthetic); no timed assertion here
// (the figures are in BENCHMARKS.md), but the lookups are proven to use
// indexes by TestSCIMLookupsUseIndexes.
func TestSCIMPaging100k(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 100,000 users")
	}
	w := newSCIM(t, db.BuiltinStaff)
	start := time.Now()
	if err := w.a.db.SeedSynthetic(context.Background(), db.System(), db.SyntheticOrg{Users: 100000, Groups: 10,
		Depth: 2, Positions: 2, Memberships: 1000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded 100,000 users in %v", time.Since(start))
	timed := func(path string) map[string]any {
		t.Helper()
		start := time.Now()
		st, _, out := w.do(t, "GET", path, "")
		t.Logf("GET %s: %v", path, time.Since(start))
		if st != http.StatusOK {
			t.Fatalf("%s: %d %v", path, st, out)
		}
		return out
	}
	out := timed("/Users?startIndex=1&count=100")
	if out["totalResults"].(float64) != 100001 || len(out["Resources"].([]any)) != 100 {
		t.Errorf("first page: %v %d", out["totalResults"], len(out["Resources"].([]any)))
	}
	out = timed("/Users?startIndex=99992&count=100")
	if n := len(out["Resources"].([]any)); n != 10 {
		t.Errorf("last page: %d users", n)
	}
	acc, err := w.a.db.GetAccount(context.Background(), w.owner, w.owner.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("synthetic-%d-%d@example.invalid", acc.ID, 77777)
	out = timed(`/Users?filter=userName%20eq%20%22` + email + `%22`)
	if out["totalResults"].(float64) != 1 {
		t.Errorf("userName eq %s: %v", email, out)
	}
	timed(`/Users?filter=externalId%20eq%20%22nobody%22`)
}
