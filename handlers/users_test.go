package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// R-USER-16, R-USER-7: the list searches, filters, sorts and pages with the
// state in the URL, and each row offers its menu.
func TestUsersListPage(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	for i := 0; i < 55; i++ {
		dbtest.AddUser(t, a.db, owner, fmt.Sprintf("user%02d@example.pl", i))
	}
	c := a.ownerClient()
	r := c.get("/users")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "56 users") || !strings.Contains(r.Body, "Page 1 of 2") {
		t.Fatalf("list: %d", r.Status)
	}
	// R-USER-7: each row's menu (loaded when it opens) offers every action.
	if !strings.Contains(r.Body, `hx-get="/users/`) {
		t.Fatal("rows have no menu")
	}
	u := dbtest.AddUser(t, a.db, owner, "menu@example.pl")
	menu := c.get(fmt.Sprintf("/users/%d/menu?back=/users", u.ID))
	for _, item := range []string{"Edit", "Block", "Delete", "Reset password", "Log in as"} {
		if !strings.Contains(menu.Body, ">"+item+"<") {
			t.Errorf("row menu lacks %q", item)
		}
	}
	if strings.Contains(menu.Body, "<html") {
		t.Error("the menu is a fragment, not a page")
	}
	r = c.get("/users?q=user05")
	if !strings.Contains(r.Body, "1 user<") || !strings.Contains(r.Body, "user05@example.pl") {
		t.Fatalf("search")
	}
	r = c.get("/users?sort=-email&per_page=5")
	if !regexp.MustCompile(`(?s)<tbody>.*?user54@example.pl`).MatchString(r.Body) {
		t.Fatalf("descending sort")
	}
	if !strings.Contains(r.Body, `href="/users?page=2&amp;per_page=5&amp;sort=-email"`) {
		t.Errorf("pager does not keep the sort")
	}
	r = c.get("/users?sort=nope")
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad sort: %d", r.Status)
	}
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/users?q=user1", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "results")
	if r := c.do(req); strings.Contains(r.Body, "<html") || !strings.Contains(r.Body, "10 users") {
		t.Fatalf("htmx search answers the results only")
	}
	s := a.client()
	s.login("user01@example.pl", dbtest.OwnerPassword)
	if r := s.get("/users"); r.Status != http.StatusForbidden {
		t.Fatalf("staff on the list: %d", r.Status)
	}
}

