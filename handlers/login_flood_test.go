package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-SEC-3: two hundred wrong passwords posted at once for one address get
// at most loginFreeFailures (3) password checks, each a 401; every other
// attempt is refused with 429 before its password is checked, and so is
// the right password sent after them. The clock stands still, so that the
// flood cannot outlast the first back-off (a second) on a busy machine.
func TestLoginFloodThrottled(t *testing.T) {
	const flood = 200
	clock := dbtest.NewClock()
	d, _ := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	a := serve(t, d)
	c := a.client()
	c.get("/login")
	u, _ := url.Parse(a.ts.URL)
	var csrf *http.Cookie
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "kadra_csrf" {
			csrf = ck
		}
	}
	post := func(password string) int {
		form := url.Values{"_csrf": {c.csrf}, "email": {"owner@example.pl"}, "password": {password}}
		req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(csrf)
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for range flood {
		wg.Go(func() {
			s := post("wrong")
			mu.Lock()
			statuses[s]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses[http.StatusUnauthorized] > 3 || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != flood {
		t.Fatalf("answers %v: want at most 3 password checks (401), the rest 429", statuses)
	}
	if s := post(dbtest.OwnerPassword); s != http.StatusTooManyRequests {
		t.Fatalf("right password after the flood: %d", s)
	}
}
