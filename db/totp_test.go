package db_test

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"kadra/db"
	"kadra/db/dbtest"
)

// mfaSetup makes a staff user with a password and signs them in, on a
// database with a fixed clock.
func mfaSetup(t *testing.T) (*db.DB, *dbtest.Clock, db.Actor, db.User) {
	t.Helper()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	u := dbtest.NewUser(t, d, owner, db.UserInput{Email: "anna@example.pl"})
	return d, clock, owner, u
}

// enrol turns TOTP on for a and returns the key (as an app reads it) and
// the recovery codes.
func enrol(t *testing.T, d *db.DB, clock *dbtest.Clock, a db.Actor) (string, []string) {
	t.Helper()
	ctx := context.Background()
	en, err := d.BeginTOTP(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(en.QRCode, "data:image/png;base64,") {
		t.Fatalf("QR code %.40q is no PNG data URL", en.QRCode)
	}
	key := strings.ReplaceAll(en.Key, " ", "")
	codes, err := d.ConfirmTOTP(ctx, a, codeAt(t, key, clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	// The first code's step is used: the sign-in tests start a step later.
	clock.Advance(30 * time.Second)
	return key, codes
}

func codeAt(t *testing.T, key string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(key, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func password(d *db.DB, email string) (db.LoginResult, error) {
	return d.Login(context.Background(), db.LoginInput{Email: email, Password: dbtest.OwnerPassword, IP: "192.0.2.7"})
}

// secondStep signs in with the password and then the code, a second later
// (as a person types it), which the back-off after a few failures needs.
func secondStep(t *testing.T, d *db.DB, clock *dbtest.Clock, email, code string) (string, error) {
	t.Helper()
	res, err := password(d, email)
	if err != nil {
		t.Fatal(err)
	}
	if res.Session != "" || res.Challenge == "" {
		t.Fatalf("password alone gave %+v; want the second step and no session", res)
	}
	clock.Advance(time.Second)
	return d.LoginSecondStep(context.Background(), db.SecondStepInput{Challenge: res.Challenge, Code: code, IP: "192.0.2.7"})
}

// R-MFA-1: enrolment is confirmed by a first code; the sign-in then asks
// for a code in a second step, within one step either side, never twice
// the same step.
func TestTOTPWindowAndReplay(t *testing.T) {
	d, clock, _, u := mfaSetup(t)
	ctx := context.Background()
	a := dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)

	if _, err := d.BeginTOTP(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ConfirmTOTP(ctx, a, "000000"); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("wrong first code: %v, want EINVALID", err)
	}
	if on, _ := d.HasSecondFactor(ctx, u.ID); on {
		t.Fatal("a refused first code turned TOTP on")
	}
	key, codes := enrol(t, d, clock, a)
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes, want 10", len(codes))
	}
	if on, _ := d.HasSecondFactor(ctx, u.ID); !on {
		t.Fatal("HasSecondFactor after enrolment is false")
	}

	// Mid-step, so that the back-off's seconds below stay in it, and two
	// steps after the enrolment's code, so that the step before now is unused.
	clock.Advance(45 * time.Second)
	now := clock.Now()
	t.Run("RefusedOutsideWindow", func(t *testing.T) {
		res, err := password(d, u.Email)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{now.Add(-60 * time.Second), now.Add(60 * time.Second)} {
			_, err := d.LoginSecondStep(ctx, db.SecondStepInput{Challenge: res.Challenge, Code: codeAt(t, key, at)})
			if db.ErrorCode(err) != db.EUNAUTHORIZED {
				t.Fatalf("a code two steps from now: %v, want EUNAUTHORIZED", err)
			}
		}
		clock.Advance(2 * time.Second) // past the back-off of three failures
		// The state outlives wrong codes: the step before now is in the window.
		sid, err := d.LoginSecondStep(ctx, db.SecondStepInput{Challenge: res.Challenge, Code: codeAt(t, key, now.Add(-30*time.Second))})
		if err != nil {
			t.Fatalf("one step back: %v", err)
		}
		if _, err := d.SessionActor(ctx, sid, "192.0.2.7"); err != nil {
			t.Fatalf("the session of the second step: %v", err)
		}
	})
	t.Run("CurrentOK", func(t *testing.T) {
		if _, err := secondStep(t, d, clock, u.Email, codeAt(t, key, now)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrReplay", func(t *testing.T) {
		if _, err := secondStep(t, d, clock, u.Email, codeAt(t, key, now)); db.ErrorCode(err) != db.EUNAUTHORIZED {
			t.Fatalf("the same code again: %v, want EUNAUTHORIZED", err)
		}
	})
	t.Run("OneStepAheadOK", func(t *testing.T) {
		clock.Advance(2 * time.Second) // past the back-off
		if _, err := secondStep(t, d, clock, u.Email, codeAt(t, key, now.Add(30*time.Second))); err != nil {
			t.Fatal(err)
		}
	})
}

// R-MFA-1: a recovery code signs in once; new codes void the old ones.
func TestRecoveryCodes(t *testing.T) {
	d, clock, _, u := mfaSetup(t)
	ctx := context.Background()
	a := dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)
	_, codes := enrol(t, d, clock, a)

	t.Run("OKOnce", func(t *testing.T) {
		typed := strings.ToUpper(strings.ReplaceAll(codes[0], "-", " ")) // as a person might type it
		if _, err := secondStep(t, d, clock, u.Email, typed); err != nil {
			t.Fatal(err)
		}
		if _, err := secondStep(t, d, clock, u.Email, codes[0]); db.ErrorCode(err) != db.EUNAUTHORIZED {
			t.Fatalf("a used recovery code: %v, want EUNAUTHORIZED", err)
		}
		clock.Advance(20 * time.Second) // past the back-off
	})
	t.Run("RegenerateNeedsPassword", func(t *testing.T) {
		if _, err := d.RegenerateRecoveryCodes(ctx, a, "wrong"); db.ErrorCode(err) != db.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
	})
	t.Run("RegenerateVoidsOld", func(t *testing.T) {
		fresh, err := d.RegenerateRecoveryCodes(ctx, a, dbtest.OwnerPassword)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := secondStep(t, d, clock, u.Email, fresh[9]); err != nil {
			t.Fatalf("a new code: %v", err)
		}
		if _, err := secondStep(t, d, clock, u.Email, codes[1]); db.ErrorCode(err) != db.EUNAUTHORIZED {
			t.Fatalf("an old code after regenerating: %v, want EUNAUTHORIZED", err)
		}
	})
	st, err := d.MySecondFactor(ctx, a)
	if err != nil || st.RecoveryLeft != 9 {
		t.Fatalf("recovery codes left %d (%v), want 9", st.RecoveryLeft, err)
	}
}

// R-MFA-1: the second step's state is single-use and expires; R-SEC-3:
// wrong codes count toward the sign-in throttle.
func TestSecondStepState(t *testing.T) {
	d, clock, _, u := mfaSetup(t)
	ctx := context.Background()
	a := dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)
	key, _ := enrol(t, d, clock, a)

	t.Run("ErrExpired", func(t *testing.T) {
		res, err := password(d, u.Email)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(6 * time.Minute)
		_, err = d.LoginSecondStep(ctx, db.SecondStepInput{Challenge: res.Challenge, Code: codeAt(t, key, clock.Now())})
		if db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("after six minutes: %v, want ENOTFOUND", err)
		}
	})
	t.Run("ErrUsedTwice", func(t *testing.T) {
		clock.Advance(30 * time.Second)
		res, err := password(d, u.Email)
		if err != nil {
			t.Fatal(err)
		}
		in := db.SecondStepInput{Challenge: res.Challenge, Code: codeAt(t, key, clock.Now())}
		if _, err := d.LoginSecondStep(ctx, in); err != nil {
			t.Fatal(err)
		}
		clock.Advance(30 * time.Second)
		in.Code = codeAt(t, key, clock.Now())
		if _, err := d.LoginSecondStep(ctx, in); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("the state used again: %v, want ENOTFOUND", err)
		}
	})
	t.Run("WrongCodesThrottled", func(t *testing.T) {
		clock.Advance(20 * time.Minute) // a fresh window
		res, err := password(d, u.Email)
		if err != nil {
			t.Fatal(err)
		}
		var last error
		for range 5 {
			_, last = d.LoginSecondStep(ctx, db.SecondStepInput{Challenge: res.Challenge, Code: "123456", IP: "192.0.2.7"})
		}
		if db.ErrorCode(last) != db.ETOOMANY {
			t.Fatalf("the fifth wrong code at once: %v, want ETOOMANY", last)
		}
	})
}

