package db_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/descope/virtualwebauthn"

	"kadra/db"
	"kadra/db/dbtest"
)

// softKey is a passkey held by a software authenticator (descope's
// virtualwebauthn): it answers the server's real WebAuthn options with
// real signatures, so the tests run the whole ceremony without a browser.
type softKey struct {
	rp   virtualwebauthn.RelyingParty
	auth virtualwebauthn.Authenticator
	cred virtualwebauthn.Credential
}

const passkeyBase = "http://localhost:8080"

func openPasskeys(t *testing.T) (*db.DB, db.Actor) {
	t.Helper()
	return dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{BaseURL: passkeyBase}))
}

// addPasskey registers a new software passkey for a under name.
func addPasskey(t *testing.T, d *db.DB, a db.Actor, name string) *softKey {
	t.Helper()
	ctx := context.Background()
	cer, err := d.BeginPasskey(ctx, a, name)
	if err != nil {
		t.Fatalf("BeginPasskey: %v", err)
	}
	opts, err := virtualwebauthn.ParseAttestationOptions(string(cer.Options))
	if err != nil {
		t.Fatalf("options %s: %v", cer.Options, err)
	}
	handle := []byte(opts.UserID) // the parser decoded it already
	k := &softKey{rp: virtualwebauthn.RelyingParty{ID: "localhost", Name: "kadra", Origin: passkeyBase},
		auth: virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: handle}),
		cred: virtualwebauthn.NewCredential(virtualwebauthn.KeyTypeEC2)}
	resp := virtualwebauthn.CreateAttestationResponse(k.rp, k.auth, k.cred, *opts)
	if _, err := d.FinishPasskey(ctx, a, db.PasskeyInput{Ceremony: cer.ID, Name: name, Response: json.RawMessage(resp)}); err != nil {
		t.Fatalf("FinishPasskey: %v", err)
	}
	k.auth.AddCredential(k.cred)
	return k
}

// signIn runs a passkey sign-in with k and returns the session or error.
func (k *softKey) signIn(t *testing.T, d *db.DB) (string, error) {
	t.Helper()
	ctx := context.Background()
	cer, err := d.BeginPasskeyLogin(ctx, "192.0.2.1", "")
	if err != nil {
		t.Fatalf("BeginPasskeyLogin: %v", err)
	}
	opts, err := virtualwebauthn.ParseAssertionOptions(string(cer.Options))
	if err != nil {
		t.Fatal(err)
	}
	resp := virtualwebauthn.CreateAssertionResponse(k.rp, k.auth, k.cred, *opts)
	k.cred.Counter++ // a real authenticator counts its uses
	return d.LoginPasskey(ctx, db.PasskeyInput{Ceremony: cer.ID, Response: json.RawMessage(resp), IP: "192.0.2.1"})
}

