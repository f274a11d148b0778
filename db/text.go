package db

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Look-alikes (R-SEC-8). What an admin reads on a page must be what the
// data holds: an address with a Cyrillic "а" among Latin letters, or in
// full-width letters, reads like someone else's; a name with a
// right-to-left override shows its end first; a zero-width space makes two
// names that look the same different. The checks here refuse such text on
// every path that takes a name or an address: the forms, the API, the CSV
// import (which goes through CreateUser) and the command line.

// normalEmail is the one form an address is stored, looked up and compared
// in: trimmed, in Unicode NFC (so that "ł" typed as "l" and a combining
// stroke is the same "ł"), with the domain in lower case (domains are
// case-insensitive; the local part keeps the case as typed, compared
// case-insensitively by the schema, R-USER-2). Login, forgot-password,
// create, update, import and the command line all pass addresses through
// it.
func normalEmail(s string) string {
	s = norm.NFC.String(strings.TrimSpace(s))
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		s = s[:at+1] + strings.ToLower(s[at+1:])
	}
	return s
}

// emailLookalike returns what makes a (normalised) address a look-alike or
// hides something in it: invisible, control or private characters;
// characters that compatibility normalisation (NFKC) changes, such as
// full-width letters or ligatures, which imitate plain ones; or letters of
// two scripts (e.g. Latin and Cyrillic) within the local part or within one
// label of the domain, punycode labels decoded first. An address wholly in
// one script (an all-Cyrillic IDN address) passes.
func emailLookalike(email string) (Msg, bool) {
	if m, bad := hiddenOrCompat(email); bad {
		return m, true
	}
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return Msg{}, false // not an address at all: checkEmail says so
	}
	parts := []string{email[:at]}
	for _, label := range strings.Split(email[at+1:], ".") {
		if strings.HasPrefix(label, "xn--") {
			u, err := idna.Punycode.ToUnicode(label)
			if err != nil {
				return M("error.email"), true
			}
			if m, bad := hiddenOrCompat(u); bad {
				return m, true
			}
			label = u
		}
		parts = append(parts, label)
	}
	for _, p := range parts {
		if mixedScripts(p) {
			return M("error.email_mixed_scripts"), true
		}
	}
	return Msg{}, false
}

// hiddenOrCompat finds, in part of an address, invisible, control or
// private characters, and characters NFKC changes.
func hiddenOrCompat(s string) (Msg, bool) {
	if !utf8.ValidString(s) {
		return M("error.email_invisible"), true
	}
	for _, r := range s {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs) {
			return M("error.email_invisible"), true
		}
	}
	if norm.NFKC.String(s) != s {
		return M("error.email_lookalike"), true
	}
	return Msg{}, false
}

// cjk are scripts written together in one word (Japanese mixes kanji and
// kana, Korean hanja and hangul), so they count as one.
var cjk = []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo}

// scriptOf names the script of a letter, "" for characters of no script
// (digits, punctuation, combining marks).
func scriptOf(r rune) string {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return "Latin"
		}
		return ""
	}
	if unicode.In(r, unicode.Common, unicode.Inherited) {
		return ""
	}
	for _, name := range []string{"Latin", "Cyrillic", "Greek"} { // the usual ones first
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	if unicode.In(r, cjk...) {
		return "CJK"
	}
	for name, t := range unicode.Scripts {
		if unicode.Is(t, r) {
			return name
		}
	}
	return ""
}

// mixedScripts reports whether s holds letters of more than one script.
func mixedScripts(s string) bool {
	first := ""
	for _, r := range s {
		switch sc := scriptOf(r); {
		case sc == "":
		case first == "":
			first = sc
		case sc != first:
			return true
		}
	}
	return false
}

// isBidiControl reports whether r changes the direction text is shown in:
// the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069,
// and the marks U+200E, U+200F and U+061C.
func isBidiControl(r rune) bool {
	return 0x202A <= r && r <= 0x202E || 0x2066 <= r && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

// checkText refuses into v, under field, text that would show other than
// it reads: control characters (line breaks and tabs too, unless
// multiline), marks that change the direction of what follows (a name
// "Anna\u202Egnp.exe" shows as "Annaexe.png"), and invisible format
// characters (zero-width spaces and joiners, U+2060, the BOM, soft
// hyphens), which make two names that look the same differ. Every name
// and label of the product goes through it (R-SEC-8). It reports whether
// the text was accepted.
func checkText(v *ValidationError, field, s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		v.Add(field, M("error.control_chars"))
		return false
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case isBidiControl(r):
			v.Add(field, M("error.bidi_chars"))
			return false
		case unicode.In(r, unicode.Cc, unicode.Zl, unicode.Zp):
			v.Add(field, M("error.control_chars"))
			return false
		case unicode.Is(unicode.Cf, r):
			v.Add(field, M("error.invisible_chars"))
			return false
		}
	}
	return true
}