// R-MFA-1, R-SEC-5, R-SEC-7: the TOTP key is stored encrypted, recovery
// codes only hashed, neither in the audit log; the server secret is 0600.
func TestSecondFactorSecretsStored(t *testing.T) {
	d, clock, _, u := mfaSetup(t)
	a := dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)
	key, codes := enrol(t, d, clock, a)
	if _, err := secondStep(t, d, clock, u.Email, codes[0]); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(d.SecretPath())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("server secret mode %v, want 0600", st.Mode().Perm())
	}
	raw, err := sql.Open("sqlite", d.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var stored string
	if err := raw.QueryRow(`SELECT totp_secret FROM users WHERE id = ?`, u.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == "" || strings.Contains(stored, key) {
		t.Fatalf("totp_secret %q: want the key encrypted", stored)
	}
	var dump string
	if err := raw.QueryRow(`SELECT group_concat(code_hash, ' ') FROM recovery_codes`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	var audit string
	if err := raw.QueryRow(`SELECT group_concat(coalesce(before_json, '') || coalesce(after_json, '') || target_label, ' ') FROM audit_log`).Scan(&audit); err != nil {
		t.Fatal(err)
	}
	for _, c := range append([]string{key}, codes...) {
		if strings.Contains(dump, c) || strings.Contains(audit, c) {
			t.Fatalf("secret %q stored in the clear", c)
		}
	}
}

// R-MFA-3: a user of a role that requires a second factor, without one, is
// marked to enrol on every request until they do; the owner's switch covers
// the owner and Administrators.
func TestRequiredSecondFactor(t *testing.T) {
	d, clock, owner, u := mfaSetup(t)
	ctx := context.Background()
	staff, err := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	if err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := d.UpdateRole(ctx, owner, staff, db.RolePatch{RequireMFA: &on}); err != nil {
		t.Fatal(err)
	}
	a := dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)
	if !a.MustEnrol {
		t.Fatal("a user of a role requiring a second factor is not sent to enrol")
	}
	if owner = dbtest.Login(t, d, "owner@example.pl", dbtest.OwnerPassword); owner.MustEnrol {
		t.Fatal("the owner must enrol before the switch")
	}
	key, _ := enrol(t, d, clock, a)
	sid, err := secondStep(t, d, clock, u.Email, codeAt(t, key, clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if a, err = d.SessionActor(ctx, sid, "192.0.2.7"); err != nil || a.MustEnrol {
		t.Fatalf("after enrolment: MustEnrol %v (%v), want false", a.MustEnrol, err)
	}

	if err := d.SetRequireMFAForAdmins(ctx, a, true); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("a staff member's switch: %v, want EFORBIDDEN", err)
	}
	if err := d.SetRequireMFAForAdmins(ctx, owner, true); err != nil {
		t.Fatal(err)
	}
	if owner = dbtest.Login(t, d, "owner@example.pl", dbtest.OwnerPassword); !owner.MustEnrol {
		t.Fatal("the owner is not sent to enrol after the switch")
	}
}

// R-SEC-9: while an admin acts as the user, no second factor is set up,
// changed or removed for them.
func TestSecondFactorRefusedWhileImpersonated(t *testing.T) {
	d, _, owner, u := mfaSetup(t)
	ctx := context.Background()
	sid, err := d.Impersonate(ctx, owner, u.ID, db.ImpersonationInput{Reason: "checking what the user sees"})
	if err != nil {
		t.Fatal(err)
	}
	as, err := d.SessionActor(ctx, sid, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.BeginTOTP(ctx, as); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("BeginTOTP while impersonated: %v, want EFORBIDDEN", err)
	}
	if _, err := d.ConfirmTOTP(ctx, as, "123456"); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("ConfirmTOTP while impersonated: %v, want EFORBIDDEN", err)
	}
	if err := d.DisableTOTP(ctx, as, dbtest.OwnerPassword); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("DisableTOTP while impersonated: %v, want EFORBIDDEN", err)
	}
}

// Issue 13 item 7: `kadra user reset-2fa` removes a user's second factor and
// ends their sessions; the password alone signs in again.
func TestResetSecondFactorByOperator(t *testing.T) {
	d, clock, _, u := mfaSetup(t)
	ctx := context.Background()
	res, err := password(d, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.SessionActor(ctx, res.Session, "")
	if err != nil {
		t.Fatal(err)
	}
	enrol(t, d, clock, a)
	if err := d.ResetSecondFactorByOperator(ctx, "ANNA@example.pl"); err != nil {
		t.Fatal(err)
	}
	if on, _ := d.HasSecondFactor(ctx, u.ID); on {
		t.Fatal("the second factor survived the reset")
	}
	if _, err := d.SessionActor(ctx, res.Session, ""); db.ErrorCode(err) != db.EUNAUTHORIZED {
		t.Fatal("a session survived the reset")
	}
	if res, err := password(d, u.Email); err != nil || res.Session == "" {
		t.Fatalf("password after the reset: %+v, %v; want a session", res, err)
	}
	if err := d.ResetSecondFactorByOperator(ctx, "nobody@example.pl"); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("unknown address: %v, want ENOTFOUND", err)
	}
}
