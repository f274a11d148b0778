package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// R-SEC-1, R-SIP-1: a refused user form says every problem at once, the
// extension's in words on the first submit, sums them up at the top with
// links to the fields, and never sends a typed password back.
func TestUserFormErrorSummary(t *testing.T) {
	a := newSetupApp(t)
	taken := dbtest.AddUser(t, a.db, ownerActor(t, a), "taken@example.pl")
	c := a.ownerClient()
	c.get("/users/new")
	r := c.post("/users", url.Values{"email": {"taken@example.pl"}, "full_name": {"Anna"}, "extension": {"12"},
		"password": {"Secret-pass-123"}, "password_confirm": {"Secret-pass-123"}, "sip_account_id": {"0"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	mustContain(t, "summary", r.Body, `id="error-summary"`, `href="#f-email"`, `href="#f-extension"`,
		"Extension: 3 to 6 digits, for example 104.", "never sent back")
	if strings.Contains(r.Body, "[0-9]{3,6}") {
		t.Error("the extension's message shows its pattern")
	}
	if strings.Contains(r.Body, "Secret-pass-123") {
		t.Error("the password came back")
	}
	// A taken extension shows with the taken e-mail, not one submit later.
	u, err := a.db.GetUserDetails(t.Context(), ownerActor(t, a), taken.ID)
	if err != nil {
		t.Fatal(err)
	}
	r = c.post("/users", url.Values{"email": {"taken@example.pl"}, "full_name": {"Anna"}, "extension": {u.Extension},
		"sip_account_id": {"0"}})
	mustContain(t, "taken extension", r.Body, "Another user already signs in", "already exists in the SIP domain")
}

// R-SEC-1: the user form checks the extension and the login e-mail as the
// admin leaves them, with the rules of saving.
func TestUserFieldCheckOnBlur(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	taken := dbtest.AddUser(t, a.db, owner, "taken@example.pl")
	c := a.ownerClient()
	for _, tc := range []struct{ query, want string }{
		{"field=extension&extension=12", "Extension: 3 to 6 digits, for example 104."},
		{"field=extension&extension=104", ""},
		{"field=email&email=taken@example.pl", "Another user already signs in with this e-mail."},
		{"field=email&email=Taken@EXAMPLE.pl", "Another user already signs in with this e-mail."},
		{"field=email&email=taken@example.pl&user_id=" + itoa(taken.ID), ""},
		{"field=email&email=new@example.pl", ""},
	} {
		r := c.get("/users/check?" + tc.query)
		if r.Status != http.StatusOK {
			t.Errorf("%s: %d", tc.query, r.Status)
			continue
		}
		if tc.want == "" && strings.Contains(r.Body, `class="error"`) || tc.want != "" && !strings.Contains(r.Body, tc.want) {
			t.Errorf("%s: %q", tc.query, r.Body)
		}
	}
	// The extension of another user's phone is taken.
	u, err := a.db.GetUserDetails(t.Context(), owner, taken.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := c.get("/users/check?field=extension&extension=" + u.Extension); !strings.Contains(r.Body, "already exists") {
		t.Errorf("taken extension %s: %q", u.Extension, r.Body)
	}
	if r := c.get("/users/check?field=nothing"); r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
		t.Errorf("unknown field: %d", r.Status)
	}
}
