package db_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-MFA-5: a new password is refused when it is common, contains the
// user's own name or e-mail, or is weaker than the policy's minimum; the
// reason is named.
func TestPasswordGuessable(t *testing.T) {
	p := db.DefaultPasswordPolicy
	personal := []string{"Zofia Wiśniewska", "zosia.k@firma.pl"}
	cases := []struct {
		name, pw string
		want     []string
	}{
		{"ErrCommon", "P@ssw0rd", []string{"common", "weak"}}, // on the list in any case
		{"ErrCommonLower", "qwerty123", []string{"upper", "special", "common", "weak"}},
		{"ErrWeak", "Abcdef1!", []string{"weak"}},                     // meets every class, still guessed
		{"ErrName", "Wiśniewska-77-Lato!", []string{"personal"}},      // strong but the user's surname
		{"ErrEmail", "Zosia-Ogrod#2031", []string{"personal"}},        // the address's local part
		{"ErrNameLowered", "zofia-OGROD#2031x", []string{"personal"}}, // in any case
		{"OKDomainIsNoHint", "Firma-Sosna-Lato-4!", nil},              // the office's domain is shared
		{"OK", "Kadra-Biuro-17!", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, m := range p.Check(tc.pw, personal...) {
				got = append(got, m.ID[strings.LastIndexByte(m.ID, '.')+1:])
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("Check(%q) = %v, want %v", tc.pw, got, tc.want)
			}
		})
	}
	t.Run("StrengthSetting", func(t *testing.T) {
		if len((db.PasswordPolicy{MinLength: 8, MinStrength: 0}).Check("Abcdef1!")) != 0 {
			t.Error("strength 0 still refuses a weak password")
		}
		if len((db.PasswordPolicy{MinLength: 8, MinStrength: 0}).Check("P@ssw0rd")) == 0 {
			t.Error("strength 0 lets a common password through")
		}
		unmet := (db.PasswordPolicy{MinLength: 8, MinStrength: 4}).Check("Secret-pass1")
		if len(unmet) != 1 || unmet[0].ID != "password.reason.weak" || unmet[0].Data["Min"] != 4 {
			t.Errorf("strength 4: %v", unmet)
		}
	})
	t.Run("Meter", func(t *testing.T) {
		if s := p.Strength("Kadra-Biuro-17!"); s.Score != 4 || len(s.Unmet) != 0 {
			t.Errorf("strong: %+v", s)
		}
		if s := p.Strength("P@ssw0rd"); s.Score > 1 || len(s.Unmet) == 0 {
			t.Errorf("common: %+v", s)
		}
		if s := p.Strength("Wiśniewska-77-Lato!", personal...); s.Score != 1 || len(s.Unmet) != 1 {
			t.Errorf("own name shown as strong: %+v", s)
		}
	})
	t.Run("CostBounded", func(t *testing.T) {
		// The longest password allowed, in patterns zxcvbn works hardest on.
		long := strings.Repeat("aB3$", db.MaxPasswordLength/4)
		start := time.Now()
		p.Check(long)
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("a %d-character check took %v", len(long), d)
		}
	})
}

// R-MFA-5 on each path that sets a password: the user form (and so the
// API), the profile, and the operator's typed password; setup and the
// links share checkNewPassword and are tested through the handlers.
func TestNewPasswordPathsRefuseGuessable(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	field := func(err error, f string) string {
		if e := db.AsError(err); e != nil {
			return e.Fields[f].ID
		}
		return ""
	}
	t.Run("ErrUserFormOwnName", func(t *testing.T) {
		in := dbtest.UserInput(t, d, owner, "marek.zielinski@example.pl")
		in.FullName, in.Password, in.PasswordConfirm = "Marek Zieliński", "Zielinski-Lato-2031!", "Zielinski-Lato-2031!"
		if _, err := d.CreateUser(ctx, owner, in); field(err, "password") != "password.reason.personal" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrProfileCommon", func(t *testing.T) {
		err := d.ChangeOwnPassword(ctx, owner, db.PasswordChange{Current: dbtest.OwnerPassword,
			New: "P@ssw0rd", Confirm: "P@ssw0rd"})
		if field(err, "new_password") != "password.reason.common" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrOperatorWeak", func(t *testing.T) {
		if _, err := d.ResetPasswordByOperator(ctx, "owner@example.pl", "Abcdef1!"); field(err, "password") != "password.reason.weak" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrPolicyStrengthRange", func(t *testing.T) {
		err := d.SetPasswordPolicy(ctx, owner, db.PasswordPolicy{MinLength: 8, MinStrength: 5})
		if field(err, "min_strength") != "settings.min_strength.range" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("OKPolicyStrength", func(t *testing.T) {
		if err := d.SetPasswordPolicy(ctx, owner, db.PasswordPolicy{MinLength: 10, MinStrength: 4}); err != nil {
			t.Fatal(err)
		}
		p, err := d.PasswordPolicy(ctx)
		if err != nil || p != (db.PasswordPolicy{MinLength: 10, MinStrength: 4}) {
			t.Fatalf("%+v %v", p, err)
		}
		err = d.ChangeOwnPassword(ctx, owner, db.PasswordChange{Current: dbtest.OwnerPassword,
			New: "Secret-pass1", Confirm: "Secret-pass1"})
		if field(err, "new_password") != "password.reason.weak" {
			t.Fatalf("strength 4 took a strength-3 password: %v", err)
		}
		if err := d.ChangeOwnPassword(ctx, owner, db.PasswordChange{Current: dbtest.OwnerPassword,
			New: "Kadra-Biuro-17!", Confirm: "Kadra-Biuro-17!"}); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkPasswordCheck is the cost of one R-MFA-5 check (BENCHMARKS.md):
// a typical password and the longest allowed.
func BenchmarkPasswordCheck(b *testing.B) {
	p := db.DefaultPasswordPolicy
	for _, pw := range []string{"Kadra-Biuro-17!", strings.Repeat("aB3$", db.MaxPasswordLength/4)} {
		b.Run(strconv.Itoa(len(pw)), func(b *testing.B) {
			for b.Loop() {
				p.Check(pw, "Zofia Wiśniewska", "zosia.k@firma.pl")
			}
		})
	}
}
