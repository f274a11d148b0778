package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// R-SEC-5: a password change or set, on any path, and a successful sign-in
// void the reset link mailed before it: the link then shows the one
// invalid-link page and setting a password through it is refused.
func TestPasswordChangeVoidsLinks(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	oc := a.ownerClient()
	ownerToken := a.token("owner@example.pl")
	n := 0
	// resetLink makes a user with a session (signing in voids links, so it
	// comes first) and mails them a reset link, which works.
	resetLink := func(t *testing.T) (id int64, email string, user *client, path string) {
		t.Helper()
		n++
		email = fmt.Sprintf("link%d@example.pl", n)
		u := dbtest.AddUser(t, a.db, owner, email)
		user = a.client()
		user.login(email, dbtest.OwnerPassword)
		if _, err := a.db.ResetPassword(context.Background(), owner, u.ID); err != nil {
			t.Fatal(err)
		}
		path = linkPath(t, lastMailTo(t, a.db, owner, email).Body)
		if r := a.client().get(path); r.Status != http.StatusOK {
			t.Fatalf("fresh link: %d", r.Status)
		}
		return u.ID, email, user, path
	}
	assertDead := func(t *testing.T, path string) {
		t.Helper()
		c := a.client()
		if r := c.get(path); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "This link does not work") {
			t.Fatalf("link still works: %d", r.Status)
		}
		r := c.post(path, url.Values{"password": {"Took-over1!"}, "password_confirm": {"Took-over1!"}})
		if r.Status != http.StatusNotFound {
			t.Fatalf("password set through a voided link: %d", r.Status)
		}
	}

	t.Run("ProfileForm", func(t *testing.T) {
		_, _, user, path := resetLink(t)
		user.get("/profile")
		r := user.post("/profile/password", url.Values{"current_password": {dbtest.OwnerPassword},
			"new_password": {"Brand-new1!"}, "new_password_confirm": {"Brand-new1!"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("change: %d\n%s", r.Status, r.Body)
		}
		assertDead(t, path)
	})
	t.Run("APIMePassword", func(t *testing.T) {
		_, email, _, path := resetLink(t)
		status, body := a.api("POST", "/api/v1/me/password", a.token(email), map[string]any{
			"current_password": dbtest.OwnerPassword, "new_password": "Brand-new1!"})
		if status != http.StatusNoContent {
			t.Fatalf("change: %d %v", status, body)
		}
		assertDead(t, path)
	})
	t.Run("AdminForm", func(t *testing.T) {
		id, email, _, path := resetLink(t)
		det, err := a.db.GetUserDetails(context.Background(), owner, id)
		if err != nil {
			t.Fatal(err)
		}
		oc.get(fmt.Sprintf("/users/%d/edit", id))
		r := oc.post(fmt.Sprintf("/users/%d", id), url.Values{"email": {email}, "full_name": {det.FullName},
			"role_id": {fmt.Sprint(det.RoleID)}, "position_id": {fmt.Sprint(det.PositionID)},
			"sip_account_id": {fmt.Sprint(det.SIPAccountID)}, "password": {"Admin-set1!"}, "password_confirm": {"Admin-set1!"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", r.Status, r.Body)
		}
		assertDead(t, path)
	})
	t.Run("AdminAPI", func(t *testing.T) {
		id, _, _, path := resetLink(t)
		status, body := a.api("PATCH", fmt.Sprintf("/api/v1/users/%d", id), ownerToken, map[string]any{
			"password": "Admin-set1!"})
		if status != http.StatusOK {
			t.Fatalf("patch: %d %v", status, body)
		}
		assertDead(t, path)
	})
	t.Run("SignIn", func(t *testing.T) {
		_, email, _, path := resetLink(t)
		a.client().login(email, dbtest.OwnerPassword)
		assertDead(t, path)
	})
	// An invited user's activation link dies too when an admin sets the
	// password (the link also needs the user still invited).
	t.Run("ActivationLinkOnAdminSet", func(t *testing.T) {
		u := inviteUser(t, a.db, owner, "invited-link@example.pl", "")
		path := linkPath(t, lastMailTo(t, a.db, owner, "invited-link@example.pl").Body)
		status, body := a.api("PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), ownerToken, map[string]any{
			"password": "Admin-set1!"})
		if status != http.StatusOK {
			t.Fatalf("patch: %d %v", status, body)
		}
		assertDead(t, path)
	})
}
