package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// R-MFA-5: the meter endpoint rates a typed password by the same rules
// that refuse it on submit, for visitors (setup, links) and users alike.
func TestPasswordMeter(t *testing.T) {
	a := newSetupApp(t)
	anon := a.client()
	cases := []struct {
		name string
		form url.Values
		want []string
	}{
		{"Common", url.Values{"password": {"P@ssw0rd"}}, []string{"Very weak", "one of the most common passwords"}},
		{"Weak", url.Values{"password": {"Abcdef1!"}}, []string{"Weak", "too easy to guess (strength 1 of 4, at least 2 needed)"}},
		{"Rules", url.Values{"password": {"kadra"}}, []string{"The password needs at least 8 characters"}},
		{"OwnName", url.Values{"password": {"Zielinski-Lato-2031!"}, "full_name": {"Marek Zieliński"},
			"email": {"marek.zielinski@example.pl"}}, []string{"contains your name or e-mail address"}},
		{"Strong", url.Values{"new_password": {"Kadra-Biuro-17!"}}, []string{"Strong", "The password meets the rules."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := anon.post("/password/strength", tc.form)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			mustContain(t, tc.name, r.Body, tc.want...)
			if strings.Contains(r.Body, "<html") {
				t.Error("a whole page, not the fragment")
			}
		})
	}
	t.Run("Empty", func(t *testing.T) {
		if r := anon.post("/password/strength", nil); r.Status != http.StatusOK || strings.Contains(r.Body, "<meter") {
			t.Fatalf("%d %q", r.Status, r.Body)
		}
	})
	t.Run("NoCSRF", func(t *testing.T) {
		if r := anon.postRaw("/password/strength", url.Values{"password": {"x"}}); r.Status != http.StatusForbidden {
			t.Fatalf("without the CSRF token: %d", r.Status)
		}
	})
	t.Run("Polish", func(t *testing.T) {
		pl := a.client()
		pl.post("/lang", url.Values{"lang": {"pl"}, "next": {"/login"}})
		pl.get("/login")
		r := pl.post("/password/strength", url.Values{"password": {"P@ssw0rd"}})
		mustContain(t, "pl", r.Body, "Bardzo słabe", "jedno z najczęściej używanych haseł")
	})
	t.Run("OnTheForms", func(t *testing.T) {
		c := a.ownerClient()
		for _, page := range []string{"/profile", "/users/new"} {
			if r := c.get(page); !strings.Contains(r.Body, `hx-post="/password/strength"`) {
				t.Errorf("%s has no meter", page)
			}
		}
	})
}

// R-MFA-5 through the form, the API and the settings: the refusal names
// the reason; the owner's minimum strength applies at once.
func TestGuessablePasswordRefused(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	c.get("/profile")
	r := c.post("/profile/password", url.Values{"current_password": {dbtest.OwnerPassword},
		"new_password": {"P@ssw0rd"}, "new_password_confirm": {"P@ssw0rd"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("common password: %d", r.Status)
	}
	mustContain(t, "form", r.Body, "one of the most common passwords")

	tok := a.token("owner@example.pl")
	status, body := a.api("POST", "/api/v1/me/password", tok, map[string]string{
		"current_password": dbtest.OwnerPassword, "new_password": "Ola-Owner-2031!"})
	if f, _ := apiFields(body)["new_password"].(string); status != http.StatusBadRequest || !strings.Contains(f, "your name or e-mail") {
		t.Fatalf("own name through the API: %d %v", status, body)
	}

	c.get("/settings")
	if r := c.post("/settings/password-policy", url.Values{"min_length": {"8"}, "min_strength": {"5"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "from 0 to 4") {
		t.Fatalf("strength 5: %d", r.Status)
	}
	if r := c.post("/settings/password-policy", url.Values{"min_length": {"8"}, "min_strength": {"4"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	if r := c.get("/settings"); !strings.Contains(r.Body, `name="min_strength" type="number" value="4"`) {
		t.Fatal("the setting is not shown")
	}
	mustContain(t, "audit", c.get("/audit").Body, "Minimum password strength")
	if r := c.post("/settings/password-policy", url.Values{"min_length": {"9"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("save the length alone: %d", r.Status)
	}
	if p, _ := a.db.PasswordPolicy(t.Context()); p.MinLength != 9 || p.MinStrength != 4 {
		t.Fatalf("a form without min_strength changed it: %+v", p)
	}
	status, body = a.api("POST", "/api/v1/me/password", tok, map[string]string{
		"current_password": dbtest.OwnerPassword, "new_password": "Secret-pass1"})
	if f, _ := apiFields(body)["new_password"].(string); status != http.StatusBadRequest || !strings.Contains(f, "at least 4 needed") {
		t.Fatalf("strength 3 under a minimum of 4: %d %v", status, body)
	}
	if status, _ := a.api("POST", "/api/v1/me/password", tok, map[string]string{
		"current_password": dbtest.OwnerPassword, "new_password": "Kadra-Biuro-17!"}); status != http.StatusNoContent {
		t.Fatalf("strong password: %d", status)
	}
}
