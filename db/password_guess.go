package db

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// commonPasswordsGz is the list of the most common passwords (R-MFA-5),
// lower-cased, sorted, one a line; where it comes from and its licence are
// in common_passwords.LICENSE.
//
//go:embed common_passwords.txt.gz
var commonPasswordsGz []byte

// commonPasswords unpacks the list on first use, so that start-up and the
// commands that never check a password do not pay for it. The list never
// changes, so sharing it is no package state to speak of.
var commonPasswords = sync.OnceValue(func() sortedWords {
	r, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		panic(err) // embedded at build time: a broken file is a broken build
	}
	b, err := io.ReadAll(r)
	if err != nil {
		panic(err)
	}
	return newSortedWords(b)
})

// sortedWords is a sorted list of words held as one text, the words one a
// line, and where each starts: two pointer-free blocks instead of one
// string header per word. The garbage collector need not look inside
// either, where a []string of the 49,000 words gave it 49,000 pointers to
// follow on every cycle (issue 15, memory).
type sortedWords struct {
	text  []byte
	start []uint32 // start[i] is where word i begins; it ends before the next newline
}

func newSortedWords(text []byte) sortedWords {
	w := sortedWords{text: text, start: make([]uint32, 0, bytes.Count(text, []byte{'\n'})+1)}
	for i := 0; i < len(text); {
		w.start = append(w.start, uint32(i))
		n := bytes.IndexByte(text[i:], '\n')
		if n < 0 {
			break
		}
		i += n + 1
	}
	return w
}

func (w sortedWords) word(i int) []byte {
	b := w.text[w.start[i]:]
	if n := bytes.IndexByte(b, '\n'); n >= 0 {
		b = b[:n]
	}
	return b
}

func (w sortedWords) contains(s string) bool {
	i := sort.Search(len(w.start), func(i int) bool { return string(w.word(i)) >= s })
	return i < len(w.start) && string(w.word(i)) == s
}

// MaxStrength is the top of zxcvbn's 0–4 scale.
const MaxStrength = 4

// strengthRunes bounds the part of a password that zxcvbn looks at, so that
// the cost of a check stays small however long the password; a password
// whose first 32 characters are hard to guess is hard to guess (64 cost up
// to 18 ms in repeated patterns, 32 about 5 ms; see BENCHMARKS.md).
const strengthRunes = 32

// isCommonPassword reports whether password, in any case, is on the list.
func isCommonPassword(password string) bool {
	return commonPasswords().contains(strings.ToLower(password))
}

// personalWords are the parts of a user's name and e-mail address that a
// password should not contain: words of three or more letters of the name
// and of the address before the @ (the domain is the office's, shared by
// everyone and no hint to a particular user's password).
func personalWords(personal []string) []string {
	var out []string
	for _, s := range personal {
		if at := strings.LastIndexByte(s, '@'); at >= 0 {
			s = s[:at]
		}
		words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		for _, w := range words {
			if utf8.RuneCountInString(w) >= 3 {
				out = append(out, w)
			}
		}
	}
	return out
}

// guessability returns the reasons a password is easy to guess (R-MFA-5):
// on the common list, containing the user's own name or e-mail, or below
// the policy's minimum strength by zxcvbn's estimate, which also counts
// the personal words as known. The score is zxcvbn's, 0–4.
func (p PasswordPolicy) guessability(password string, personal []string) (reasons []Msg, score int) {
	if password == "" {
		return nil, 0
	}
	if isCommonPassword(password) {
		reasons = append(reasons, M("password.reason.common"))
	}
	words := personalWords(personal)
	lower := strings.ToLower(password)
	for _, w := range words {
		if strings.Contains(lower, w) {
			reasons = append(reasons, M("password.reason.personal"))
			break
		}
	}
	head := password
	if utf8.RuneCountInString(head) > strengthRunes {
		head = string([]rune(head)[:strengthRunes])
	}
	score = zxcvbn.PasswordStrength(head, append(words, personal...)).Score
	if score < p.MinStrength {
		reasons = append(reasons, M("password.reason.weak", "Score", score, "Min", p.MinStrength))
	}
	return reasons, score
}

// splitUnmet parts Check's messages into the unmet conditions of R-USER-4
// and the reasons of R-MFA-5 (password.reason.*).
func splitUnmet(unmet []Msg) (rules, reasons []Msg) {
	for _, m := range unmet {
		if strings.HasPrefix(m.ID, "password.reason.") {
			reasons = append(reasons, m)
		} else {
			rules = append(rules, m)
		}
	}
	return rules, reasons
}

// Strength is what the meter shows for a password being typed: zxcvbn's
// score and, by the same rules as Check, the sentences a refusal would
// say: the unmet conditions as one, then each reason it is guessable.
type Strength struct {
	Score int
	Unmet []Msg
}

// Strength rates password for the meter on the password forms.
func (p PasswordPolicy) Strength(password string, personal ...string) Strength {
	unmet, score := p.check(password, personal)
	rules, reasons := splitUnmet(unmet)
	s := Strength{Score: score}
	for _, r := range reasons {
		if r.ID != "password.reason.weak" {
			// A common password or one's own name is the first thing an
			// attacker tries, however zxcvbn rates the rest: the meter
			// must not show it as strong while the form refuses it.
			s.Score = min(s.Score, 1)
		}
	}
	if len(rules) > 0 {
		s.Unmet = append(s.Unmet, M("password.unmet", "List", rules))
	}
	s.Unmet = append(s.Unmet, reasons...)
	return s
}
