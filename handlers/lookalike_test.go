package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// R-SEC-8, R-SEC-1: the user form refuses a look-alike address and a name
// with a right-to-left override, saying why per field in the page's
// language and keeping what was typed; the API answers 400 with the same
// messages.
func TestUserFormRefusesLookalikes(t *testing.T) {
	a := newSetupApp(t)
	staff, pos := formIDs(t, a)
	form := url.Values{"email": {"\u0430dmin@example.pl"}, "full_name": {"Anna\u202egnp.exe"},
		"password": {"Secret-pass1!"}, "password_confirm": {"Secret-pass1!"}, "role_id": {fmt.Sprint(staff)},
		"position_id": {fmt.Sprint(pos)}, "sip_account_id": {"0"}, "new_extension": {"1301"}}
	for lang, want := range map[string][]string{
		"en": {"mixes letters of different alphabets", "change the text direction"},
		"pl": {"łączy w jednej części litery z różnych alfabetów", "zmieniające kierunek tekstu"},
	} {
		t.Run(lang, func(t *testing.T) {
			c := a.ownerClient()
			c.http.Jar.SetCookies(mustURL(a.ts.URL), []*http.Cookie{{Name: "kadra_lang", Value: lang}})
			c.get("/users/new")
			r := c.post("/users", form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", r.Status)
			}
			for _, s := range append(want, `id="e-email"`, `id="e-full_name"`, `value="`+form.Get("email")+`"`) {
				if !strings.Contains(r.Body, s) {
					t.Errorf("missing %q", s)
				}
			}
		})
	}
	status, body := a.api("POST", "/api/v1/users", a.token("owner@example.pl"), map[string]any{
		"email": "\uff41dmin@example.pl", "full_name": "An\u200bna", "role_id": staff, "position_id": pos,
		"extension": "1302", "password": "Secret-pass1!"})
	f := apiFields(body)
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(f["email"]), "imitate ordinary ones") ||
		!strings.Contains(fmt.Sprint(f["full_name"]), "Invisible characters") {
		t.Fatalf("API: %d %v", status, body)
	}
}