// R-MFA-2: a user registers a named passkey and signs in with it alone, no
// password and no code; the passkey counts as a second factor, is listed
// with its last use, and once removed (with the password) signs in no more.
func TestPasskeyRegisterSignInRemove(t *testing.T) {
	d, owner := openPasskeys(t)
	ctx := context.Background()
	u := dbtest.AddUser(t, d, owner, "anna@example.pl")
	a := dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)
	k := addPasskey(t, d, a, "Laptop służbowy")

	if on, _ := d.HasSecondFactor(ctx, u.ID); !on {
		t.Fatal("a passkey is no second factor")
	}
	sid, err := k.signIn(t, d)
	if err != nil {
		t.Fatalf("passkey sign-in: %v", err)
	}
	s, err := d.SessionActor(ctx, sid, "192.0.2.1")
	if err != nil || s.UserID != u.ID {
		t.Fatalf("session %+v %v, want user %d", s, err, u.ID)
	}
	keys, err := d.MyPasskeys(ctx, a)
	if err != nil || len(keys) != 1 || keys[0].Name != "Laptop służbowy" || keys[0].LastUsedAt == nil {
		t.Fatalf("passkeys %+v %v", keys, err)
	}
	// A second sign-in works too (the counter moves on).
	if _, err := k.signIn(t, d); err != nil {
		t.Fatalf("second passkey sign-in: %v", err)
	}

	// With a passkey, the password alone no longer opens a session.
	res, err := d.Login(ctx, db.LoginInput{Email: u.Email, Password: dbtest.OwnerPassword, IP: "192.0.2.9"})
	if err != nil || res.Session != "" || res.Challenge == "" {
		t.Fatalf("password sign-in with a passkey: %+v %v, want a second step", res, err)
	}
	step, ok := d.SecondStepOf(ctx, res.Challenge)
	if !ok || !step.Passkeys || step.TOTP {
		t.Fatalf("second step %+v %v, want a passkey", step, ok)
	}

	if err := d.RemovePasskey(ctx, a, keys[0].ID, "wrong"); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("remove without the password: %v", err)
	}
	if err := d.RemovePasskey(ctx, a, keys[0].ID, dbtest.OwnerPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := k.signIn(t, d); db.ErrorCode(err) != db.EUNAUTHORIZED {
		t.Fatalf("sign-in with a removed passkey: %v, want EUNAUTHORIZED", err)
	}
	if on, _ := d.HasSecondFactor(ctx, u.ID); on {
		t.Fatal("second factor still on with no passkey")
	}
	for _, act := range []string{"user.passkey_add", "user.passkey_remove"} {
		if n := auditActions(t, d, owner, act); n != 1 {
			t.Errorf("%s audited %d times", act, n)
		}
	}
}

// R-MFA-2: the ceremony's state is single-use and bound to its kind and
// user; a passkey answer for another origin, a blocked user's passkey and a
// replayed answer are refused; names are checked.
func TestPasskeyRefusals(t *testing.T) {
	d, owner := openPasskeys(t)
	ctx := context.Background()
	u := dbtest.AddUser(t, d, owner, "jan@example.pl")
	a := dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)
	k := addPasskey(t, d, a, "Telefon")

	// Names: required, unique per user, no invisible characters (R-SEC-8).
	for _, bad := range []string{"", "Telefon", "Tele\u200bfon"} {
		if _, err := d.BeginPasskey(ctx, a, bad); db.ErrorCode(err) != db.EINVALID && db.ErrorCode(err) != db.ECONFLICT {
			t.Errorf("name %q: %v", bad, err)
		}
	}

	// Another origin: a phishing page's answer does not verify.
	cer, _ := d.BeginPasskeyLogin(ctx, "192.0.2.1", "")
	opts, _ := virtualwebauthn.ParseAssertionOptions(string(cer.Options))
	evil := k.rp
	evil.Origin = "http://localhost.evil.example"
	resp := virtualwebauthn.CreateAssertionResponse(evil, k.auth, k.cred, *opts)
	if _, err := d.LoginPasskey(ctx, db.PasskeyInput{Ceremony: cer.ID, Response: json.RawMessage(resp), IP: "192.0.2.1"}); db.ErrorCode(err) != db.EUNAUTHORIZED {
		t.Fatalf("answer from another origin: %v", err)
	}
	// The ceremony is spent even so: the right answer to it comes too late.
	resp = virtualwebauthn.CreateAssertionResponse(k.rp, k.auth, k.cred, *opts)
	if _, err := d.LoginPasskey(ctx, db.PasskeyInput{Ceremony: cer.ID, Response: json.RawMessage(resp), IP: "192.0.2.1"}); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("a spent ceremony: %v, want ENOTFOUND", err)
	}
	// A sign-in ceremony cannot finish a registration, nor the reverse.
	cer, _ = d.BeginPasskeyLogin(ctx, "192.0.2.1", "")
	if _, err := d.FinishPasskey(ctx, a, db.PasskeyInput{Ceremony: cer.ID, Name: "Inny", Response: json.RawMessage(resp)}); err == nil {
		t.Fatal("a sign-in ceremony finished a registration")
	}

	// A blocked user's passkey opens nothing.
	if _, err := d.BlockUser(ctx, owner, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := k.signIn(t, d); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("blocked user's passkey: %v, want EFORBIDDEN", err)
	}

	// Garbage is refused, not a 500.
	cer, _ = d.BeginPasskeyLogin(ctx, "192.0.2.1", "")
	if _, err := d.LoginPasskey(ctx, db.PasskeyInput{Ceremony: cer.ID, Response: json.RawMessage(`{"id":1}`), IP: "192.0.2.1"}); db.ErrorCode(err) != db.EUNAUTHORIZED {
		t.Fatalf("garbage answer: %v", err)
	}
}

