package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// impersonateForm is a valid "log in as" form (R-GOV-3): a reason and the
// default time limit.
func impersonateForm() url.Values {
	return url.Values{"reason": {"Checking why the numbers list is empty"}, "minutes": {"30"}}
}

// R-GOV-3: "log in as" asks a reason (at least 10 characters) and a time
// limit; the banner shows the time left; when it is up, the next request
// goes back to the admin by itself, audited as the system; the user's
// profile lists the log-in with who, how long and why; the owner may
// require a mail to the user.
func TestImpersonationAccountable(t *testing.T) {
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	a := serve(t, d)
	u := dbtest.AddUser(t, d, owner, "anna@example.pl")
	c := a.ownerClient()

	// The owner requires a mail to the user.
	c.get("/settings/governance")
	if r := c.post("/settings/impersonation", url.Values{"notify_user": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("notify switch: %d", r.Status)
	}

	form := c.get(fmt.Sprintf("/users/%d/impersonate", u.ID))
	mustContain(t, "form", form.Body, `name="reason"`, `<option value="30" selected>`, `<option value="480"`)
	short := url.Values{"reason": {"because"}, "minutes": {"30"}}
	r := c.post(fmt.Sprintf("/users/%d/impersonate", u.ID), short)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "at least 10 characters") ||
		!strings.Contains(r.Body, ">because</textarea>") {
		t.Fatalf("short reason: %d", r.Status)
	}
	long := url.Values{"reason": {"Checking the numbers list"}, "minutes": {"481"}}
	if r := c.post(fmt.Sprintf("/users/%d/impersonate", u.ID), long); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("more than 8 hours: %d", r.Status)
	}
	if r := c.post(fmt.Sprintf("/users/%d/impersonate", u.ID), impersonateForm()); r.Status != http.StatusSeeOther {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	clock.Advance(6 * time.Minute)
	home := c.get("/")
	mustContain(t, "banner", home.Body, "You are acting as anna@example.pl", "Back to your account in 24 min.")
	// The user's own list (here seen while acted as) names who and why.
	list := c.get("/profile/impersonations")
	mustContain(t, "profile list", list.Body, "Ola Owner", "Checking why the numbers list is empty", "in progress")

	// The time is up: the next request is the owner's again.
	clock.Advance(25 * time.Minute)
	r = c.get("/profile")
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/users" {
		t.Fatalf("expiry: %d %s", r.Status, r.Header.Get("Location"))
	}
	back := c.get("/users")
	if back.Status != http.StatusOK || strings.Contains(back.Body, "You are acting as") ||
		!strings.Contains(back.Body, "The time for acting as another user is up") {
		t.Fatalf("not back as the owner: %d", back.Status)
	}
	ctx := context.Background()
	log, err := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "user.impersonate"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range log.Items {
		got[e.Action] = e.ActorEmail + " " + e.After
	}
	if !strings.Contains(got["user.impersonate"], "Checking why") || !strings.HasPrefix(got["user.impersonate_expired"], "system") {
		t.Fatalf("audit: %v", got)
	}
	// Anna sees it on her profile: 30 minutes, by the owner, and why.
	anna := a.client()
	anna.login("anna@example.pl", dbtest.OwnerPassword)
	mine := anna.get("/profile/impersonations")
	mustContain(t, "anna's list", mine.Body, "Ola Owner", "30 minutes", "Checking why the numbers list is empty")
	if strings.Contains(mine.Body, "/audit?") {
		t.Error("staff without audit.view is offered the audit log")
	}
	mails, err := d.ListOutbox(ctx, owner, db.OutboxQuery{Q: "acting as you", PerPage: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(mails.Items) != 1 || !strings.Contains(mails.Items[0].Body, "Checking why the numbers list is empty") {
		t.Fatalf("mail to the user: %+v", mails.Items)
	}
}
