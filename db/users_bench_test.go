package db_test

import (
	"context"
	"fmt"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// seeded100k is a database with the benchmark organisation of
// BENCHMARKS.md: 100,000 users, 2,000 groups 8 levels deep, 100,000
// memberships.
func seeded100k(b *testing.B) (*db.DB, db.Actor) {
	b.Helper()
	d, owner := dbtest.Setup(b)
	if err := d.SeedSynthetic(context.Background(), db.System(), db.SyntheticOrg{Users: 100000, Groups: 2000,
		Depth: 8, Positions: 20, Memberships: 100000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return d, owner
}

// R-USER-16: the list's search at 100,000 users.
func BenchmarkListUsers100k(b *testing.B) {
	d, owner := seeded100k(b)
	ctx := context.Background()
	for _, f := range []db.UserFilter{
		{},
		{Q: "Anna Kowalczyk"},
		{Q: "Kowalczyk"},
		{Q: "synthetic-1-4242@"},
		{Q: "zzz-nothing"},
		{Q: "sy"},
		{Sort: "-email", Page: 100},
		{Status: db.StatusActive, Sort: "last_login"},
	} {
		b.Run(fmt.Sprintf("q=%q/sort=%s/page=%d", f.Q, f.Sort, f.Page), func(b *testing.B) {
			for b.Loop() {
				if _, err := d.ListUsers(ctx, owner, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Creating a user with everything the form sets, without the password hash
// (cheap hashing in tests), at 100,000 users.
func BenchmarkCreateUser100k(b *testing.B) {
	d, owner := seeded100k(b)
	ctx := context.Background()
	staff, _ := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	pos, _ := d.DefaultPositionID(ctx, owner)
	i := 0
	for b.Loop() {
		i++
		if _, err := d.CreateUser(ctx, owner, db.UserInput{Email: fmt.Sprintf("b%d@example.pl", i), FullName: "B",
			RoleID: staff, PositionID: pos, NewExtension: fmt.Sprint(100000 + i),
			Password: "Secret-pass1", PasswordConfirm: "Secret-pass1"}); err != nil {
			b.Fatal(err)
		}
	}
}
