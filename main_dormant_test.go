package main

import (
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-GOV-1: "kadra users dormant --days N" lists the users inactive that
// long (a user who never signed in: since creation), never the owner, and
// --apply blocks them, audited as the system.
func TestUsersDormant(t *testing.T) {
	path := initDB(t)
	// A user created 40 days ago, by a database opened with a clock then.
	past := time.Now().Add(-40 * 24 * time.Hour)
	old, err := db.Open(t.Context(), path, db.Options{Now: func() time.Time { return past }, Hash: db.TestHashParams})
	if err != nil {
		t.Fatal(err)
	}
	owner := dbtest.Login(t, old, ownerEmail, ownerPassword)
	dbtest.AddUser(t, old, owner, "stary@example.pl")
	old.Close()
	d := openTestDB(t, path)
	dbtest.AddUser(t, d, dbtest.Login(t, d, ownerEmail, ownerPassword), "nowy@example.pl")

	code, stdout, stderr := cli(t, "users", "dormant", "--db", path, "--days", "30")
	if code != 0 || !strings.Contains(stdout, "stary@example.pl") || strings.Contains(stdout, "nowy@example.pl") ||
		strings.Contains(stdout, ownerEmail) || !strings.Contains(stdout, "1 users inactive") {
		t.Fatalf("list: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, "users", "dormant", "--db", path, "--days", "30", "--apply")
	if code != 0 || !strings.Contains(stdout, "Blocked 1 users") {
		t.Fatalf("apply: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := d.Login(t.Context(), db.LoginInput{Email: "stary@example.pl", Password: ownerPassword, IP: "127.0.0.1"}); err == nil {
		t.Fatal("a blocked dormant user still signs in")
	}
	code, stdout, _ = cli(t, "users", "dormant", "--db", path, "--days", "30")
	if code != 0 || !strings.Contains(stdout, "0 users inactive") {
		t.Fatalf("after apply: %s", stdout)
	}
	code, _, stderr = cli(t, "users", "dormant", "--db", path, "--days", "0")
	if code != 1 || !strings.Contains(stderr, "days") {
		t.Fatalf("--days 0: exit %d, %s", code, stderr)
	}
}
