package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

func ownerActor(t *testing.T, a *app) db.Actor {
	t.Helper()
	return dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
}

// R-AUDIT-1: changes are audited with who and what, and audit.view holders
// search them by actor, action, target and date, paged.
func TestAuditPage(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	for i := 0; i < 60; i++ {
		dbtest.AddUser(t, a.db, owner, fmt.Sprintf("u%02d@example.pl", i))
	}
	c := a.ownerClient()
	r := c.get("/audit?action=user.create")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "60 entries") || !strings.Contains(r.Body, "Page 1 of 2") {
		t.Fatalf("audit by action: %d\n%s", r.Status, r.Body)
	}
	r = c.get("/audit?action=user.create&page=2")
	if !strings.Contains(r.Body, "u00@example.pl") {
		t.Error("page 2 lacks the oldest entry")
	}
	r = c.get("/audit?target=u07@example")
	if !strings.Contains(r.Body, "1 entry") {
		t.Errorf("search by target label")
	}
	r = c.get("/audit?actor=nobody")
	if !strings.Contains(r.Body, "0 entries") {
		t.Error("search by actor")
	}
	r = c.get("/audit?from=2000-01-01&to=2000-01-02")
	if !strings.Contains(r.Body, "0 entries") {
		t.Error("search by date")
	}
	r = c.get("/audit?from=yesterday")
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "YYYY-MM-DD") || !strings.Contains(r.Body, `value="yesterday"`) {
		t.Errorf("bad date: %d", r.Status)
	}
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/audit?action=setup", nil)
	req.Header.Set("HX-Request", "true")
	if r := c.do(req); strings.Contains(r.Body, "<html") || !strings.Contains(r.Body, "1 entry") {
		t.Errorf("htmx search should answer the results only")
	}

	s := a.client()
	s.login("u01@example.pl", dbtest.OwnerPassword)
	if r := s.get("/audit"); r.Status != http.StatusForbidden {
		t.Fatalf("staff on audit: %d", r.Status)
	}
	tok := a.token("u01@example.pl")
	if status, _ := a.api("GET", "/api/v1/audit", tok, nil); status != http.StatusForbidden {
		t.Fatalf("staff on the audit API: %d", status)
	}
	status, body := a.api("GET", "/api/v1/audit?action=user.create&per_page=10", a.token("owner@example.pl"), nil)
	if status != http.StatusOK || body["total"].(float64) != 60 || len(body["items"].([]any)) != 10 {
		t.Fatalf("audit API: %d %v", status, body)
	}
	if status, _ := a.api("GET", "/api/v1/audit?from=nope", a.token("owner@example.pl"), nil); status != http.StatusBadRequest {
		t.Fatalf("bad date on the API: %d", status)
	}
}

// R-AUDIT-1: a refused change writes no audit row; a change and its audit
// row commit together.
func TestAuditSameTransaction(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := context.Background()
	before, _ := d.SearchAudit(ctx, owner, db.AuditFilter{})
	_, err := d.CreateUser(ctx, owner, db.UserInput{Email: "bad"})
	if err == nil {
		t.Fatal("bad input accepted")
	}
	after, _ := d.SearchAudit(ctx, owner, db.AuditFilter{})
	if after.Total != before.Total {
		t.Fatal("a refused change was audited")
	}
	u := dbtest.AddUser(t, d, owner, "x@example.pl")
	page, _ := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "user.create"})
	if page.Total != 1 || page.Items[0].TargetID != u.ID || page.Items[0].ActorEmail != "owner@example.pl" ||
		page.Items[0].AccountID != owner.AccountID || !strings.Contains(page.Items[0].After, "x@example.pl") {
		t.Fatalf("audit row: %+v", page.Items)
	}
}
