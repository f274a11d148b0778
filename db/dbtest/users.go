package dbtest

import (
	"context"
	"strconv"
	"testing"

	"kadra/db"
)

// Extension is a SIP extension no other test helper has handed out in this
// test binary: the one counter tests take extensions from.
func Extension() string { return strconv.FormatInt(2000+nextExtension.Add(1), 10) }

// NewUser creates a user in the actor's account from in, filling what the
// test leaves empty: the Staff member role, the first position, a full
// name, a fresh extension, and dbtest.OwnerPassword unless it invites.
func NewUser(t testing.TB, d *db.DB, a db.Actor, in db.UserInput) db.User {
	t.Helper()
	ctx := context.Background()
	var err error
	if in.RoleID == 0 {
		if in.RoleID, err = d.BuiltinRoleID(ctx, db.BuiltinStaff); err != nil {
			t.Fatal(err)
		}
	}
	if in.PositionID == 0 {
		if in.PositionID, err = d.DefaultPositionID(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if in.FullName == "" {
		in.FullName = "User " + in.Email
	}
	if in.NewExtension == "" && in.SIPAccountID == 0 {
		in.NewExtension = Extension()
	}
	if !in.SendInvite && in.Password == "" {
		in.Password, in.PasswordConfirm = OwnerPassword, OwnerPassword
	}
	u, err := d.CreateUser(ctx, a, in)
	if err != nil {
		t.Fatal(err)
	}
	return u.User
}
