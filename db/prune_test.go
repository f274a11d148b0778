package db_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// Prune deletes spent tokens and old delivered mail, and keeps what may
// still be used or sent.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	for i, email := range []string{"1501@example.pl", "1502@example.pl"} {
		dbtest.AddUser(t, d, owner, email, dbtest.Invited)
		if i == 0 {
			mail, err := d.DueMail(ctx, 10)
			if err != nil || len(mail) != 1 {
				t.Fatalf("%v %v", mail, err)
			}
			if err := d.MarkMailSent(ctx, mail[0].ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	raw, err := sql.Open("sqlite", "file:"+d.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	count := func(q string) int {
		var n int
		if err := raw.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := d.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT count(*) FROM tokens WHERE kind = 'activation'"); n != 2 {
		t.Fatalf("live tokens pruned: %d left", n)
	}
	clock.Advance(100 * 24 * time.Hour)
	if err := d.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT count(*) FROM tokens WHERE kind = 'activation'"); n != 0 {
		t.Fatalf("expired tokens kept: %d", n)
	}
	if n := count("SELECT count(*) FROM outbox"); n != 1 {
		t.Fatalf("outbox rows: %d, want only the unsent one", n)
	}
}
