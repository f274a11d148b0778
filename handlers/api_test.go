package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

func TestAPIMe(t *testing.T) {
	a := newSetupApp(t)
	tok := a.token("owner@example.pl")
	status, body := a.api("GET", "/api/v1/me", tok, nil)
	if status != http.StatusOK || body["email"] != "owner@example.pl" || body["account"].(map[string]any)["name"] != "Biuro" {
		t.Fatalf("me: %d %v", status, body)
	}
	if perms := body["permissions"].([]any); len(perms) != 12 {
		t.Errorf("owner permissions: %v", perms)
	}
	status, body = a.api("GET", "/api/v1/me", "", nil)
	if status != http.StatusUnauthorized || body["error"].(map[string]any)["code"] != "unauthorized" {
		t.Fatalf("no token: %d %v", status, body)
	}
	if status, body := a.api("GET", "/api/v1/nothing-here", tok, nil); status != http.StatusNotFound || body["error"] == nil {
		t.Fatalf("unknown endpoint: %d %v", status, body)
	}
}

// R-SEC-1, R-USER-4: the API answers 400 with per-field messages; it asks
// for no confirmation and refuses one as an unknown field (R-API-1).
func TestAPIMePassword(t *testing.T) {
	a := newSetupApp(t)
	tok := a.token("owner@example.pl")
	status, body := a.api("POST", "/api/v1/me/password", tok, map[string]string{
		"current_password": dbtest.OwnerPassword, "new_password": "alllowercase"})
	f := apiFields(body)
	if status != http.StatusBadRequest || !strings.Contains(f["new_password"].(string), "an uppercase letter") ||
		len(f) != 1 {
		t.Fatalf("%d %v", status, body)
	}
	status, body = a.api("POST", "/api/v1/me/password", tok, map[string]string{
		"current_password": dbtest.OwnerPassword, "new_password": "Another-pw2", "new_password_confirm": "Another-pw2"})
	if status != http.StatusBadRequest || apiFields(body)["new_password_confirm"] != "Unknown field." {
		t.Fatalf("a confirmation field: %d %v", status, body)
	}
	req, _ := http.NewRequest("POST", a.ts.URL+"/api/v1/me/password", strings.NewReader("{not json"))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("malformed JSON: %d", res.StatusCode)
	}
	status, _ = a.api("POST", "/api/v1/me/password", tok, map[string]string{
		"current_password": dbtest.OwnerPassword, "new_password": "Another-pw2"})
	if status != http.StatusNoContent {
		t.Fatalf("change: %d", status)
	}
	a.client().login("owner@example.pl", "Another-pw2")
}

func TestOperationsEndpoints(t *testing.T) {
	a := newSetupApp(t)
	c := a.client()
	if r := c.get("/healthz"); r.Status != http.StatusOK || !strings.Contains(r.Body, `"ok"`) {
		t.Fatalf("healthz: %d %s", r.Status, r.Body)
	}
	c.get("/login")
	r := c.get("/metrics")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `kadra_http_requests_total{route="/login",method="GET",code="200"}`) {
		t.Fatalf("metrics: %d\n%s", r.Status, r.Body)
	}
	r = c.get("/login")
	css := strings.Split(strings.Split(r.Body, `href="/static/`)[1], `"`)[0]
	if s := c.get("/static/" + css); s.Status != http.StatusOK || !strings.Contains(s.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("static: %d %q", s.Status, s.Header.Get("Cache-Control"))
	}
	if s := c.get("/static/x/nope.css"); s.Status != http.StatusNotFound {
		t.Fatalf("missing static: %d", s.Status)
	}
}

// Polish and English: Accept-Language picks, the switcher overrides.
func TestLanguages(t *testing.T) {
	a := newSetupApp(t)
	c := a.client()
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/login", nil)
	req.Header.Set("Accept-Language", "pl-PL,pl;q=0.9,en;q=0.5")
	if r := c.do(req); !strings.Contains(r.Body, "Logowanie") || !strings.Contains(r.Body, `lang="pl"`) {
		t.Fatal("Accept-Language pl not honoured")
	}
	r := c.post("/lang", map[string][]string{"lang": {"pl"}, "next": {"/login"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("switch: %d", r.Status)
	}
	if r := c.get("/login"); !strings.Contains(r.Body, "Zaloguj") {
		t.Fatal("switcher not honoured")
	}
	c.get("/login")
	r = c.post("/login", map[string][]string{"email": {"x@example.pl"}, "password": {"x"}})
	if !strings.Contains(r.Body, "Błędny e-mail lub hasło.") {
		t.Fatal("refusal not in Polish")
	}
	if r := c.post("/lang", map[string][]string{"lang": {"de"}}); r.Status != http.StatusBadRequest {
		t.Fatalf("unknown language: %d", r.Status)
	}
}
