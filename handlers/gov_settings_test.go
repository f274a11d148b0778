package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-GOV-1: Settings → Kto ma dostęp: the owner previews whom the rule
// blocks today and in the next seven days; turning it on without that
// preview shows it first and saves nothing; an Administrator may not open
// or change it.
func TestDormancySettingsPage(t *testing.T) {
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	a := serve(t, d)
	dbtest.AddUser(t, d, owner, "stary@example.pl")
	dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	clock.Advance(25 * 24 * time.Hour)
	dbtest.AddUser(t, d, owner, "nowy@example.pl")
	c := a.ownerClient()
	mustContain(t, "settings", c.get("/settings").Body, `href="/settings/governance"`)
	c.get("/settings/governance")
	rule := url.Values{"enabled": {"true"}, "days": {"30"}, "warn_days": {"5"}}
	r := c.post("/settings/dormancy", rule)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Before turning the rule on") ||
		!strings.Contains(r.Body, "In the next 7 days: 2 people") || !strings.Contains(r.Body, "stary@example.pl") ||
		strings.Contains(r.Body, "nowy@example.pl") {
		t.Fatalf("turning on without a preview: %d", r.Status)
	}
	if got, _ := d.GetDormancyRule(context.Background(), owner); got.Enabled {
		t.Fatal("the rule was turned on without a preview")
	}
	rule.Set("previewed", "true")
	if r := c.post("/settings/dormancy", rule); r.Status != http.StatusSeeOther {
		t.Fatalf("save after the preview: %d", r.Status)
	}
	if got, _ := d.GetDormancyRule(context.Background(), owner); !got.Enabled || got.Days != 30 {
		t.Fatalf("saved rule: %+v", got)
	}
	bad := c.post("/settings/dormancy/preview", url.Values{"days": {"0"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "from 1 to 3650") {
		t.Fatalf("bad preview: %d", bad.Status)
	}
	admin := a.client()
	admin.login("admin@example.pl", dbtest.OwnerPassword)
	if r := admin.get("/settings/governance"); r.Status != http.StatusForbidden {
		t.Fatalf("admin opens the rule: %d", r.Status)
	}
	admin.get("/settings")
	if r := admin.post("/settings/dormancy", url.Values{"days": {"1"}}); r.Status != http.StatusForbidden {
		t.Fatalf("admin changes the rule: %d", r.Status)
	}
}

// R-GOV-1: the user list filters "inactive for N days" and shows "never"
// for a user who never signed in; the API list takes the same filter.
func TestUsersInactiveFilterPage(t *testing.T) {
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	a := serve(t, d)
	dbtest.AddUser(t, d, owner, "stary@example.pl")
	clock.Advance(40 * 24 * time.Hour)
	dbtest.AddUser(t, d, owner, "nowy@example.pl")
	c := a.ownerClient()
	r := c.get("/users?inactive_days=30")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "stary@example.pl") || strings.Contains(r.Body, "nowy@example.pl") ||
		!strings.Contains(r.Body, `<option value="30" selected>30 days</option>`) || !strings.Contains(r.Body, ">never<") {
		t.Fatalf("filter: %d", r.Status)
	}
	status, body := a.api("GET", "/api/v1/users?inactive_days=30", a.token("owner@example.pl"), nil)
	if status != http.StatusOK || body["total"].(float64) != 1 {
		t.Fatalf("API filter: %d %v", status, body)
	}
	if status, _ := a.api("GET", "/api/v1/users?inactive_days=-3", a.token("owner@example.pl"), nil); status != http.StatusBadRequest {
		t.Fatalf("API bad filter: %d", status)
	}
}
