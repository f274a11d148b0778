package handlers_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/handlers"
	"kadra/sso/ssotest"
)

// oidcWorld is kadra on 127.0.0.1 with sign-in through a real OpenID
// Provider (zitadel/oidc's example OP, ssotest) on 127.0.0.1, set up for
// the domain firma.pl.
type oidcWorld struct {
	*app
	op    *ssotest.OP
	owner db.Actor
	clock *dbtest.Clock
}

// The provider's people: anna and bartek have kadra accounts, jan's is
// blocked, ghost has none, ola's address is in a domain not allowed, ewa's
// is not verified, adam is an Administrator whose provider does MFA.
var oidcPeople = []ssotest.User{
	{ID: "anna", Email: "anna@firma.pl", EmailVerified: true, Name: "Anna Kowalska"},
	{ID: "bartek", Email: "bartek@firma.pl", EmailVerified: true, Name: "Bartek Nowak", MFA: true},
	{ID: "jan", Email: "jan@firma.pl", EmailVerified: true, Name: "Jan Nowak"},
	{ID: "ghost", Email: "ghost@firma.pl", EmailVerified: true, Name: "Nikt Taki"},
	{ID: "ola", Email: "ola@inna.pl", EmailVerified: true, Name: "Ola Inna"},
	{ID: "ewa", Email: "ewa@firma.pl", EmailVerified: false, Name: "Ewa Niepewna"},
	{ID: "adam", Email: "adam@firma.pl", EmailVerified: true, Name: "Adam Admin", MFA: true},
}

