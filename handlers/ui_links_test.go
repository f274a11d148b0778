package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// R-SEC-2 (issue 11, point 8): pages offer only what the policy allows and
// link nowhere dead: no Settings link for those Settings refuses, the
// dashboard names the user's role, the owner's role is not offered for a
// change that would be refused, and /favicon.ico answers, cached.
func TestNoDeadLinksOrOffers(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	dbtest.AddUser(t, a.db, owner, "staff@example.pl")
	c := a.client()
	c.login("staff@example.pl", dbtest.OwnerPassword)
	home := c.get("/").Body
	if strings.Contains(home, `href="/settings"`) {
		t.Error("staff are offered Settings, which refuses them")
	}
	mustContain(t, "dashboard role", home, "Staff member")
	if r := c.get("/favicon.ico"); r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "max-age") ||
		r.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon: %d %v", r.Status, r.Header)
	}
	o := a.ownerClient()
	mustContain(t, "owner's settings", o.get("/").Body, `href="/settings"`)
	me, err := a.db.Me(t.Context(), owner)
	if err != nil {
		t.Fatal(err)
	}
	form := o.get(fmt.Sprintf("/users/%d/edit", me.ID)).Body
	mustContain(t, "owner's role", form, `<select id="f-role_id" disabled`, "always stays Administrator")
}

// R-ACC-6 (issue 11, point 9): after creating a sub-account the owner is
// offered to switch there or to add its first users, which switches and
// opens the user form there.
func TestSubAccountNextSteps(t *testing.T) {
	a := newSetupApp(t)
	acc := dbtest.AddAccount(t, a.db, ownerActor(t, a), "Oddział")
	c := a.ownerClient()
	page := c.get(fmt.Sprintf("/accounts/%d?created=1", acc.ID)).Body
	mustContain(t, "next steps", page, `id="next-add-users"`, `id="next-switch"`)
	if strings.Contains(c.get(fmt.Sprintf("/accounts/%d", acc.ID)).Body, `id="next-switch"`) {
		t.Error("next steps shown on a later visit")
	}
	r := c.post("/accounts/switch", map[string][]string{"account_id": {fmt.Sprint(acc.ID)}, "next": {"/users/new"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/users/new" {
		t.Fatalf("switch and add: %d %s", r.Status, r.Header.Get("Location"))
	}
	mustContain(t, "acting there", c.get("/users/new").Body, "Oddział")
	if r := c.post("/accounts/switch", map[string][]string{"account_id": {fmt.Sprint(acc.ID)}, "next": {"//evil.example"}}); r.Header.Get("Location") != "/" {
		t.Errorf("next left the site: %s", r.Header.Get("Location"))
	}
}