// R-USER-8: blocking from the row menu ends the user's open session on its
// next request; unblocking lets them in again.
func TestBlockFromList(t *testing.T) {
	a := newSetupApp(t)
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), "anna@example.pl")
	victim := a.client()
	victim.login(u.Email, dbtest.OwnerPassword)
	c := a.ownerClient()
	c.get("/users")
	r := c.post(fmt.Sprintf("/users/%d/block", u.ID), url.Values{"back": {"/users?q=anna"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/users?q=anna" {
		t.Fatalf("block: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := victim.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("blocked user's session survived: %d", r.Status)
	}
	if r := c.get("/users"); !strings.Contains(r.Body, "anna@example.pl is blocked") {
		t.Error("no message after blocking")
	}
	victim.get("/login")
	if r := victim.post("/login", url.Values{"email": {u.Email}, "password": {dbtest.OwnerPassword}}); r.Status != http.StatusForbidden {
		t.Fatalf("blocked sign-in: %d", r.Status)
	}
	c.post(fmt.Sprintf("/users/%d/unblock", u.ID), nil)
	victim.login(u.Email, dbtest.OwnerPassword)
	// The owner cannot be blocked; the refusal is a page, not a 500.
	if r := c.post(fmt.Sprintf("/users/%d/block", ownerActor(t, a).UserID), nil); r.Status != http.StatusForbidden ||
		!strings.Contains(r.Body, "The owner cannot be blocked.") {
		t.Fatalf("blocking the owner: %d", r.Status)
	}
}

// R-USER-9, R-USER-7: delete from the row menu; the bulk form reports what
// it did and what it skipped ("2 blocked, 1 skipped").
func TestDeleteAndBulk(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	u1 := dbtest.AddUser(t, a.db, owner, "a1@example.pl")
	u2 := dbtest.AddUser(t, a.db, owner, "a2@example.pl")
	u3 := dbtest.AddUser(t, a.db, owner, "a3@example.pl")
	c := a.ownerClient()
	c.get("/users")
	r := c.post("/users/bulk", url.Values{"action": {"block"}, "back": {"/users"},
		"ids": {fmt.Sprint(u1.ID), fmt.Sprint(u2.ID), fmt.Sprint(owner.UserID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("bulk: %d", r.Status)
	}
	r = c.get("/users")
	if !strings.Contains(r.Body, "2 blocked, 1 skipped.") || !strings.Contains(r.Body, "The owner cannot be blocked.") {
		t.Fatalf("bulk report missing:\n%s", r.Body)
	}
	if r := c.post("/users/bulk", url.Values{"action": {"block"}}); r.Status != http.StatusBadRequest {
		t.Fatalf("empty selection: %d", r.Status)
	}
	if r := c.post(fmt.Sprintf("/users/%d/delete", u3.ID), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := c.get("/users?q=a3@"); strings.Contains(r.Body, "a3@example.pl") {
		t.Fatal("deleted user still listed")
	}
	if r := c.post(fmt.Sprintf("/users/%d/delete", u3.ID), nil); r.Status != http.StatusNotFound {
		t.Fatalf("deleting again: %d", r.Status)
	}
}

// R-USER-14: log in as shows a banner with a way back; the owner cannot be
// acted as.
func TestImpersonateFlow(t *testing.T) {
	a := newSetupApp(t)
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), "anna@example.pl")
	c := a.ownerClient()
	c.get("/users")
	if r := c.post(fmt.Sprintf("/users/%d/impersonate", u.ID), impersonateForm()); r.Status != http.StatusSeeOther {
		t.Fatalf("impersonate: %d", r.Status)
	}
	r := c.get("/")
	if !strings.Contains(r.Body, "You are acting as anna@example.pl (signed in as owner@example.pl)") {
		t.Fatalf("no banner:\n%s", r.Body)
	}
	if r := c.get("/users"); r.Status != http.StatusForbidden {
		t.Fatalf("acting as staff, the list should be refused: %d", r.Status)
	}
	c.get("/")
	if r := c.post("/impersonation/stop", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("stop: %d", r.Status)
	}
	if r := c.get("/users"); r.Status != http.StatusOK || strings.Contains(r.Body, "You are acting as") {
		t.Fatalf("not back as the owner: %d", r.Status)
	}
	// The page's action list picks one action; the API reads it as a prefix.
	for _, action := range []string{"user.impersonate", "user.impersonate_end"} {
		if page := c.get("/audit?action=" + action); !strings.Contains(page.Body, "1 entry") {
			t.Fatalf("%s not audited", action)
		}
	}
	status, body := a.api("GET", "/api/v1/audit?action=user.impersonate", a.token("owner@example.pl"), nil)
	if status != http.StatusOK || body["total"].(float64) != 2 {
		t.Fatalf("impersonation on the API: %d %v", status, body)
	}
}

// The dashboard sums up the account for those allowed to see each part.
func TestDashboardSummary(t *testing.T) {
	a := newSetupApp(t)
	dbtest.AddUser(t, a.db, ownerActor(t, a), "anna@example.pl")
	r := a.ownerClient().get("/")
	if !strings.Contains(r.Body, "<strong>2</strong> users") || !strings.Contains(r.Body, "2 active, 0 invited, 0 blocked") ||
		!strings.Contains(r.Body, "of 1 extension") {
		t.Fatalf("summary:\n%s", r.Body)
	}
	s := a.client()
	s.login("anna@example.pl", dbtest.OwnerPassword)
	if r := s.get("/"); strings.Contains(r.Body, `class="stats"`) {
		t.Fatal("staff sees the account summary")
	}
}

// R-USER-6: the owner made at setup has no extension yet; the dashboard says
// so and links to their form, which then requires one.
func TestOwnerExtensionNudge(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	owner := ownerActor(t, a)
	r := c.get("/")
	if !strings.Contains(r.Body, "You have no SIP extension yet") || !strings.Contains(r.Body, fmt.Sprintf(`href="/users/%d/edit"`, owner.UserID)) {
		t.Fatalf("no nudge:\n%s", r.Body)
	}
	me, _ := a.db.GetUserDetails(t.Context(), owner, owner.UserID)
	c.get(fmt.Sprintf("/users/%d/edit", owner.UserID))
	form := url.Values{"email": {me.Email}, "full_name": {"Ola Owner"}, "role_id": {fmt.Sprint(me.RoleID)},
		"position_id": {fmt.Sprint(me.PositionID)}, "sip_account_id": {"0"}}
	if r := c.post(fmt.Sprintf("/users/%d", owner.UserID), form); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Every user needs a SIP account") {
		t.Fatalf("saved without an extension: %d", r.Status)
	}
	form.Set("extension", "100")
	if r := c.post(fmt.Sprintf("/users/%d", owner.UserID), form); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.Status, r.Body)
	}
	if r := c.get("/"); strings.Contains(r.Body, "You have no SIP extension yet") {
		t.Fatal("the nudge stays after the owner got an extension")
	}
}

// The list's rows are rendered once per distinct view (fragments.go): a
// change to a user, or another language, shows at once (R-USER-16).
func TestUsersListRowsFollowChanges(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	u := dbtest.AddUser(t, a.db, owner, "wiersz@example.pl")
	c := a.ownerClient()
	row := func(lang string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/users?q=wiersz", nil)
		req.Header.Set("Accept-Language", lang)
		r := c.do(req)
		i := strings.Index(r.Body, `name="ids" value="`+strconv.FormatInt(u.ID, 10)+`"`)
		if r.Status != http.StatusOK || i < 0 {
			t.Fatalf("list: %d, row missing", r.Status)
		}
		end := strings.Index(r.Body[i:], "</tr>")
		return r.Body[i : i+end]
	}
	if got := row("en"); !strings.Contains(got, ">active<") {
		t.Fatalf("row: %s", got)
	}
	if _, err := a.db.BlockUser(context.Background(), owner, u.ID); err != nil {
		t.Fatal(err)
	}
	if got := row("en"); !strings.Contains(got, "status-blocked") || !strings.Contains(got, ">blocked<") {
		t.Fatalf("the blocked user's row still says: %s", got)
	}
	if got := row("pl"); !strings.Contains(got, ">zablokowany<") {
		t.Fatalf("the Polish row: %s", got)
	}
}
