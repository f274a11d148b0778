package db

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

// R-MFA-5: the common-password list, held as one pointer-free text
// (issue 15, memory), still finds every word on it, in any case, and
// nothing that is not on it: not a word's prefix, not a word with a letter
// added, nothing before the first or after the last.
func TestGuessCommonListFindsEveryWord(t *testing.T) {
	r, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(words) < 10000 {
		t.Fatalf("only %d words", len(words))
	}
	on := make(map[string]bool, len(words))
	for _, w := range words {
		on[w] = true
	}
	for _, w := range words {
		if !isCommonPassword(w) || !isCommonPassword(strings.ToUpper(w)) {
			t.Fatalf("%q is on the list, not found", w)
		}
		for _, near := range []string{w + "\x00", w + "~", w[:len(w)-1]} {
			if isCommonPassword(near) != on[near] {
				t.Fatalf("%q: found %v, on the list %v", near, !on[near], on[near])
			}
		}
	}
	for _, w := range []string{"", "\x00", "\U0010ffff", "Kadra-Biuro-17!"} {
		if isCommonPassword(w) {
			t.Errorf("%q found, not on the list", w)
		}
	}
	if n := len(commonPasswords().start); n != len(words) {
		t.Errorf("%d words held, %d on the list", n, len(words))
	}
}

// A check of a password against the list costs no allocation.
func TestGuessCommonListAllocates(t *testing.T) {
	commonPasswords()
	if n := testing.AllocsPerRun(100, func() { isCommonPassword("zorza-lipa-93!") }); n > 0 {
		t.Errorf("%v allocations per check", n)
	}
}

func BenchmarkGuessCommonList(b *testing.B) {
	commonPasswords()
	for b.Loop() {
		isCommonPassword("zorza-lipa-93!")
	}
}
