package db_test

import (
	"context"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// Issue 17: the provider's settings are the owner's; what is typed is
// checked field by field (R-SEC-1), domains normalised, look-alikes
// refused (R-SEC-8).
func TestSetOIDCSettings(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := context.Background()
	good := db.OIDCSettingsInput{Enabled: true, Issuer: "https://login.microsoftonline.com/tenant/v2.0/",
		ClientID: "app", ClientSecret: "s3cret", Domains: "Firma.PL; @firma.com.pl\nfirma.pl"}
	t.Run("ErrForbidden", func(t *testing.T) {
		dbtest.AddAdmin(t, d, owner, "admin@firma.pl")
		admin := dbtest.Login(t, d, "admin@firma.pl", dbtest.OwnerPassword)
		if err := d.SetOIDCSettings(ctx, admin, good); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("an Administrator: %v, want EFORBIDDEN", err)
		}
		if err := db.MaySetUpDirectory(admin); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("MaySetUpDirectory(admin): %v", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for name, in := range map[string]db.OIDCSettingsInput{
			"issuer":        {Enabled: true, Issuer: "http://idp.example", ClientID: "a", ClientSecret: "s", Domains: "firma.pl"},
			"client_id":     {Enabled: true, Issuer: "https://idp.example", ClientSecret: "s", Domains: "firma.pl"},
			"client_secret": {Enabled: true, Issuer: "https://idp.example", ClientID: "a", Domains: "firma.pl"},
			"domains":       {Enabled: true, Issuer: "https://idp.example", ClientID: "a", ClientSecret: "s", Domains: "firmа.pl"}, // Cyrillic а
		} {
			err := d.SetOIDCSettings(ctx, owner, in)
			e := db.AsError(err)
			if e == nil || e.Code != db.EINVALID || e.Fields[name].ID == "" {
				t.Errorf("%s: %v, want EINVALID on %s", name, err, name)
			}
		}
		if err := d.SetOIDCSettings(ctx, owner, db.OIDCSettingsInput{Enabled: true, Issuer: "https://idp.example",
			ClientID: "a", ClientSecret: "s"}); db.AsError(err).Fields["domains"].ID != "oidc.domains_required" {
			t.Errorf("no domain: %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		if err := d.SetOIDCSettings(ctx, owner, good); err != nil {
			t.Fatal(err)
		}
		st, err := d.OIDCSetup(ctx)
		if err != nil || st.Issuer != "https://login.microsoftonline.com/tenant/v2.0" || !st.HasSecret ||
			len(st.Domains) != 2 || st.Domains[0] != "firma.pl" || st.Domains[1] != "firma.com.pl" ||
			st.SecretSealed != "" || st.ButtonLabel() != "Microsoft" {
			t.Fatalf("stored %+v %v", st, err)
		}
		// An empty secret keeps the stored one.
		keep := good
		keep.ClientSecret = ""
		if err := d.SetOIDCSettings(ctx, owner, keep); err != nil {
			t.Fatal(err)
		}
		if cl, err := d.OIDCClient(ctx); err != nil || cl.ClientSecret != "s3cret" {
			t.Fatalf("client %+v %v", cl, err)
		}
	})
}

// Issue 17: with password sign-in off for the directory's domains, the
// directory's users are refused before any password check, and the
// owner keeps theirs. No account is created by a sign-in through the
// provider; an invited user (like one SCIM made) is activated by one.
func TestOIDCPasswordOffAndNoCreation(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := context.Background()
	dbtest.AddUser(t, d, owner, "anna@example.pl")
	nowy := dbtest.AddUser(t, d, owner, "nowy@example.pl", dbtest.Invited)
	if err := d.SetOIDCSettings(ctx, owner, db.OIDCSettingsInput{Enabled: true, Issuer: "https://idp.example",
		ClientID: "a", ClientSecret: "s", Domains: "example.pl", PasswordOff: true}); err != nil {
		t.Fatal(err)
	}
	_, err := d.Login(ctx, db.LoginInput{Email: "anna@example.pl", Password: dbtest.OwnerPassword, IP: "192.0.2.1"})
	if e := db.AsError(err); e == nil || e.Code != db.EFORBIDDEN || e.Msg.ID != "oidc.password_off" {
		t.Fatalf("anna by password: %v, want oidc.password_off", err)
	}
	dbtest.Login(t, d, "owner@example.pl", dbtest.OwnerPassword) // the owner is spared
	_, err = d.OIDCLogin(ctx, db.OIDCLoginInput{Email: "kto@example.pl", EmailVerified: true, IP: "192.0.2.1"})
	if db.AsError(err) == nil || db.AsError(err).Msg.ID != "oidc.unknown" {
		t.Fatalf("unknown: %v", err)
	}
	res, err := d.OIDCLogin(ctx, db.OIDCLoginInput{Email: "nowy@example.pl", EmailVerified: true, IP: "192.0.2.1"})
	if err != nil || res.Session == "" {
		t.Fatalf("invited: %+v %v, want a session", res, err)
	}
	if u, err := d.GetUserDetails(ctx, owner, nowy.ID); err != nil || u.Status != db.StatusActive {
		t.Fatalf("invited after the provider: %+v %v, want active", u, err)
	}
	res, err = d.OIDCLogin(ctx, db.OIDCLoginInput{Email: "anna@example.pl", EmailVerified: true, IP: "192.0.2.1"})
	if err != nil || res.Session == "" {
		t.Fatalf("anna: %+v %v", res, err)
	}
	a, err := d.SessionActor(ctx, res.Session, "192.0.2.1")
	if err != nil || a.Email != "anna@example.pl" {
		t.Fatalf("session: %+v %v", a, err)
	}
}
