package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// R-GOV-5: the owner's access review page (in the owner's navigation)
// lists each account's users with what gets them in, filters admins only,
// downloads as CSV, takes the review's stamp (audited), and the dashboard
// reminds the owner until it is done; an Administrator may not open it.
func TestAccessReviewPage(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	dbtest.AddAdmin(t, a.db, owner, "admin@example.pl")
	dbtest.AddUser(t, a.db, owner, "staff@example.pl")
	c := a.ownerClient()
	home := c.get("/")
	mustContain(t, "nav", home.Body, `href="/access-review"`, `hx-get="/access-review/reminder"`)
	mustContain(t, "reminder", c.get("/access-review/reminder").Body, "No access review has been done yet")
	r := c.get("/access-review")
	mustContain(t, "page", r.Body, "owner@example.pl", "admin@example.pl", "staff@example.pl", "none (own profile only)", "every account")
	admins := c.get("/access-review?admins=true")
	if strings.Contains(admins.Body, "staff@example.pl") || !strings.Contains(admins.Body, "admin@example.pl") {
		t.Fatal("admins only lists staff")
	}
	csv := c.get("/access-review/export.csv?admins=true")
	if csv.Status != http.StatusOK || !strings.Contains(csv.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csv.Body, "admin@example.pl") || strings.Contains(csv.Body, "staff@example.pl") ||
		!strings.Contains(csv.Body, "Sub-account access") {
		t.Fatalf("csv: %d\n%s", csv.Status, csv.Body)
	}
	if r := c.post("/access-review/done", url.Values{"reviewed_on": {"not a date"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad date: %d", r.Status)
	}
	if r := c.post("/access-review/done", url.Values{"reviewed_on": {""}}); r.Status != http.StatusSeeOther {
		t.Fatalf("stamp: %d", r.Status)
	}
	mustContain(t, "stamped", c.get("/access-review").Body, "Last review:")
	if r := c.get("/access-review/reminder"); strings.TrimSpace(r.Body) != "" {
		t.Fatalf("reminder right after the review: %q", r.Body)
	}
	mustContain(t, "audit", c.get("/audit?action=access_review.done").Body, "1 entry")

	adm := a.client()
	adm.login("admin@example.pl", dbtest.OwnerPassword)
	if strings.Contains(adm.get("/").Body, `href="/access-review"`) {
		t.Error("an Administrator is offered the review")
	}
	for _, path := range []string{"/access-review", "/access-review/export.csv"} {
		if r := adm.get(path); r.Status != http.StatusForbidden {
			t.Errorf("admin %s: %d", path, r.Status)
		}
	}
	if r := adm.post("/access-review/done", url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("admin stamps: %d", r.Status)
	}
}
