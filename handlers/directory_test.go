package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// Issue 17, Settings -> Katalog: a SCIM token is made by an admin with
// users.manage, shown once, listed with its ceiling and defaults, used
// (the request shows in the last 50) and revoked.
func TestDirectorySCIMTokens(t *testing.T) {
	ap := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, ap)
	staff, _ := ap.db.BuiltinRoleID(ctx, db.BuiltinStaff)
	pos, _ := ap.db.DefaultPositionID(ctx, owner)
	c := ap.ownerClient()
	if r := c.get("/settings"); r.Status != 200 {
		t.Fatalf("settings: %d", r.Status)
	} else {
		mustContain(t, "settings", r.Body, `href="/settings/directory"`)
	}
	r := c.get("/settings/directory")
	mustContain(t, "directory", r.Body, "/scim/v2")
	r = c.post("/settings/directory/scim-tokens", url.Values{"name": {"Entra"}, "ceiling_role_id": {fmt.Sprint(staff)},
		"default_role_id": {fmt.Sprint(staff)}, "default_position_id": {fmt.Sprint(pos)}})
	tok := regexp.MustCompile(`kadra_scim_[A-Za-z0-9_-]+`).FindString(r.Body)
	if r.Status != 200 || tok == "" {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if r := c.get("/settings/directory"); regexp.MustCompile(tok).MatchString(r.Body) {
		t.Error("the token shows a second time")
	}
	// A taken name comes back with the form and a message (R-SEC-1).
	r = c.post("/settings/directory/scim-tokens", url.Values{"name": {"Entra"}, "ceiling_role_id": {fmt.Sprint(staff)},
		"default_role_id": {fmt.Sprint(staff)}, "default_position_id": {fmt.Sprint(pos)}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("taken name: %d", r.Status)
	}
	w := &scimWorld{a: ap, owner: owner, token: tok}
	if st, _, _ := w.do(t, "GET", "/Users", ""); st != 200 {
		t.Fatalf("the token: %d", st)
	}
	r = c.get("/settings/directory")
	mustContain(t, "requests", r.Body, "GET /scim/v2/Users")
	// R-AUDIT-2: what the token does is audited as its own named actor.
	w.create(t, "nowa@example.pl")
	r = c.get("/audit")
	mustContain(t, "audit", r.Body, "SCIM: Entra", "nowa@example.pl")
	toks, _ := ap.db.SCIMTokens(ctx, owner)
	if len(toks) != 1 {
		t.Fatalf("tokens: %v", toks)
	}
	if r := c.post("/settings/directory/scim-tokens/revoke", url.Values{"id": {toks[0].ID}}); r.Status != http.StatusSeeOther {
		t.Errorf("revoke: %d", r.Status)
	}
	if st, _, _ := w.do(t, "GET", "/Users", ""); st != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", st)
	}
}

// R-SEC-2: a token's ceiling is a role within its maker's own; staff
// cannot open the page at all.
func TestSCIMTokenCeiling(t *testing.T) {
	ap := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, ap)
	helpdesk, err := ap.db.CreateRole(ctx, owner, db.RoleInput{Name: "Helpdesk",
		Permissions: []db.Permission{db.PermUsersView, db.PermUsersManage}})
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := ap.db.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	pos, _ := ap.db.DefaultPositionID(ctx, owner)
	u := dbtest.AddUser(t, ap.db, owner, "help@example.pl")
	if err := ap.db.SetUserRole(ctx, owner, u.ID, helpdesk.ID); err != nil {
		t.Fatal(err)
	}
	c := ap.client()
	c.login(u.Email, dbtest.OwnerPassword)
	r := c.post("/settings/directory/scim-tokens", url.Values{"name": {"Up"}, "ceiling_role_id": {fmt.Sprint(admin)},
		"default_role_id": {fmt.Sprint(helpdesk.ID)}, "default_position_id": {fmt.Sprint(pos)}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("ceiling above one's own: %d", r.Status)
	}
	r = c.post("/settings/directory/scim-tokens", url.Values{"name": {"Ok"}, "ceiling_role_id": {fmt.Sprint(helpdesk.ID)},
		"default_role_id": {fmt.Sprint(admin)}, "default_position_id": {fmt.Sprint(pos)}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("default above the ceiling: %d", r.Status)
	}
	r = c.post("/settings/directory/scim-tokens", url.Values{"name": {"Ok"}, "ceiling_role_id": {fmt.Sprint(helpdesk.ID)},
		"default_role_id": {fmt.Sprint(helpdesk.ID)}, "default_position_id": {fmt.Sprint(pos)}})
	if r.Status != 200 {
		t.Errorf("within one's own: %d", r.Status)
	}
	staff := dbtest.AddUser(t, ap.db, owner, "staff@example.pl")
	s := ap.client()
	s.login(staff.Email, dbtest.OwnerPassword)
	if r := s.get("/settings/directory"); r.Status != http.StatusForbidden {
		t.Errorf("staff: %d", r.Status)
	}
}
