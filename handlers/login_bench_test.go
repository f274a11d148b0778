package handlers_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/handlers"
)

// BenchmarkSignIn posts the sign-in form with production password hashing,
// one request at a time: the server-side cost of one sign-in. The parallel
// run signs in a different user per goroutine: attempts in flight count
// against their address's limits (R-SEC-3), so eight at once for one
// address would be refused by design.
func BenchmarkSignIn(b *testing.B) {
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(b.TempDir(), "k.db"), db.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Setup(ctx, db.SetupInput{AccountName: "B", Email: "b@example.pl", Password: "Bench-pass1!",
		PasswordConfirm: "Bench-pass1!"}, ""); err != nil {
		b.Fatal(err)
	}
	const parallelism = 4 // x GOMAXPROCS goroutines at once
	owner := dbtest.Login(b, d, "b@example.pl", "Bench-pass1!")
	for i := range parallelism * runtime.GOMAXPROCS(0) {
		dbtest.AddUser(b, d, owner, fmt.Sprintf("b%d@example.pl", i))
	}
	srv, err := handlers.New(ctx, handlers.Config{DB: d, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	res, err := http.Get(ts.URL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "kadra_csrf" {
			cookie = c
		}
	}
	res.Body.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	signIn := func(email, password string) {
		form := url.Values{"_csrf": {cookie.Value}, "email": {email}, "password": {password}}.Encode()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/login", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		res, err := client.Do(req)
		if err != nil {
			b.Error(err)
			return
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			b.Errorf("status %d", res.StatusCode)
		}
	}
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			signIn("b@example.pl", "Bench-pass1!")
		}
	})
	var next atomic.Int64
	b.Run("concurrency8", func(b *testing.B) {
		b.SetParallelism(parallelism) // 4 x GOMAXPROCS(2) = 8 at once
		b.RunParallel(func(pb *testing.PB) {
			email := fmt.Sprintf("b%d@example.pl", next.Add(1)%int64(parallelism*runtime.GOMAXPROCS(0)))
			for pb.Next() {
				signIn(email, dbtest.OwnerPassword)
			}
		})
	})
}
