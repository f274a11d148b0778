package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kadra/mail/mailtest"
)

var (
	linkRe     = regexp.MustCompile(`/(activate|reset-password)/([A-Za-z0-9_-]+)`)
	formCSRFRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
)

// R-SEC-5: the real binary, with its log captured, mails an activation
// link (a user invited through the API) and a reset link (asked for on the
// "forgot password" page); the links are opened and the reset is
// completed; afterwards no token from a mail, nor the API token, appears
// anywhere in the server's log, while the requests themselves are logged.
func TestBinaryLogKeepsTokensOut(t *testing.T) {
	path := initDB(t)
	smtp := mailtest.Start(t, "kadra", "smtp-secret")
	t.Setenv("KADRA_SMTP_URL", smtp.URL)
	p := startServe(t, "--db", path, "--log-level", "debug")
	owner := ownerAPI(t, p, path)
	api := owner.must
	me := api("GET", "/api/v1/me", nil)
	api("POST", "/api/v1/users", map[string]any{"email": "ala@example.pl", "full_name": "Ala Nowak",
		"send_invite": true, "role_id": me["role_id"], "position_id": me["position_id"], "extension": "1050"})

	// A browser: a cookie jar, the CSRF token of the last page.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	csrf := ""
	page := func(method, path string, form url.Values) int {
		t.Helper()
		var body io.Reader
		if form != nil {
			form.Set("_csrf", csrf)
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, p.URL+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if m := formCSRFRe.FindSubmatch(b); m != nil {
			csrf = string(m[1])
		}
		return res.StatusCode
	}
	page("GET", "/forgot-password", nil)
	if status := page("POST", "/forgot-password", url.Values{"email": {ownerEmail}}); status != http.StatusOK {
		t.Fatalf("forgot password: %d", status)
	}

	tokens := map[string]string{} // kind -> token
	for _, m := range smtp.Wait(t, 2, 20*time.Second) {
		if l := linkRe.FindStringSubmatch(m.Body); l != nil {
			tokens[l[1]] = l[2]
		}
	}
	if tokens["activate"] == "" || tokens["reset-password"] == "" {
		t.Fatalf("no activation and reset links in the mail: %v", tokens)
	}
	for kind, tok := range tokens {
		if status := page("GET", "/"+kind+"/"+tok, nil); status != http.StatusOK {
			t.Fatalf("%s link: %d", kind, status)
		}
	}
	if status := page("POST", "/reset-password/"+tokens["reset-password"],
		url.Values{"password": {"Renewed-pass1!"}, "password_confirm": {"Renewed-pass1!"}}); status != http.StatusOK {
		t.Fatalf("completing the reset: %d", status)
	}
	if code := p.stop(); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.stderr)
	}

	log := p.stderr.String()
	for what, secret := range map[string]string{"activation token": tokens["activate"],
		"reset token": tokens["reset-password"], "API token": owner.token} {
		if strings.Contains(log, secret) {
			t.Errorf("the %s is in the server's log:\n%s", what, log)
		}
	}
	for _, want := range []string{"path=/activate/{token}", "path=/reset-password/{token}", "method=POST route=/reset-password/:token"} {
		if !strings.Contains(log, want) {
			t.Errorf("no %q in the server's log:\n%s", want, log)
		}
	}
}
