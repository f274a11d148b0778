package db_test

import (
	"testing"

	"kadra/db"
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
