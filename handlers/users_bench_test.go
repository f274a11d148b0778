package handlers_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// BenchmarkUsersPage100k is the HTML user list searched at 100,000 users
// (R-USER-16), whole page and the htmx results alone, and the first page
// without a search, a search that finds nothing (what the page costs
// without its rows), and the user form, new and edit. Each reports the process's CPU time per request
// (client and server: both run here).
func BenchmarkUsersPage100k(b *testing.B) {
	d, _ := dbtest.Setup(b)
	if err := d.SeedSynthetic(context.Background(), db.System(), db.SyntheticOrg{Users: 100000, Groups: 2000,
		Depth: 8, Positions: 20, Memberships: 100000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	a := serve(&testing.T{}, d)
	c := a.ownerClient()
	for _, bc := range []struct {
		name, path string
		htmx       bool
	}{{"page", "/users?q=Anna+Kowalczyk", false}, {"results", "/users?q=Anna+Kowalczyk", true}, {"first", "/users", false},
		{"none", "/users?q=Zzyzx+Qwerty", false}, {"none-results", "/users?q=Zzyzx+Qwerty", true},
		{"new", "/users/new", false}, {"edit", "/users/5000/edit", false}} {
		htmx := bc.htmx
		b.Run(bc.name, func(b *testing.B) {
			start := cpuTime()
			defer func() {
				b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			}()
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, a.ts.URL+bc.path, nil)
				if htmx {
					req.Header.Set("HX-Request", "true")
					req.Header.Set("HX-Target", "results")
				}
				if r := c.do(req); r.Status != http.StatusOK {
					b.Fatal(r.Status)
				}
			}
		})
	}
}
