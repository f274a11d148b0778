// Package dbtest opens fresh, migrated databases for tests.
package dbtest

import (
	"context"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kadra/db"
)

// OwnerPassword is the owner's password in databases made by Setup.
const OwnerPassword = "Lipa-Sosna-4!"

// Open gives the test a fresh migrated database file in t.TempDir(), with
// cheap password hashing, closed when the test ends.
func Open(t testing.TB) *db.DB {
	t.Helper()
	return OpenWith(t, db.Options{})
}

// OpenWith is Open with options, e.g. a Clock; hashing stays cheap.
func OpenWith(t testing.TB, opt db.Options) *db.DB {
	t.Helper()
	opt.Hash = db.TestHashParams
	d, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "kadra.db"), opt)
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
	return SetupDB(t, Open(t))
}

// SetupDB runs first-run setup on d and signs the owner in.
func SetupDB(t testing.TB, d *db.DB) (*db.DB, db.Actor) {
	t.Helper()
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
	res, err := d.Login(ctx, db.LoginInput{Email: email, Password: password, IP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.SessionActor(ctx, res.Session, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// nextExtension is the one counter of the extensions tests give their
// users, so that no two users of a test process ask for the same one.
var nextExtension atomic.Int64

// NextExtension returns an extension (from 2001 up) that no earlier call
// returned.
func NextExtension() string { return strconv.FormatInt(2000+nextExtension.Add(1), 10) }

// UserInput is the user form filled for a test user of the actor's
// account: active with the password OwnerPassword, the Staff member role,
// the first position and a new extension. Tests change what they need
// (or pass edits to AddUser) before saving it.
func UserInput(t testing.TB, d *db.DB, a db.Actor, email string) db.UserInput {
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
	return db.UserInput{Email: email, FullName: "User " + email, Password: OwnerPassword,
		PasswordConfirm: OwnerPassword, RoleID: role, PositionID: pos, NewExtension: NextExtension()}
}

// AddUser creates UserInput's user, after applying each edit to it (e.g.
// Invited), and fails the test if it is refused: the one way tests add a
// user.
func AddUser(t testing.TB, d *db.DB, a db.Actor, email string, edits ...func(*db.UserInput)) db.User {
	t.Helper()
	in := UserInput(t, d, a, email)
	for _, edit := range edits {
		edit(&in)
	}
	u, err := d.CreateUser(context.Background(), a, in)
	if err != nil {
		t.Fatal(err)
	}
	return u.User
}

// Invited makes AddUser's user invited: no password, an activation mail
// in the outbox (R-USER-11).
func Invited(in *db.UserInput) { in.Password, in.PasswordConfirm, in.SendInvite = "", "", true }

// Inactive makes AddUser's user inactive: neither a password nor an
// invitation (R-USER-11).
func Inactive(in *db.UserInput) { in.Password, in.PasswordConfirm = "", "" }

// Clock is a settable clock for db.Options.Now.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at a fixed moment.
func NewClock() *Clock { return &Clock{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// AddAccount creates a sub-account as a (the owner, or a main-account user
// with accounts.manage), with an external id derived from the name.
func AddAccount(t testing.TB, d *db.DB, a db.Actor, name string) db.Account {
	t.Helper()
	acc, err := d.CreateAccount(context.Background(), a, db.AccountInput{Name: name, ExternalID: "ext-" + name})
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// In returns a acting in account id, as an API request naming it in
// X-Kadra-Account would; the user must be allowed in.
func In(t testing.TB, d *db.DB, a db.Actor, id int64) db.Actor {
	t.Helper()
	in, err := d.ActorIn(context.Background(), a, id)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// AddAdmin is AddUser with the built-in Administrator role.
func AddAdmin(t testing.TB, d *db.DB, a db.Actor, email string) db.User {
	t.Helper()
	role, err := d.BuiltinRoleID(context.Background(), db.BuiltinAdministrator)
	if err != nil {
		t.Fatal(err)
	}
	return AddUser(t, d, a, email, func(in *db.UserInput) { in.RoleID, in.FullName = role, "Admin "+email })
}
