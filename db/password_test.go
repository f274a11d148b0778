package db_test

import (
	"context"
	"strings"
	"testing"

	"kadra/db"
)

// R-USER-4: each unmet condition is named, in the policy's order. The
// strength estimate is off here (R-MFA-5 has its own test).
func TestPasswordPolicy(t *testing.T) {
	p := db.PasswordPolicy{MinLength: 8}
	cases := []struct {
		pw   string
		want []string
	}{
		{"Abcdef1!", nil},
		{"Abcdef1@", nil}, {"Abcdef1*", nil}, {"Abcdef1$", nil}, {"Abcdef1&", nil}, // always accepted
		{"Abcdef1#", nil}, {"Abcdef1-", nil}, {"Abcdef1.", nil}, // other punctuation too
		{"Zażółć1!", nil},
		{"", []string{"length", "lower", "upper", "digit", "special"}},
		{"abcdefgh", []string{"upper", "digit", "special"}},
		{"ABCDEFG1!", []string{"lower"}},
		{"Abc1!", []string{"length"}},
		{"Abcdefgh!", []string{"digit"}},
		{"Abcdefgh1", []string{"special"}},
		{"Abcdefgh 1", []string{"special"}}, // a space is not special
		{strings.Repeat("Aa1!", 65), []string{"max"}},
	}
	for _, tc := range cases {
		var got []string
		for _, m := range p.Check(tc.pw) {
			got = append(got, strings.TrimPrefix(m.ID, "password.rule."))
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("Check(%q) = %v, want %v", tc.pw, got, tc.want)
		}
	}
	if unmet := (db.PasswordPolicy{MinLength: 12}).Check("Abcdef1!xyz"); len(unmet) != 1 || unmet[0].Count != 12 {
		t.Errorf("tightened policy: %v", unmet)
	}
	for i := 0; i < 50; i++ {
		if pw := db.GeneratePassword(); len(db.DefaultPasswordPolicy.Check(pw)) != 0 {
			t.Fatalf("generated %q fails the policy", pw)
		}
	}
}

func TestHasher(t *testing.T) {
	ctx := context.Background()
	h := db.NewHasher(db.TestHashParams)
	enc, err := h.Hash(ctx, "Secret-pass1")
	if err != nil || !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("%q %v", enc, err)
	}
	if ok, rehash, _ := h.Verify(ctx, enc, "Secret-pass1"); !ok || rehash {
		t.Fatal("right password refused")
	}
	if ok, _, _ := h.Verify(ctx, enc, "Secret-pass2"); ok {
		t.Fatal("wrong password accepted")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2id$v=19$m=999999999,t=1,p=1$AAAA$AAAA", "plain"} {
		if ok, _, err := h.Verify(ctx, bad, "x"); ok || err != nil {
			t.Fatalf("malformed %q: %v %v", bad, ok, err)
		}
	}
	// A stronger default asks for a rehash of old hashes.
	if _, rehash, _ := db.NewHasher(db.HashParams{Time: 2, Memory: 64, Threads: 1}).Verify(ctx, enc, "Secret-pass1"); !rehash {
		t.Fatal("no rehash for older parameters")
	}
}

// A database written by a newer kadra is refused with a clear message.
func TestNewerSchemaRefused(t *testing.T) {
	e := db.ErrNewerSchema{File: 9, Binary: 1}
	if !strings.Contains(e.Error(), "schema version 9") || !strings.Contains(e.Error(), "only up to 1") {
		t.Fatal(e.Error())
	}
}
