package db_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// queryNamed reads one query of queries/*.sql as sqlc sees it, with its
// arguments as "?".
func queryNamed(t *testing.T, file, name string) string {
	t.Helper()
	b, err := os.ReadFile("../queries/" + file)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "-- name: "+name+" ")
	if !ok {
		t.Fatalf("no query %s", name)
	}
	q, _, _ := strings.Cut(rest, "-- name: ")
	_, q, _ = strings.Cut(q, "\n")
	return regexp.MustCompile(`sqlc\.n?arg\(\w+\)`).ReplaceAllString(q, "?")
}

// Issue 17: a provider's "userName eq" and "externalId eq" (asked before
// every create by Okta and Entra ID) are index lookups, never a scan of
// the users, so they cost the same at 100,000 users (BENCHMARKS.md).
func TestSCIMLookupsUseIndexes(t *testing.T) {
	d, _ := dbtest.Setup(t)
	ctx := context.Background()
	for name, want := range map[string]string{
		"SCIMUserByEmail":       "INDEX sqlite_autoindex_users",
		"SCIMUsersByExternalID": "INDEX users_external_id",
		"SCIMUserIDs":           "USING",
	} {
		q := queryNamed(t, "scim.sql", name)
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = "x"
		}
		plan, err := d.QueryPlan(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(plan, want) || regexp.MustCompile(`SCAN users\b`).MatchString(plan) {
			t.Errorf("%s scans:\n%s", name, plan)
		}
	}
}

// R-SEC-6: the table of SCIM requests keeps the newest 50 of an account.
func TestSCIMRequestsBounded(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := context.Background()
	staff, _ := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	pos, _ := d.DefaultPositionID(ctx, owner)
	raw, err := d.CreateSCIMToken(ctx, owner, db.SCIMTokenInput{Name: "t", CeilingRoleID: staff, DefaultRoleID: staff, DefaultPositionID: pos})
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := d.SCIMActor(ctx, raw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 70 {
		if err := d.LogSCIMRequest(ctx, a, db.SCIMRequest{Method: "GET", Path: "/Users?n=" + string(rune('a'+i%26)), Status: 200}); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := d.SCIMRequests(ctx, owner)
	if err != nil || len(rs) != 50 {
		t.Fatalf("%d requests kept, %v", len(rs), err)
	}
	// The token is audited as its own named actor.
	if a.Email != "SCIM: t" {
		t.Errorf("actor %q", a.Email)
	}
}