// newOIDCWorld serves kadra at a known address (the provider must know
// its redirect URL), its clock on real time, shifted by skew.
func newOIDCWorld(t *testing.T, skew time.Duration) *oidcWorld {
	t.Helper()
	clock := dbtest.NewClock()
	clock.Advance(time.Since(clock.Now()) + skew)
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	op := ssotest.Start(t, oidcPeople, ssotest.Client{ID: "kadra", Secret: "kadra-client-secret",
		RedirectURL: base + "/auth/oidc/callback"})
	srv, err := handlers.New(context.Background(), handlers.Config{DB: d, Logger: slog.New(slog.DiscardHandler),
		BaseURL: base, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := &httptest.Server{Listener: l, Config: &http.Server{Handler: srv}}
	ts.Start()
	t.Cleanup(ts.Close)
	w := &oidcWorld{app: &app{t: t, db: d, srv: srv, ts: ts}, op: op, owner: owner, clock: clock}
	for _, e := range []string{"anna@firma.pl", "bartek@firma.pl", "ola@inna.pl", "ewa@firma.pl"} {
		dbtest.AddUser(t, d, owner, e)
	}
	dbtest.AddAdmin(t, d, owner, "adam@firma.pl")
	jan := dbtest.AddUser(t, d, owner, "jan@firma.pl")
	if _, err := d.BlockUser(context.Background(), owner, jan.ID); err != nil {
		t.Fatal(err)
	}
	w.configure(t, db.OIDCSettingsInput{})
	return w
}

// configure saves the provider's settings as the owner, with edits.
func (w *oidcWorld) configure(t *testing.T, edit db.OIDCSettingsInput) {
	t.Helper()
	in := db.OIDCSettingsInput{Enabled: true, Issuer: w.op.Issuer, ClientID: "kadra",
		ClientSecret: "kadra-client-secret", Domains: "firma.pl", Label: "Microsoft",
		PasswordOff: edit.PasswordOff, AMRMFA: edit.AMRMFA}
	if err := w.db.SetOIDCSettings(context.Background(), w.owner, in); err != nil {
		t.Fatal(err)
	}
}

// oidcSignIn presses the button on the sign-in page and signs in at the
// provider as email; it returns kadra's answer to the provider's redirect
// back (callback), after edit may have changed it.
func (w *oidcWorld) oidcSignIn(c *client, email string, edit func(url.Values)) response {
	w.t.Helper()
	return w.oidcSignInAs(c, email, edit, "Sign in with Microsoft")
}

// oidcSignInAs is oidcSignIn for a browser whose sign-in page shows the
// button as button.
func (w *oidcWorld) oidcSignInAs(c *client, email string, edit func(url.Values), button string) response {
	w.t.Helper()
	wantBody(w.t, c.get("/login"), http.StatusOK, `href="/auth/oidc/start"`, button)
	r := c.get("/auth/oidc/start")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), w.op.Issuer) {
		w.t.Fatalf("start: %d %q, want a redirect to the provider\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	back := ssotest.Authorize(w.t, c.http, r.Header.Get("Location"), email, ssotest.Password, w.ts.URL+"/auth/oidc/callback")
	u, _ := url.Parse(back)
	q := u.Query()
	for _, k := range []string{"code", "state"} {
		if q.Get(k) == "" {
			w.t.Fatalf("the provider sent no %s: %s", k, back)
		}
	}
	if edit != nil {
		edit(q)
	}
	c.csrf = ""
	return c.get("/auth/oidc/callback?" + q.Encode())
}

// Issue 17: sign-in through the provider opens a session for the kadra
// user with the verified e-mail, audited as such; the button shows only
// when the owner turned it on.
func TestOIDCSignIn(t *testing.T) {
	w := newOIDCWorld(t, 0)
	c := w.client()
	r := w.oidcSignIn(c, "anna@firma.pl", nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("callback: %d %q, want 303 to /\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	wantBody(t, c.get("/profile"), http.StatusOK, "anna@firma.pl")
	// R-AUDIT-2: the entry reads as a sentence, naming the provider.
	oc := w.ownerClient()
	wantBody(t, oc.get("/audit"), http.StatusOK, "signed in through the identity provider", "Microsoft")
	// Turned off, no button, and the flow is refused.
	in := db.OIDCSettingsInput{Enabled: false, Issuer: w.op.Issuer, ClientID: "kadra", Domains: "firma.pl"}
	if err := w.db.SetOIDCSettings(context.Background(), w.owner, in); err != nil {
		t.Fatal(err)
	}
	r = w.client().get("/login")
	if strings.Contains(r.Body, "/auth/oidc/start") {
		t.Fatal("the provider's button shows while sign-in through it is off")
	}
	if r := w.client().get("/auth/oidc/start"); r.Status != http.StatusNotFound {
		t.Fatalf("start while off: %d, want 404", r.Status)
	}
}

// Issue 17 and R-USER-8, R-SEC-3: every refusal comes back to the sign-in
// page with its reason, opens no session, and counts toward the throttle.
func TestOIDCRefusals(t *testing.T) {
	w := newOIDCWorld(t, 0)
	for _, tc := range []struct {
		name, email string
		edit        func(url.Values)
		status      int
		want        string
	}{
		{"BlockedUser", "jan@firma.pl", nil, http.StatusForbidden, "Your account is blocked"},
		{"UnknownEmail", "ghost@firma.pl", nil, http.StatusUnauthorized, "There is no account for ghost@firma.pl"},
		{"DomainNotAllowed", "ola@inna.pl", nil, http.StatusForbidden, "is not in a domain allowed"},
		{"EmailNotVerified", "ewa@firma.pl", nil, http.StatusUnauthorized, "did not confirm"},
		{"StateMismatch", "anna@firma.pl", func(q url.Values) { q.Set("state", "from-another-browser") },
			http.StatusUnauthorized, "does not belong to this browser"},
		{"WrongCode", "anna@firma.pl", func(q url.Values) { q.Set("code", "forged") },
			http.StatusUnauthorized, "did not accept the sign-in code"},
		{"ProviderError", "anna@firma.pl", func(q url.Values) { q.Del("code"); q.Set("error", "access_denied") },
			http.StatusUnauthorized, "refused the sign-in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := w.client()
			r := w.oidcSignIn(c, tc.email, tc.edit)
			wantBody(t, r, tc.status, tc.want, `action="/login"`)
			if r := c.get("/profile"); r.Status != http.StatusSeeOther {
				t.Fatalf("after a refusal /profile answers %d, want a redirect to sign in", r.Status)
			}
		})
	}
	// R-I18N-1: a Polish admin reads the refusal and the button in Polish.
	c := w.client()
	u, _ := url.Parse(w.ts.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "kadra_lang", Value: "pl"}})
	wantBody(t, c.get("/login"), http.StatusOK, "Zaloguj przez Microsoft")
	r := w.oidcSignInAs(c, "ola@inna.pl", nil, "Zaloguj przez Microsoft")
	wantBody(t, r, http.StatusForbidden, "Adres ola@inna.pl nie należy do domeny, z której można logować się przez dostawcę.")
	// R-SEC-3: the unknown address failed once above; two more, and the
	// next attempt waits, as after wrong passwords.
	for range 2 {
		wantBody(t, w.oidcSignIn(w.client(), "ghost@firma.pl", nil), http.StatusUnauthorized, "There is no account")
	}
	wantBody(t, w.oidcSignIn(w.client(), "ghost@firma.pl", nil), http.StatusTooManyRequests)
}

// Issue 17: a token the provider issued more than its lifetime ago
// (kadra's clock two hours ahead) is refused.
func TestOIDCExpiredToken(t *testing.T) {
	w := newOIDCWorld(t, 2*time.Hour)
	c := w.client()
	wantBody(t, w.oidcSignIn(c, "anna@firma.pl", nil), http.StatusUnauthorized, "has expired")
	if r := c.get("/profile"); r.Status != http.StatusSeeOther {
		t.Fatalf("after an expired token /profile answers %d", r.Status)
	}
}

// R-MFA-1, R-MFA-3 with issue 17: a user with a second factor still gives
// its code after the provider, unless the owner lets the provider's MFA
// (amr) count; an Administrator who must enrol (require_admins) is spared
// it when the provider did MFA and the switch is on, and not otherwise.
func TestOIDCSecondFactor(t *testing.T) {
	w := newOIDCWorld(t, 0)
	// bartek sets up TOTP with his password.
	bc := w.client()
	bc.login("bartek@firma.pl", dbtest.OwnerPassword)
	key, _ := enrolTOTP(t, bc, w.clock)

	tc := w.client()
	r := w.oidcSignIn(tc, "bartek@firma.pl", nil)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login/code") {
		t.Fatalf("TOTP user through the provider: %d %q, want the code step", r.Status, r.Header.Get("Location"))
	}
	if r := tc.get("/profile"); r.Status != http.StatusSeeOther {
		t.Fatalf("before the code /profile answers %d, want no session", r.Status)
	}
	wantBody(t, tc.get(r.Header.Get("Location")), http.StatusOK)
	w.clock.Advance(30 * time.Second) // a step the enrolment did not use
	code, err := totp.GenerateCode(key, w.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if r := tc.post("/login/code", url.Values{"code": {code}}); r.Status != http.StatusSeeOther {
		t.Fatalf("code: %d\n%s", r.Status, r.Body)
	}
	page, err := w.db.SearchAudit(context.Background(), w.owner, db.AuditFilter{Action: "user.login_oidc", Target: "bartek@firma.pl"})
	if err != nil || page.Total != 1 {
		t.Fatalf("bartek's sign-in through the provider and his code: %d audit entries (%v), want 1", page.Total, err)
	}
	if err := w.db.SetRequireMFAForAdmins(context.Background(), w.owner, true); err != nil {
		t.Fatal(err)
	}
	c := w.client()
	if r := w.oidcSignIn(c, "adam@firma.pl", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("adam: %d", r.Status)
	}
	if r := c.get("/users"); r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/profile/2fa") {
		t.Fatalf("adam without the switch: /users %d %q, want enrolment", r.Status, r.Header.Get("Location"))
	}

	w.configure(t, db.OIDCSettingsInput{AMRMFA: true})
	r = w.oidcSignIn(w.client(), "bartek@firma.pl", nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("TOTP user whose provider did MFA: %d %q, want signed in", r.Status, r.Header.Get("Location"))
	}
	c = w.client()
	w.oidcSignIn(c, "adam@firma.pl", nil)
	wantBody(t, c.get("/users"), http.StatusOK, "anna@firma.pl")
	// The owner signs in with a password: the switch is about the
	// provider's MFA only, so the owner must still enrol.
	oc := w.client()
	oc.login("owner@example.pl", dbtest.OwnerPassword)
	if r := oc.get("/users"); r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/profile/2fa") {
		t.Fatalf("owner by password: /users %d %q, want enrolment", r.Status, r.Header.Get("Location"))
	}
}

