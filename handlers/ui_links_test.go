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
