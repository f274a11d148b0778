package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/handlers"
)

// BenchmarkAPIGetUser is GET /api/v1/users/{id} with a bearer token, eight
// requests at a time: token, user, role and account read fresh each time.
func BenchmarkAPIGetUser(b *testing.B) {
	d, owner := dbtest.Setup(b)
	u := dbtest.AddUser(b, d, owner, "anna@example.pl")
	tok, err := d.CreateAPIToken(context.Background(), db.System(), "owner@example.pl", db.TokenInput{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := handlers.New(context.Background(), handlers.Config{DB: d, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	url := ts.URL + "/api/v1/users/" + itoa(u.ID)
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("status %d", res.StatusCode)
			}
		}
	})
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// BenchmarkAPIGetUser100k is BenchmarkAPIGetUser at 100,000 users and
// 2,000 groups (issue 15: at least 12,000 req/s with wrk), a different
// user each time.
func BenchmarkAPIGetUser100k(b *testing.B) {
	d, _ := dbtest.Setup(b)
	if err := d.SeedSynthetic(context.Background(), db.System(), db.SyntheticOrg{Users: 100000, Groups: 2000,
		Depth: 8, Positions: 20, Memberships: 100000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	tok, err := d.CreateAPIToken(context.Background(), db.System(), "owner@example.pl", db.TokenInput{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := handlers.New(context.Background(), handlers.Config{DB: d, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	var n atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	start := cpuTime()
	defer func() {
		b.ReportMetric(float64(cpuTime()-start)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
	}()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/users/"+itoa(2+n.Add(7919)%100000), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("status %d", res.StatusCode)
			}
		}
	})
}