// Issue 17: with password sign-in off for the directory's domains, its
// users must use the provider; the owner, and other domains, keep their
// passwords.
func TestOIDCPasswordOff(t *testing.T) {
	w := newOIDCWorld(t, 0)
	w.configure(t, db.OIDCSettingsInput{PasswordOff: true})
	c := w.client()
	c.get("/login")
	r := c.post("/login", url.Values{"email": {"anna@firma.pl"}, "password": {dbtest.OwnerPassword}})
	wantBody(t, r, http.StatusForbidden, "Password sign-in is turned off", "Sign in with Microsoft")
	// Wrong password or right, the answer is the same: nothing is checked.
	r = c.post("/login", url.Values{"email": {"anna@firma.pl"}, "password": {"wrong"}})
	wantBody(t, r, http.StatusForbidden, "Password sign-in is turned off")
	w.client().login("ola@inna.pl", dbtest.OwnerPassword)
	w.ownerClient()
	if r := w.oidcSignIn(w.client(), "anna@firma.pl", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("anna through the provider: %d", r.Status)
	}
}

// Issue 17, R-SEC-5: Settings → Katalog is the owner's; the client secret
// is stored sealed, never shown back nor audited; "Sprawdź konfigurację"
// reads the real provider's discovery document and says why it fails.
func TestOIDCSettingsPage(t *testing.T) {
	w := newOIDCWorld(t, 0)
	oc := w.ownerClient()
	r := oc.get("/settings/directory")
	wantBody(t, r, http.StatusOK, `action="/settings/directory/oidc#oidc"`, w.op.Issuer, w.ts.URL+"/auth/oidc/callback",
		"A secret is stored")
	if strings.Contains(r.Body, "kadra-client-secret") {
		t.Fatal("the page shows the client secret")
	}
	r = oc.post("/settings/directory/oidc/check", url.Values{"issuer": {w.op.Issuer}})
	wantBody(t, r, http.StatusOK, "Read the configuration document", w.op.Issuer+"/oauth/token")
	r = oc.post("/settings/directory/oidc/check", url.Values{"issuer": {"http://127.0.0.1:1"}})
	wantBody(t, r, http.StatusOK, "Could not read", "Nothing answers at this address", "connection refused")
	r = oc.post("/settings/directory/oidc/check", url.Values{"issuer": {w.op.Issuer + "/tenant/v2.0"}})
	wantBody(t, r, http.StatusOK, "There is no configuration document at this address (error 404)")
	r = oc.post("/settings/directory/oidc/check", url.Values{"issuer": {"http://provider.example"}})
	wantBody(t, r, http.StatusOK, "must start with https://")

	// A refused form keeps what was typed, never the secret.
	r = oc.post("/settings/directory/oidc", url.Values{"enabled": {"true"}, "issuer": {w.op.Issuer},
		"client_id": {"kadra"}, "client_secret": {"new-secret-typed"}, "domains": {"firma"}})
	wantBody(t, r, http.StatusUnprocessableEntity, "does not look like a domain", `value="kadra"`)
	if strings.Contains(r.Body, "new-secret-typed") {
		t.Fatal("a refused form shows the typed secret back")
	}
	r = oc.post("/settings/directory/oidc", url.Values{"enabled": {"true"}, "issuer": {w.op.Issuer},
		"client_id": {"kadra"}, "client_secret": {"rotated-secret"}, "domains": {"firma.pl, @firma.com.pl"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.Status, r.Body)
	}
	st, err := w.db.OIDCSetup(context.Background())
	if err != nil || len(st.Domains) != 2 || st.Domains[1] != "firma.com.pl" || !st.HasSecret {
		t.Fatalf("stored %+v %v", st, err)
	}
	cl, err := w.db.OIDCClient(context.Background())
	if err != nil || cl.ClientSecret != "rotated-secret" {
		t.Fatalf("secret: %v", err)
	}
	var raw string
	err = w.rawDB(t).QueryRow(`SELECT value FROM settings WHERE key = 'oidc.provider'`).Scan(&raw)
	if err != nil || strings.Contains(raw, "rotated-secret") {
		t.Fatalf("the stored settings hold the secret in clear: %s %v", raw, err)
	}
	page, err := w.db.SearchAudit(context.Background(), w.owner, db.AuditFilter{Action: "settings.oidc"})
	if err != nil || page.Total < 2 {
		t.Fatalf("audit: %+v %v", page.Total, err)
	}
	b, _ := json.Marshal(page.Items)
	if strings.Contains(string(b), "secret\":\"") || strings.Contains(string(b), "rotated-secret") {
		t.Fatalf("an audit row holds the secret: %s", b)
	}

	// An Administrator sees no form and may not save or check.
	dbtest.AddAdmin(t, w.db, w.owner, "szef@firma2.pl")
	ac := w.client()
	ac.login("szef@firma2.pl", dbtest.OwnerPassword)
	r = ac.get("/settings/directory")
	if r.Status != http.StatusOK || strings.Contains(r.Body, "/settings/directory/oidc") {
		t.Fatalf("an Administrator's Katalog page: %d, shows the OIDC form", r.Status)
	}
	wantBody(t, ac.post("/settings/directory/oidc", url.Values{"issuer": {"https://evil.example"}}), http.StatusForbidden)
	wantBody(t, ac.post("/settings/directory/oidc/check", url.Values{"issuer": {"https://evil.example"}}), http.StatusForbidden)
}

// rawDB reads the database file as is, to see what is stored.
func (w *oidcWorld) rawDB(t *testing.T) *sql.DB {
	t.Helper()
	x, err := sql.Open("sqlite", "file:"+w.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// Issue 17, done when: a user the identity provider created over SCIM
// (no password, not yet active) signs in through the same provider, and
// that first sign-in activates them.
func TestOIDCSignInOfSCIMUser(t *testing.T) {
	w := newOIDCWorld(t, 0)
	ctx := context.Background()
	staff, _ := w.db.BuiltinRoleID(ctx, db.BuiltinStaff)
	pos, err := w.db.DefaultPositionID(ctx, w.owner)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := w.db.CreateSCIMToken(ctx, w.owner, db.SCIMTokenInput{Name: "Entra", CeilingRoleID: staff,
		DefaultRoleID: staff, DefaultPositionID: pos})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", w.ts.URL+"/scim/v2/Users", strings.NewReader(
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ghost@firma.pl",`+
			`"name":{"givenName":"Nikt","familyName":"Taki"},"active":true}`))
	req.Header.Set("Content-Type", "application/scim+json")
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("SCIM create: %d", res.StatusCode)
	}
	c := w.client()
	r := w.oidcSignIn(c, "ghost@firma.pl", nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("the SCIM user through the provider: %d %q\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	wantBody(t, c.get("/profile"), http.StatusOK, "ghost@firma.pl")
}
