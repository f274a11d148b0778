package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

var sessionIDRe = regexp.MustCompile(`name="(?:id|session)" value="([0-9a-f]{64})"`)

// R-MFA-4: the profile lists one's sessions with "this one"; "Wyloguj" ends
// another, "Wyloguj pozostałe" the rest, and "Wyloguj" on this one signs
// this browser out.
func TestProfileSessions(t *testing.T) {
	a := newSetupApp(t)
	c, other1, other2 := a.ownerClient(), a.ownerClient(), a.ownerClient()
	r := c.get("/profile")
	mustContain(t, "profile", r.Body, "Sessions", "this one", "Sign out the others", "Go")
	current, others := sessionRows(t, r.Body)
	if len(others) < 2 {
		t.Fatalf("%d other sessions listed", len(others))
	}
	if res := c.post("/profile/sessions/end", url.Values{"id": {others[0]}}); res.Status != http.StatusSeeOther ||
		res.Header.Get("Location") != "/profile#sessions" {
		t.Fatalf("end another: %d %s", res.Status, res.Header.Get("Location"))
	}
	if cur, left := sessionRows(t, c.get("/profile").Body); cur != current || len(left) != len(others)-1 {
		t.Fatalf("after ending one: %d others left", len(left))
	}
	if res := c.post("/profile/sessions/end", url.Values{"id": {"0000"}}); res.Status != http.StatusNotFound {
		t.Fatalf("an unknown session: %d", res.Status)
	}

	d := a.ownerClient()
	d.get("/profile")
	if r := d.post("/profile/sessions/end-others", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("end others: %d", r.Status)
	}
	mustContain(t, "after", d.get("/profile").Body, "other session")
	for _, o := range []*client{c, other1, other2} {
		if o.get("/profile").Status == http.StatusOK {
			t.Fatal("a session survived Sign out the others")
		}
	}
	cur, left := sessionRows(t, d.get("/profile").Body)
	if len(left) != 0 {
		t.Fatalf("%d other sessions left", len(left))
	}
	if res := d.post("/profile/sessions/end", url.Values{"id": {cur}}); res.Header.Get("Location") != "/login" {
		t.Fatalf("end this one: %d %s", res.Status, res.Header.Get("Location"))
	}
	if d.get("/profile").Status != http.StatusSeeOther {
		t.Fatal("still signed in after ending this session")
	}
}

// sessionRows reads the profile's list of sessions: this one's id and the
// others'.
func sessionRows(t *testing.T, body string) (current string, others []string) {
	t.Helper()
	for _, row := range strings.Split(body, "<tr>")[1:] {
		m := sessionIDRe.FindStringSubmatch(row)
		if m == nil {
			continue
		}
		if strings.Contains(row, "this one") {
			current = m[1]
		} else {
			others = append(others, m[1])
		}
	}
	if current == "" {
		t.Fatal("no session marked this one")
	}
	return current, others
}

// R-MFA-4, R-SEC-2: an admin who may act on a user sees their sessions on
// the user's page and ends them; the user gets a mail. On a stronger user
// the page shows no sessions and the route refuses.
func TestUserPageSessions(t *testing.T) {
	a := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, a)
	staff := dbtest.AddUser(t, a.db, owner, "staff@example.pl")
	admin := dbtest.AddAdmin(t, a.db, owner, "admin@example.pl")
	role, err := a.db.CreateRole(ctx, owner, db.RoleInput{Name: "Blocker", Permissions: []db.Permission{db.PermUsersView, db.PermUsersBlock}})
	if err != nil {
		t.Fatal(err)
	}
	blocker := dbtest.AddUser(t, a.db, owner, "blocker@example.pl", func(in *db.UserInput) { in.RoleID = role.ID })
	victim := a.client()
	victim.login(staff.Email, dbtest.OwnerPassword)
	strong := a.client()
	strong.login(admin.Email, dbtest.OwnerPassword)
	b := a.client()
	b.login(blocker.Email, dbtest.OwnerPassword)

	page := b.get(fmt.Sprintf("/users/%d", admin.ID))
	if page.Status != http.StatusOK || strings.Contains(page.Body, `id="sessions"`) {
		t.Fatalf("a stronger user's sessions shown: %d", page.Status)
	}
	if r := b.post(fmt.Sprintf("/users/%d/sessions/end", admin.ID), nil); r.Status != http.StatusForbidden {
		t.Fatalf("end a stronger user's sessions: %d", r.Status)
	}
	if strong.get("/profile").Status != http.StatusOK {
		t.Fatal("the stronger user was signed out")
	}

	page = b.get(fmt.Sprintf("/users/%d", staff.ID))
	mustContain(t, "user page", page.Body, `id="sessions"`, "Sign out everywhere", "127.0.0.1")
	r := b.post(fmt.Sprintf("/users/%d/sessions/end", staff.ID), url.Values{"back": {fmt.Sprintf("/users/%d#sessions", staff.ID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("end: %d %s", r.Status, r.Body)
	}
	mustContain(t, "after", b.get(r.Header.Get("Location")).Body, "1 session was ended", "No live sessions.")
	if victim.get("/profile").Status == http.StatusOK {
		t.Fatal("the user is still signed in")
	}
	mail, _ := a.db.ListOutbox(ctx, owner, db.OutboxQuery{Q: staff.Email})
	if mail.Total != 1 || !strings.Contains(mail.Items[0].Subject, "signed out") {
		t.Fatalf("mail: %+v", mail.Items)
	}
}

// R-MFA-6: a token is created with a lifetime and shows it; the owner's
// page lists every token with its owner and revokes any; others get 403.
func TestTokensPages(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	admin := dbtest.AddAdmin(t, a.db, owner, "admin@example.pl")
	ac := a.client()
	ac.login(admin.Email, dbtest.OwnerPassword)
	ac.get("/profile")
	if r := ac.post("/profile/tokens", url.Values{"name": {"backup script"}, "expires_days": {"90"}}); r.Status != http.StatusOK {
		t.Fatalf("create: %d", r.Status)
	}
	mustContain(t, "profile", ac.get("/profile").Body, "backup script", "Expires", "Valid for", "Also revoke my API token")
	if r := ac.post("/profile/tokens", url.Values{"name": {"odd"}, "expires_days": {"7"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("7 days: %d", r.Status)
	}
	if r := ac.get("/tokens"); r.Status != http.StatusForbidden {
		t.Fatalf("an Administrator opens /tokens: %d", r.Status)
	}
	c := a.ownerClient()
	page := c.get("/tokens")
	mustContain(t, "tokens", page.Body, "backup script", admin.Email)
	m := regexp.MustCompile(`name="id" value="([0-9a-f]{64})"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no revoke form")
	}
	if r := ac.post("/tokens/revoke", url.Values{"id": {m[1]}}); r.Status != http.StatusForbidden {
		t.Fatalf("an Administrator revokes: %d", r.Status)
	}
	if r := c.post("/tokens/revoke", url.Values{"id": {m[1]}}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if strings.Contains(c.get("/tokens").Body, "backup script") {
		t.Fatal("revoked token still listed")
	}
}
