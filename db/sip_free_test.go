package db

import (
	"context"
	"path/filepath"
	"testing"
)

// R-USER-9, R-SIP-4: the helper that user deletion calls disables the SIP
// account and frees it in the caller's transaction, with its audit row, so
// that a deleted user's extension stops registering at once.
func TestDisableAndFreeSIP(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "kadra.db"), Options{Hash: TestHashParams})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	owner, err := d.Setup(ctx, SetupInput{AccountName: "Biuro", Email: "owner@example.pl",
		Password: "Lipa-Sosna-4!", PasswordConfirm: "Lipa-Sosna-4!"}, "")
	if err != nil {
		t.Fatal(err)
	}
	a := System()
	a.AccountID, a.UserID = owner.AccountID, owner.ID
	s, err := d.CreateSIPAccountForUser(ctx, a, owner.ID, SIPAccountInput{Extension: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		c, err := t.disableAndFreeSIP(s.ID)
		return one(c), err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.GetSIPAccount(ctx, a, s.ID)
	if err != nil || got.Enabled || got.UserID != 0 {
		t.Fatalf("after free: %+v, %v", got, err)
	}
	if subs, _ := d.SIPSubscribers(ctx, a, ""); len(subs) != 0 {
		t.Fatalf("freed account still registers: %+v", subs)
	}
	if me, _ := d.rq.GetUser(ctx, owner.ID); me.SipAccountID.Valid {
		t.Fatal("user still holds the account")
	}
	page, _ := d.SearchAudit(ctx, a, AuditFilter{Action: "sip.free"})
	if page.Total != 1 {
		t.Fatalf("audit rows: %d", page.Total)
	}
	if err := d.update(ctx, a, func(t *tx) ([]change, error) {
		c, err := t.disableAndFreeSIP(0)
		return one(c), err
	}); err != nil {
		t.Fatalf("zero id: %v", err)
	}
}
