package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/handlers"
)

// benchSession serves d and signs in as the owner through the real form,
// returning the server and the session's cookies.
func benchSession(b *testing.B, d *db.DB) (*handlers.Server, []*http.Cookie) {
	b.Helper()
	srv, err := handlers.New(context.Background(), handlers.Config{DB: d, Version: "bench",
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(ts.URL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRe.FindSubmatch(page)
	if m == nil {
		b.Fatal("no CSRF token on /login")
	}
	res, err = hc.PostForm(ts.URL+"/login", url.Values{"_csrf": {string(m[1])},
		"email": {"owner@example.pl"}, "password": {dbtest.OwnerPassword}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in: %v %v", res, err)
	}
	res.Body.Close()
	u, _ := url.Parse(ts.URL)
	return srv, jar.Cookies(u)
}

// BenchmarkGroupTreePage is the server time of the groups page (R-GROUP-6)
// over 2,000 groups 8 levels deep and 100,000 memberships: session and
// permissions read, every group's counts computed, and the upper levels of
// the tree rendered (at most treeBudget groups; each cut group links to its
// subtree). The request goes straight to the handler, without a network.
//
//   - Snapshot: the usual request.
//   - AfterChange: the first request after a change made elsewhere, which
//     reads the membership snapshot again.
//   - Filtered: the filter box narrowing the tree to a few groups.
//   - Subtree: one top-level group's subtree (/groups?under=id).
func BenchmarkGroupTreePage(b *testing.B) {
	d, owner := dbtest.Setup(b)
	ctx := context.Background()
	if err := d.SeedSynthetic(ctx, db.System(), db.SyntheticOrg{Groups: 2000, Depth: 8, Positions: 20,
		Users: 100_000, Memberships: 100_000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	srv, cookies := benchSession(b, d)
	// Wall time suffers from whatever else runs on the machine; the
	// process's CPU time per request is reported too (cpu-ms/op).
	cpu := func(b *testing.B, run func()) {
		start := cpuTime()
		run()
		b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
	get := func(b *testing.B, path, want string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
	b.Run("Snapshot", func(b *testing.B) {
		cpu(b, func() {
			for b.Loop() {
				get(b, "/groups", `class="more"`)
			}
		})
	})
	b.Run("AfterChange", func(b *testing.B) {
		length := 8
		for b.Loop() {
			b.StopTimer()
			// Any audited change moves the snapshot's mark.
			length = 8 + (length-7)%2
			if err := d.SetPasswordPolicy(ctx, db.System(), db.PasswordPolicy{MinLength: length}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			get(b, "/groups", `class="more"`)
		}
	})
	top, err := d.GroupTree(ctx, owner, "")
	if err != nil {
		b.Fatal(err)
	}
	var big db.Group
	for _, g := range top {
		if g.Depth == 0 && !g.Builtin && g.TotalMemberCount > big.TotalMemberCount {
			big = g
		}
	}
	b.Run("Subtree", func(b *testing.B) {
		cpu(b, func() {
			for b.Loop() {
				get(b, fmt.Sprintf("/groups?under=%d", big.ID), big.Name+"<")
			}
		})
	})
	b.Run("Filtered", func(b *testing.B) {
		cpu(b, func() {
			for b.Loop() {
				get(b, "/groups?q=group+1999", "Synthetic group 1999<")
			}
		})
	})
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
