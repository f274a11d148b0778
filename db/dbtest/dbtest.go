// Package dbtest opens fresh, migrated databases for tests.
package dbtest

import (
	"context"
	"path/filepath"
	"testing"

	"kadra/db"
)

// OwnerPassword is the owner's password in databases made by Setup.
const OwnerPassword = "Owner-pass1!"

// Open gives the test a fresh migrated database file in t.TempDir(), with
// cheap password hashing, closed when the test ends.
func Open(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "kadra.db"),
		db.Options{Hash: db.TestHashParams})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// Setup opens a database and runs first-run setup, returning it with the
// owner's Actor, as the owner's session would see it.
func Setup(t testing.TB) (*db.DB, db.Actor) {
	t.Helper()
	d := Open(t)
	ctx := context.Background()
	if _, err := d.Setup(ctx, db.SetupInput{AccountName: "Biuro", FullName: "Ola Owner",
		Email: "owner@example.pl", Password: OwnerPassword, PasswordConfirm: OwnerPassword}, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	return d, Login(t, d, "owner@example.pl", OwnerPassword)
}

// Login signs in and returns the session's Actor.
func Login(t testing.TB, d *db.DB, email, password string) db.Actor {
	t.Helper()
	ctx := context.Background()
	sid, err := d.Login(ctx, db.LoginInput{Email: email, Password: password, IP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.SessionActor(ctx, sid, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// AddUser creates an active user (password dbtest.OwnerPassword) in the
// actor's account with the Staff member role and the first position.
func AddUser(t testing.TB, d *db.DB, a db.Actor, email string) db.User {
	t.Helper()
	ctx := context.Background()
	role, err := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	if err != nil {
		t.Fatal(err)
	}
	pos, err := d.DefaultPositionID(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.CreateUser(ctx, a, db.UserInput{Email: email, FullName: "User " + email,
		Password: OwnerPassword, PasswordConfirm: OwnerPassword, RoleID: role, PositionID: pos})
	if err != nil {
		t.Fatal(err)
	}
	return u
}
