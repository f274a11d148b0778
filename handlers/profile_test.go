package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// R-USER-4, R-USER-10, R-SEC-1: changing one's password checks the current
// one and the policy, names each unmet condition, and ends the other
// sessions but not this one.
func TestProfilePassword(t *testing.T) {
	a := newSetupApp(t)
	other := a.ownerClient()
	c := a.ownerClient()
	c.get("/profile")
	r := c.post("/profile/password", url.Values{"current_password": {"wrong"},
		"new_password": {"abc"}, "new_password_confirm": {"abd"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	for _, want := range []string{"The current password is wrong.",
		"The password needs at least 8 characters, an uppercase letter, a digit, a special character",
		"The passwords do not match."} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("missing %q", want)
		}
	}
	r = c.post("/profile/password", url.Values{"current_password": {dbtest.OwnerPassword},
		"new_password": {"Brand-new1"}, "new_password_confirm": {"Brand-new1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if r := c.get("/profile"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Password changed") {
		t.Fatalf("this session after the change: %d", r.Status)
	}
	if r := other.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("the other session survived: %d", r.Status)
	}
	a.client().login("owner@example.pl", "Brand-new1")
}

func TestSignOutEverywhere(t *testing.T) {
	a := newSetupApp(t)
	c1, c2 := a.ownerClient(), a.ownerClient()
	c1.get("/profile")
	if r := c1.post("/profile/sign-out-everywhere", nil); r.Status != http.StatusSeeOther {
		t.Fatal(r.Status)
	}
	for i, c := range []*client{c1, c2} {
		if r := c.get("/"); r.Status != http.StatusSeeOther {
			t.Errorf("client %d still signed in", i)
		}
	}
}

// The owner tightens the policy (R-USER-4); it cannot go below the
// default; others may not change it.
func TestPasswordPolicySetting(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	c.get("/settings")
	r := c.post("/settings/password-policy", url.Values{"min_length": {"5"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "from 8 to 64") || !strings.Contains(r.Body, `value="5"`) {
		t.Fatalf("too low: %d", r.Status)
	}
	if r := c.post("/settings/password-policy", url.Values{"min_length": {"12"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	c.get("/profile")
	r = c.post("/profile/password", url.Values{"current_password": {dbtest.OwnerPassword},
		"new_password": {"Short-pw1"}, "new_password_confirm": {"Short-pw1"}})
	if !strings.Contains(r.Body, "at least 12 characters") {
		t.Fatalf("tightened policy not applied")
	}
	dbtest.AddUser(t, a.db, ownerActor(t, a), "staff@example.pl")
	s := a.client()
	s.login("staff@example.pl", dbtest.OwnerPassword)
	if r := s.get("/settings"); r.Status != http.StatusForbidden {
		t.Fatalf("staff on settings: %d", r.Status)
	}
	if r := s.post("/settings/password-policy", url.Values{"min_length": {"20"}}); r.Status != http.StatusForbidden {
		t.Fatalf("staff changed the policy: %d", r.Status)
	}
}

// The owner downloads a backup: a real SQLite file; nobody else may.
func TestBackupDownload(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	r := c.get("/settings/backup")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "SQLite format 3\x00") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("backup: %d %q", r.Status, r.Header.Get("Content-Disposition"))
	}
	dbtest.AddUser(t, a.db, ownerActor(t, a), "staff@example.pl")
	s := a.client()
	s.login("staff@example.pl", dbtest.OwnerPassword)
	if r := s.get("/settings/backup"); r.Status != http.StatusForbidden {
		t.Fatalf("staff downloaded a backup: %d", r.Status)
	}
}

// API tokens from the profile: made and shown once, listed without the
// secret, revoked at once; names are unique per user.
func TestProfileTokens(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	c.get("/profile")
	r := c.post("/profile/tokens", url.Values{"name": {"backup script"}})
	tok := regexp.MustCompile(`kadra_[A-Za-z0-9_-]{20,}`).FindString(r.Body)
	if r.Status != http.StatusOK || tok == "" {
		t.Fatalf("create: %d", r.Status)
	}
	if status, _ := a.api("GET", "/api/v1/me", tok, nil); status != http.StatusOK {
		t.Fatalf("new token refused: %d", status)
	}
	r = c.get("/profile")
	if strings.Contains(r.Body, tok) || !strings.Contains(r.Body, "backup script") {
		t.Fatal("the token is shown again, or not listed")
	}
	r = c.post("/profile/tokens", url.Values{"name": {"backup script"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "already have a token with this name") ||
		!strings.Contains(r.Body, `value="backup script"`) {
		t.Fatalf("duplicate name: %d", r.Status)
	}
	id := regexp.MustCompile(`name="id" value="([0-9a-f]{64})"`).FindStringSubmatch(r.Body)[1]
	if r := c.post("/profile/tokens/revoke", url.Values{"id": {id}}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if status, _ := a.api("GET", "/api/v1/me", tok, nil); status != http.StatusUnauthorized {
		t.Fatalf("revoked token still works: %d", status)
	}
	if r := c.post("/profile/tokens/revoke", url.Values{"id": {id}}); r.Status != http.StatusNotFound {
		t.Fatalf("revoking twice: %d", r.Status)
	}
}

// R-PROF-1, R-SEC-2: a user changes their own name and phone on the
// profile; an e-mail change asks for the current password and ends their
// other sessions, since the admin paths refuse one's own credentials.
func TestProfileDetails(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	u := dbtest.AddUser(t, a.db, owner, "ewa@example.pl")
	c, other := a.client(), a.client()
	c.login(u.Email, dbtest.OwnerPassword)
	other.login(u.Email, dbtest.OwnerPassword)
	c.get("/profile")
	if r := c.post("/profile/details", url.Values{"full_name": {"Ewa Nowak"}, "work_phone": {"22 123 45 67"},
		"email": {u.Email}}); r.Status != http.StatusSeeOther {
		t.Fatalf("name: %d\n%s", r.Status, r.Body)
	}
	if r := other.get("/profile"); r.Status != http.StatusOK || !strings.Contains(r.Body, `value="Ewa Nowak"`) {
		t.Fatalf("a name change ended the other session or was not saved: %d", r.Status)
	}
	r := c.post("/profile/details", url.Values{"full_name": {"Ewa Nowak"}, "email": {"ewa.nowak@example.pl"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Type your current password") ||
		!strings.Contains(r.Body, `value="ewa.nowak@example.pl"`) {
		t.Fatalf("e-mail without the password: %d", r.Status)
	}
	if r := c.post("/profile/details", url.Values{"full_name": {"Ewa Nowak"}, "email": {"ewa.nowak@example.pl"},
		"work_phone": {"+48 22 123 45 67"}, "current_password": {dbtest.OwnerPassword}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail with the password: %d\n%s", r.Status, r.Body)
	}
	if r := other.get("/profile"); r.Status == http.StatusOK {
		t.Error("the other session survived an e-mail change (R-USER-10)")
	}
	// The phone typed nationally is kept in E.164, like the user form's.
	if d, _ := a.db.GetUserDetails(t.Context(), owner, u.ID); d.Email != "ewa.nowak@example.pl" || d.WorkPhone != "+48221234567" {
		t.Errorf("saved %+v", d.User)
	}
}
