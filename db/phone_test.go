package db_test

import (
	"context"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-SIP-5 (issue 11): numbers are typed nationally or internationally,
// stored in E.164 and shown grouped in their country's style.
func TestPhoneParseAndFormat(t *testing.T) {
	for typed, want := range map[string]string{"22 123 45 67": "+48221234567", "(22) 123-45-67": "+48221234567",
		"+48 22 123 45 67": "+48221234567", "0048 600 100 200": "+48600100200", "+44 20 7946 0958": "+442079460958"} {
		if got, ok := db.ParsePhone(typed, "PL"); !ok || got != want {
			t.Errorf("ParsePhone(%q) = %q %v, want %q", typed, got, ok, want)
		}
	}
	for _, bad := range []string{"12345", "22 abc", "", "+0221234567"} {
		if _, ok := db.ParsePhone(bad, "PL"); ok {
			t.Errorf("ParsePhone(%q) accepted", bad)
		}
	}
	if got, _ := db.ParsePhone("030 1234567", "DE"); got != "+49301234567" {
		t.Errorf("a German account's national number: %q", got)
	}
	for stored, want := range map[string]string{"+48221234567": "+48 22 123 45 67", "+48600100200": "+48 600 100 200",
		"KADRA": "KADRA", "": ""} {
		if got := db.FormatPhone(stored); got != want {
			t.Errorf("FormatPhone(%q) = %q, want %q", stored, got, want)
		}
	}
}

// Issue 11: an account's country decides how numbers typed without a
// country code are read; an unknown country is refused in words.
func TestAccountPhoneCountry(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := context.Background()
	de := "DE"
	if _, err := d.UpdateAccount(ctx, owner, owner.AccountID, db.AccountPatch{PhoneCountry: &de}); err != nil {
		t.Fatal(err)
	}
	u := dbtest.AddUser(t, d, owner, "hans@example.pl", func(in *db.UserInput) { in.WorkPhone = "030 1234567" })
	if got, _ := d.GetUserDetails(ctx, owner, u.ID); got.WorkPhone != "+49301234567" {
		t.Errorf("a Berlin number in a German account: %q", got.WorkPhone)
	}
	bad := "XX"
	if _, err := d.UpdateAccount(ctx, owner, owner.AccountID, db.AccountPatch{PhoneCountry: &bad}); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("unknown country: %v", err)
	}
}
