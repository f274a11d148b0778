package db

import (
	"slices"
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

// phoneCountry is the region of numbers typed without their country code
// in an account, read through t.
func (t *tx) phoneCountry(accountID int64) (string, error) {
	c, err := t.AccountPhoneCountry(t.ctx, accountID)
	if err != nil {
		return "", err
	}
	return c, nil
}

// phoneE164 stores a phone number typed in the account's national form or
// internationally as E.164; what libphonenumber does not know as a number
// stays as typed, for checkPhone to judge.
func (t *tx) phoneE164(accountID int64, s string) (string, error) {
	if s == "" {
		return s, nil
	}
	country, err := t.phoneCountry(accountID)
	if err != nil {
		return s, err
	}
	if n, ok := ParsePhone(s, country); ok {
		return n, nil
	}
	return s, nil
}

// PhoneCountries are the regions an account's numbers may be read in, as
// libphonenumber knows them, sorted, with their calling codes.
func PhoneCountries() []PhoneCountry {
	regions := phonenumbers.GetSupportedRegions()
	out := make([]PhoneCountry, 0, len(regions))
	for r := range regions {
		out = append(out, PhoneCountry{Code: r, CallingCode: phonenumbers.GetCountryCodeForRegion(r)})
	}
	slices.SortFunc(out, func(a, b PhoneCountry) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// PhoneCountry is a region and its calling code ("PL", 48).
type PhoneCountry struct {
	Code        string
	CallingCode int
}

// PhoneCountryKnown says whether libphonenumber reads numbers of region.
func PhoneCountryKnown(region string) bool {
	_, ok := phonenumbers.GetSupportedRegions()[region]
	return ok
}
