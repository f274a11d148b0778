package db_test

import (
	"context"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-USER-1, R-USER-2, R-USER-5, R-USER-11: creating a user, and each
// refusal as a per-field message with nothing written.
func TestCreateUser(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	staff, _ := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	pos, _ := d.DefaultPositionID(ctx, owner)

	t.Run("OK", func(t *testing.T) {
		u := dbtest.AddUser(t, d, owner, "anna@example.pl")
		if u.Status != db.StatusActive || u.RoleID != staff || u.PositionID != pos || u.AccountID != owner.AccountID {
			t.Fatalf("user = %+v", u)
		}
		dbtest.Login(t, d, "anna@example.pl", dbtest.OwnerPassword)
	})
	t.Run("Invited", func(t *testing.T) {
		u, err := d.CreateUser(ctx, owner, db.UserInput{Email: "inv@example.pl", FullName: "Inv",
			RoleID: staff, PositionID: pos, SendInvite: true, NewExtension: "1500"})
		if err != nil || u.Status != db.StatusInvited {
			t.Fatalf("%+v %v", u, err)
		}
		if _, err := d.Login(ctx, db.LoginInput{Email: "inv@example.pl", Password: ""}); db.ErrorCode(err) != db.EUNAUTHORIZED {
			t.Fatalf("invited user signed in: %v", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		cases := map[string]db.UserInput{
			"email":            {Email: "ANNA@example.pl", FullName: "Dup", RoleID: staff, PositionID: pos}, // R-USER-2
			"password":         {Email: "w@example.pl", FullName: "W", Password: "weak", PasswordConfirm: "weak", RoleID: staff, PositionID: pos},
			"password_confirm": {Email: "m@example.pl", FullName: "M", Password: "Abcdef1!x", PasswordConfirm: "Abcdef1!y", RoleID: staff, PositionID: pos},
			"position_id":      {Email: "p@example.pl", FullName: "P", RoleID: staff}, // R-USER-5
			"role_id":          {Email: "r@example.pl", FullName: "R", RoleID: 9999, PositionID: pos},
			"full_name":        {Email: "n@example.pl", RoleID: staff, PositionID: pos},
		}
		for field, in := range cases {
			_, err := d.CreateUser(ctx, owner, in)
			e := db.AsError(err)
			if e == nil || e.Code != db.EINVALID || e.Fields[field].ID == "" {
				t.Errorf("%s: err = %v", field, err)
			}
		}
	})
	// R-USER-15: only holders of users.manage (and the owner) manage users;
	// a role without it is refused by the server.
	t.Run("ErrForbidden", func(t *testing.T) {
		dbtest.AddUser(t, d, owner, "staff@example.pl")
		staffActor := dbtest.Login(t, d, "staff@example.pl", dbtest.OwnerPassword)
		_, err := d.CreateUser(ctx, staffActor, db.UserInput{Email: "x@example.pl", FullName: "X", RoleID: staff, PositionID: pos})
		if db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("staff created a user: %v", err)
		}
	})
}
