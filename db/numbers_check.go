package db

import (
	"strings"
	"unicode/utf8"
)

// normalNumber validates a phone number into v and returns it in E.164: typed
// nationally (in the region country) or internationally.
func normalNumber(v *ValidationError, s, country string) string {
	if strings.TrimSpace(s) == "" {
		v.Add("number", M("error.required"))
		return s
	}
	n, ok := ParsePhone(s, country)
	if !ok {
		v.Add("number", M("ui.phone.invalid"))
		return s
	}
	return n
}

// SMSSenderMaxLength is the longest alphanumeric sender SMS networks carry.
const SMSSenderMaxLength = 11

func isSenderChar(r rune) bool {
	return isASCIILetter(r) || r >= '0' && r <= '9' || strings.ContainsRune(" .-_&", r)
}

// normalSender validates a sender into v: a number (starting with + or
// 00, or only digits and separators) must be E.164; a name has 1 to 11 of
// A-Z a-z 0-9 space . - _ & and at least one letter.
func normalSender(v *ValidationError, s, country string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		v.Add("sender", M("error.required"))
	case strings.IndexFunc(s, isASCIILetter) < 0:
		n, ok := ParsePhone(s, country)
		if !ok {
			v.Add("sender", M("ui.phone.sender_invalid"))
		}
		return n
	case utf8.RuneCountInString(s) > SMSSenderMaxLength:
		v.Add("sender", M("sms.sender.too_long", "Max", SMSSenderMaxLength))
	case strings.IndexFunc(s, func(r rune) bool { return !isSenderChar(r) }) >= 0 || strings.Contains(s, "  "):
		v.Add("sender", M("sms.sender.chars"))
	}
	return s
}

func checkLabel(v *ValidationError, label string) {
	switch {
	case utf8.RuneCountInString(label) > 100:
		v.Add("label", M("error.too_long", "Max", 100))
	default:
		checkText(v, "label", label, false)
	}
}