// R-MFA-2: anyone may start a sign-in ceremony, so one client's waiting
// ceremonies are bounded; a browser that starts a new one drops its old.
func TestPasskeyLoginCeremoniesBounded(t *testing.T) {
	d, _ := openPasskeys(t)
	ctx := context.Background()
	prev := ""
	for range 150 { // one browser reloading the sign-in page: its cookie names the last one
		cer, err := d.BeginPasskeyLogin(ctx, "192.0.2.50", prev)
		if err != nil {
			t.Fatalf("a browser reloading is refused: %v", err)
		}
		prev = cer.ID
	}
	var err error
	for range 150 { // a client throwing its cookie away
		if _, err = d.BeginPasskeyLogin(ctx, "192.0.2.51", ""); err != nil {
			break
		}
	}
	if db.ErrorCode(err) != db.ETOOMANY {
		t.Fatalf("a flood from one address: %v, want ETOOMANY", err)
	}
	if _, err := d.BeginPasskeyLogin(ctx, "192.0.2.52", ""); err != nil {
		t.Fatalf("another client is refused: %v", err)
	}
}

// R-MFA-4: an admin the policy allows removes a user's second factor
// (passkeys too); it is audited, the user is signed out and mailed, and a
// weaker admin cannot do it to a stronger user (R-SEC-2).
func TestResetSecondFactorByAdmin(t *testing.T) {
	d, owner := openPasskeys(t)
	ctx := context.Background()
	u := dbtest.AddUser(t, d, owner, "ewa@example.pl")
	a := dbtest.Login(t, d, u.Email, dbtest.OwnerPassword)
	addPasskey(t, d, a, "Klucz")
	if err := d.ResetSecondFactor(ctx, owner, owner.UserID); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("resetting one's own: %v, want EFORBIDDEN", err)
	}
	staff := dbtest.AddUser(t, d, owner, "staff@example.pl")
	sa := dbtest.Login(t, d, staff.Email, dbtest.OwnerPassword)
	if err := d.ResetSecondFactor(ctx, sa, u.ID); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("staff resets: %v, want EFORBIDDEN", err)
	}
	if err := d.ResetSecondFactor(ctx, owner, u.ID); err != nil {
		t.Fatal(err)
	}
	if on, _ := d.HasSecondFactor(ctx, u.ID); on {
		t.Fatal("the second factor is still there")
	}
	if _, err := d.SessionActor(ctx, a.SessionHash, ""); err == nil {
		t.Error("the user's session survived the reset")
	}
	if err := d.ResetSecondFactor(ctx, owner, u.ID); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("nothing to reset: %v, want EINVALID", err)
	}
	if n := auditActions(t, d, owner, "user.mfa_reset"); n != 1 {
		t.Errorf("audited %d times", n)
	}
	mail, _ := d.ListOutbox(ctx, owner, db.OutboxQuery{Q: u.Email})
	found := false
	for _, m := range mail.Items {
		found = found || strings.Contains(m.Subject, "drugi składnik") || strings.Contains(m.Subject, "second factor")
	}
	if !found {
		t.Errorf("no mail to the user: %+v", mail.Items)
	}
}
