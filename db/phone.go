package db

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultPhoneCountry is the region a number typed without its country
// code belongs to, unless the account says otherwise.
const DefaultPhoneCountry = "PL"

// ParsePhone reads a phone number as people type it, nationally ("22 123
// 45 67", "(22) 123-45-67") in the region country, or internationally
// ("+48 22 123 45 67", "0048 …"), and returns it in E.164 (+48221234567).
// ok is false when libphonenumber does not know it as a valid number.
func ParsePhone(s, country string) (string, bool) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "00"); ok {
		s = "+" + rest
	}
	if country == "" {
		country = DefaultPhoneCountry
	}
	n, err := phonenumbers.Parse(s, country)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return s, false
	}
	return phonenumbers.Format(n, phonenumbers.E164), true
}

// FormatPhone shows a number stored in E.164 grouped in its country's
// style ("+48 22 123 45 67"); anything else comes back unchanged.
func FormatPhone(s string) string {
	if !strings.HasPrefix(s, "+") {
		return s
	}
	n, err := phonenumbers.Parse(s, "")
	if err != nil {
		return s
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}
