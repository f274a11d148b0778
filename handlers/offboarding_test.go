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

// R-GOV-4: the flow from the user's page: the form, the summary, then the
// offboarding in one step, its printable report (with the successor's new
// SIP password once), reachable again from the audit log.
func TestOffboardingFlow(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	ctx := context.Background()
	l, err := a.db.CreateLicense(ctx, owner, db.LicenseInput{Product: "Office 365", Seats: 3})
	if err != nil {
		t.Fatal(err)
	}
	leaver := dbtest.AddUser(t, a.db, owner, "leaver@example.pl")
	succ := dbtest.AddUser(t, a.db, owner, "successor@example.pl")
	if _, err := a.db.AssignLicense(ctx, owner, l.ID, leaver.ID); err != nil {
		t.Fatal(err)
	}
	ld, _ := a.db.GetUserDetails(ctx, owner, leaver.ID)
	oc := a.ownerClient()
	oc.post("/lang", url.Values{"lang": {"pl"}, "next": {"/"}})
	page := fmt.Sprintf("/users/%d", leaver.ID)
	if r := oc.get(page); !strings.Contains(r.Body, page+"/offboard") {
		t.Fatal("the user page offers no offboarding")
	}
	oc.get(page + "/offboard")
	plan := url.Values{"successor_email": {succ.Email}, "sip": {"successor"}, "numbers": {"free"},
		"licenses": {"successor"}, "groups": {"drop"}, "delete": {"never"}}
	r := oc.post(page+"/offboard", plan)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Numer wewnętrzny "+ld.Extension+" przejmie") ||
		!strings.Contains(r.Body, `name="confirmed"`) {
		t.Fatalf("summary: %d\n%s", r.Status, r.Body)
	}
	plan.Set("confirmed", "true")
	plan.Set("successor_id", fmt.Sprint(succ.ID))
	r = oc.post(page+"/offboard", plan)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/offboardings/") {
		t.Fatalf("run: %d %s", r.Status, r.Body)
	}
	report := oc.get(r.Header.Get("Location"))
	for _, want := range []string{"Raport z offboardingu", "przekazano następcy", ld.Extension, "Office 365", "Konto zablokowane"} {
		if !strings.Contains(report.Body, want) && !strings.Contains(report.Body, strings.ToLower(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	reportPath := strings.SplitN(r.Header.Get("Location"), "?", 2)[0]
	if again := oc.get(reportPath); strings.Contains(again.Body, "sip-shown") && strings.Contains(again.Body, "hasło:") {
		t.Error("the new SIP password is shown twice")
	}
	audit := oc.get("/audit")
	if !strings.Contains(audit.Body, `href="`+reportPath+`"`) {
		t.Fatal("the report is not reachable from the audit log")
	}
	sd, _ := a.db.GetUserDetails(ctx, owner, succ.ID)
	if sd.Extension != ld.Extension {
		t.Fatalf("successor's extension %q, want %q", sd.Extension, ld.Extension)
	}
	// A refused plan comes back with the reason.
	other := dbtest.AddUser(t, a.db, owner, "other@example.pl")
	r = oc.post(fmt.Sprintf("/users/%d/offboard", other.ID), url.Values{"sip": {"successor"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Wybierz następcę") {
		t.Fatalf("no successor: %d", r.Status)
	}
}

// R-GOV-4: the API schedules, lists and cancels; the page lists the
// scheduled ones for users.delete.
func TestOffboardingAPI(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	u := dbtest.AddUser(t, a.db, owner, "leaver@example.pl")
	tok := a.token(owner.Email)
	day := time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	st, o := a.api("POST", fmt.Sprintf("/api/v1/users/%d/offboarding", u.ID), tok, map[string]any{"day": day, "delete": "never"})
	if st != http.StatusAccepted || o["state"] != "scheduled" {
		t.Fatalf("schedule: %d %v", st, o)
	}
	id := int64(o["id"].(float64))
	if st, list := a.api("GET", "/api/v1/offboardings?state=scheduled", tok, nil); st != http.StatusOK || len(list["items"].([]any)) != 1 {
		t.Fatalf("list: %d %v", st, list)
	}
	if r := a.ownerClient().get("/offboardings"); !strings.Contains(r.Body, "leaver@example.pl") {
		t.Fatal("scheduled offboarding not on the page")
	}
	if st, _ := a.api("DELETE", fmt.Sprintf("/api/v1/offboardings/%d", id), tok, nil); st != http.StatusNoContent {
		t.Fatalf("cancel: %d", st)
	}
	if st, o := a.api("GET", fmt.Sprintf("/api/v1/offboardings/%d", id), tok, nil); st != http.StatusOK || o["state"] != "cancelled" {
		t.Fatalf("after cancel: %d %v", st, o)
	}
	if st, _ := a.api("POST", fmt.Sprintf("/api/v1/users/%d/offboarding", u.ID), tok, map[string]any{"sip": "lose"}); st != http.StatusBadRequest {
		t.Fatalf("bad choice: %d", st)
	}
}
