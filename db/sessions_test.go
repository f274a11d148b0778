package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// attempts signs in n times at once and counts the answers by error code.
func attempts(d *db.DB, n int, in func(i int) db.LoginInput) map[db.Code]int {
	var mu sync.Mutex
	codes := map[db.Code]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := d.Login(context.Background(), in(i))
			mu.Lock()
			codes[db.ErrorCode(err)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return codes
}

// R-SEC-3: however many sign-in attempts arrive at once, an address gets
// at most the documented number of password checks: the free ones, then
// one per back-off step, and none once locked; the right password, sent
// after the flood, is refused too. The same holds for a client address.
func TestLoginLimitsUnderConcurrency(t *testing.T) {
	const flood = 200
	for _, email := range []string{"owner@example.pl", "ghost@example.pl"} {
		t.Run(email, func(t *testing.T) {
			clock := dbtest.NewClock()
			d, _ := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
			start := d.PasswordChecks()
			wrong := func(i int) db.LoginInput {
				return db.LoginInput{Email: email, Password: "wrong", IP: fmt.Sprintf("192.0.2.%d", i%250)}
			}
			codes := attempts(d, flood, wrong)
			if checks := d.PasswordChecks() - start; checks > db.LoginFreeFailures ||
				codes[db.EUNAUTHORIZED] != int(checks) || codes[db.ETOOMANY] != flood-int(checks) {
				t.Fatalf("%d password checks, answers %v; want at most %d checks", checks, codes, db.LoginFreeFailures)
			}
			_, err := d.Login(context.Background(), db.LoginInput{Email: email, Password: dbtest.OwnerPassword, IP: "198.51.100.1"})
			if db.ErrorCode(err) != db.ETOOMANY {
				t.Fatalf("right password after the flood: %v", err)
			}
			// Each back-off step lets one more check through, until the
			// lock: within the window, never more than loginLockFailures.
			step := time.Minute + time.Second // past the longest back-off
			for elapsed := step; elapsed < db.LoginWindow; elapsed += step {
				clock.Advance(step)
				attempts(d, flood, wrong)
			}
			if checks := d.PasswordChecks() - start; checks > db.LoginLockFailures {
				t.Fatalf("%d password checks within the window, want at most %d", checks, db.LoginLockFailures)
			}
			if _, err := d.Login(context.Background(), db.LoginInput{Email: email, Password: dbtest.OwnerPassword,
				IP: "198.51.100.1"}); db.ErrorCode(err) != db.ETOOMANY {
				t.Fatalf("right password while locked: %v", err)
			}
			clock.Advance(db.LoginWindow + time.Second)
			if email == "owner@example.pl" {
				dbtest.Login(t, d, email, dbtest.OwnerPassword)
			}
		})
	}
	t.Run("PerIP", func(t *testing.T) {
		d, _ := dbtest.Setup(t)
		start := d.PasswordChecks()
		codes := attempts(d, flood, func(i int) db.LoginInput {
			return db.LoginInput{Email: fmt.Sprintf("guess%d@example.pl", i), Password: "wrong", IP: "203.0.113.9"}
		})
		if checks := d.PasswordChecks() - start; checks > db.LoginIPLockFailures || codes[db.ETOOMANY] < flood-db.LoginIPLockFailures {
			t.Fatalf("%d password checks from one address, answers %v; want at most %d", checks, codes, db.LoginIPLockFailures)
		}
	})
}
