package db_test

import (
	"context"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-SIP-5: the account keeps its phone numbers in E.164 with a label.
func TestPhoneNumbers(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	t.Run("OK", func(t *testing.T) {
		for in, want := range map[string]string{"+48 22 123-45-67": "+48221234567", "0048 (61) 800 10 20": "+48618001020"} {
			n, err := d.CreatePhoneNumber(ctx, owner, db.NumberInput{Number: in, Label: " Office "})
			if err != nil {
				t.Fatal(err)
			}
			if n.Number != want || n.Label != "Office" {
				t.Errorf("%q stored as %+v", in, n)
			}
		}
		p, err := d.SearchPhoneNumbers(ctx, owner, db.NumberFilter{Q: "6180"})
		if err != nil || p.Total != 1 || p.Items[0].Number != "+48618001020" {
			t.Fatalf("search: %+v, %v", p, err)
		}
	})
	t.Run("ErrInvalidE164", func(t *testing.T) {
		for _, in := range []string{"", "221234567", "+0221234567", "+48 22 abc", "+1234567890123456", "+12345"} {
			_, err := d.CreatePhoneNumber(ctx, owner, db.NumberInput{Number: in})
			if got := fieldOf(err, "number"); got != "number.e164" && !(in == "" && got == "error.required") {
				t.Errorf("%q: %v", in, err)
			}
		}
		_, err := d.CreatePhoneNumber(ctx, owner, db.NumberInput{Number: "+48221234599", Label: strings.Repeat("x", 101)})
		if fieldOf(err, "label") != "error.too_long" {
			t.Errorf("long label: %v", err)
		}
	})
	t.Run("ErrDuplicate", func(t *testing.T) {
		_, err := d.CreatePhoneNumber(ctx, owner, db.NumberInput{Number: "+48221234567"})
		if fieldOf(err, "number") != "number.taken" {
			t.Fatalf("duplicate: %v", err)
		}
	})
	t.Run("Update", func(t *testing.T) {
		n, _ := d.CreatePhoneNumber(ctx, owner, db.NumberInput{Number: "+48500100200"})
		got, err := d.UpdatePhoneNumber(ctx, owner, n.ID, db.NumberInput{Number: "+48 500 100 201", Label: "Sales"})
		if err != nil || got.Number != "+48500100201" || got.Label != "Sales" {
			t.Fatalf("update: %+v, %v", got, err)
		}
		if _, err := d.UpdatePhoneNumber(ctx, owner, n.ID, db.NumberInput{Number: "+48221234567"}); fieldOf(err, "number") != "number.taken" {
			t.Fatalf("update onto another: %v", err)
		}
		if _, err := d.UpdatePhoneNumber(ctx, owner, 999, db.NumberInput{Number: "+48500100209"}); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("update unknown: %v", err)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		staff := staffActor(t, d, owner, "staff@example.pl")
		if _, err := d.CreatePhoneNumber(ctx, staff, db.NumberInput{Number: "+48500100300"}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("staff: %v", err)
		}
	})
}

// R-SIP-5: SMS senders are an E.164 number or a name of at most 11
// characters.
func TestSMSSenders(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	t.Run("OK", func(t *testing.T) {
		for in, want := range map[string]string{"KADRA": "KADRA", "Biuro Sp-1": "Biuro Sp-1", "+48 600 100 200": "+48600100200",
			"ABCDEFGHIJK": "ABCDEFGHIJK"} {
			s, err := d.CreateSMSSender(ctx, owner, db.SenderInput{Sender: in})
			if err != nil {
				t.Fatalf("%q: %v", in, err)
			}
			if s.Sender != want {
				t.Errorf("%q stored as %q", in, s.Sender)
			}
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for in, want := range map[string]string{
			"ABCDEFGHIJKL": "sms.sender.too_long", // 12 characters
			"Zażółć":       "sms.sender.chars",
			"Two  spaces":  "sms.sender.chars",
			"12345":        "sms.sender.number",
			"":             "error.required",
		} {
			_, err := d.CreateSMSSender(ctx, owner, db.SenderInput{Sender: in})
			if got := fieldOf(err, "sender"); got != want {
				t.Errorf("%q: %v, want %s", in, err, want)
			}
		}
	})
	t.Run("ErrDuplicate", func(t *testing.T) {
		if _, err := d.CreateSMSSender(ctx, owner, db.SenderInput{Sender: "kadra"}); fieldOf(err, "sender") != "sms.sender.taken" {
			t.Fatalf("duplicate in another case: %v", err)
		}
	})
	t.Run("Update", func(t *testing.T) {
		s, _ := d.CreateSMSSender(ctx, owner, db.SenderInput{Sender: "Old"})
		got, err := d.UpdateSMSSender(ctx, owner, s.ID, db.SenderInput{Sender: "New", Label: "Marketing"})
		if err != nil || got.Sender != "New" || got.Label != "Marketing" {
			t.Fatalf("update: %+v, %v", got, err)
		}
		p, _ := d.SearchSMSSenders(ctx, owner, db.NumberFilter{Q: "market"})
		if p.Total != 1 {
			t.Fatalf("search by label: %+v", p)
		}
	})
}

// R-SIP-5: each user picks one number and one sender; what a user presents
// cannot be deleted, and the refusal names the user.
func TestUserPresentation(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u := dbtest.AddUser(t, d, owner, "ala@example.pl")
	n, _ := d.CreatePhoneNumber(ctx, owner, db.NumberInput{Number: "+48221234567"})
	s, _ := d.CreateSMSSender(ctx, owner, db.SenderInput{Sender: "KADRA"})
	if err := d.SetUserCallerID(ctx, owner, u.ID, n.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.SetUserSMSSender(ctx, owner, u.ID, s.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.GetPhoneNumber(ctx, owner, n.ID); got.UserCount != 1 {
		t.Fatalf("number user count: %+v", got)
	}
	t.Run("ErrInUse", func(t *testing.T) {
		_, err := d.DeletePhoneNumber(ctx, owner, n.ID)
		e := db.AsError(err)
		if e == nil || e.Code != db.ECONFLICT || e.Msg.ID != "number.in_use" ||
			!strings.Contains(e.Msg.Data["Users"].(string), "ala@example.pl") {
			t.Fatalf("delete presented number: %v", err)
		}
		_, err = d.DeleteSMSSender(ctx, owner, s.ID)
		e = db.AsError(err)
		if e == nil || e.Code != db.ECONFLICT || !strings.Contains(e.Msg.Data["Users"].(string), "ala@example.pl") {
			t.Fatalf("delete presented sender: %v", err)
		}
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		if err := d.SetUserCallerID(ctx, owner, u.ID, 999); fieldOf(err, "call_number_id") != "number.unknown" {
			t.Fatalf("unknown number: %v", err)
		}
		if err := d.SetUserSMSSender(ctx, owner, u.ID, 999); fieldOf(err, "sms_sender_id") != "sms.sender.unknown" {
			t.Fatalf("unknown sender: %v", err)
		}
		if err := d.SetUserCallerID(ctx, owner, 999, n.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("unknown user: %v", err)
		}
	})
	t.Run("ClearThenDelete", func(t *testing.T) {
		if err := d.SetUserCallerID(ctx, owner, u.ID, 0); err != nil {
			t.Fatal(err)
		}
		if err := d.SetUserSMSSender(ctx, owner, u.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := d.DeletePhoneNumber(ctx, owner, n.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.DeleteSMSSender(ctx, owner, s.ID); err != nil {
			t.Fatal(err)
		}
		page, _ := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "user.number"})
		if page.Total != 2 {
			t.Fatalf("audit of caller ID changes: %d", page.Total)
		}
	})
	t.Run("ErrOtherAccount", func(t *testing.T) {
		exec(t, rawDB(t, d), `INSERT INTO accounts (id, parent_id, name, sip_domain, created_at) VALUES (50, ?, 'Branch', 'branch.pl', 0)`, owner.AccountID)
		exec(t, rawDB(t, d), `INSERT INTO phone_numbers (id, account_id, number) VALUES (500, 50, '+48999000111')`)
		if err := d.SetUserCallerID(ctx, owner, u.ID, 500); fieldOf(err, "call_number_id") != "number.unknown" {
			t.Fatalf("another account's number: %v", err)
		}
	})
}
