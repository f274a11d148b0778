package db_test

import (
	"context"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-ACC-1, R-ROLE-6: setup creates the main account, its owner with the
// Administrator role, both built-in roles and the Position group; it refuses
// a second time.
func TestSetup(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		d, owner := dbtest.Setup(t)
		if !owner.IsOwner || owner.AccountID == 0 || owner.AccountID != owner.HomeAccountID {
			t.Fatalf("owner actor = %+v", owner)
		}
		for _, p := range db.AllPermissions() {
			if !owner.Perms[p] {
				t.Errorf("Administrator lacks %s", p)
			}
		}
		need, err := d.NeedsSetup(ctx)
		if err != nil || need {
			t.Fatalf("NeedsSetup = %v, %v", need, err)
		}
		page, err := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "setup"})
		if err != nil || page.Total != 1 {
			t.Fatalf("audit of setup: %+v, %v", page, err)
		}
	})
	t.Run("ErrSetupDone", func(t *testing.T) {
		d, _ := dbtest.Setup(t)
		_, err := d.Setup(ctx, db.SetupInput{AccountName: "Again", Email: "x@example.pl",
			Password: "Abcdef1!x", PasswordConfirm: "Abcdef1!x"}, "")
		if db.ErrorCode(err) != db.ECONFLICT {
			t.Fatalf("second setup: %v", err)
		}
	})
	// R-SEC-1: every bad field gets its own message.
	t.Run("ErrInvalid", func(t *testing.T) {
		d := dbtest.Open(t)
		_, err := d.Setup(ctx, db.SetupInput{AccountName: " ", Email: "not-an-email",
			Password: "weak", PasswordConfirm: "other"}, "")
		e := db.AsError(err)
		if e == nil || e.Code != db.EINVALID {
			t.Fatalf("err = %v", err)
		}
		for _, f := range []string{"account_name", "email", "password", "password_confirm"} {
			if _, ok := e.Fields[f]; !ok {
				t.Errorf("no message for %s in %v", f, e)
			}
		}
		if need, _ := d.NeedsSetup(ctx); !need {
			t.Fatal("a refused setup wrote something")
		}
	})
}
