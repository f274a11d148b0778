package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-GOV-2: on the pages, access is given until a day and the user's page
// says "dostęp do Klient X do 15.01.2027"; the end is moved and a grant
// ended early; a bad date is refused by field in Polish.
func TestGrantsPages(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	x := dbtest.AddAccount(t, a.db, owner, "Klient X")
	u := dbtest.AddUser(t, a.db, owner, "helper@example.pl")
	lead, err := a.db.CreateRole(context.Background(), owner, db.RoleInput{Name: "Zastępca",
		Permissions: []db.Permission{db.PermUsersView}})
	if err != nil {
		t.Fatal(err)
	}
	oc := a.ownerClient()
	if r := oc.post("/lang", url.Values{"lang": {"pl"}, "next": {"/"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lang: %d", r.Status)
	}
	userPage := fmt.Sprintf("/users/%d", u.ID)
	if r := oc.get(userPage); !strings.Contains(r.Body, `href="/users/`+fmt.Sprint(u.ID)+`/grants"`) {
		t.Fatal("the user page offers no grant until a day")
	}
	grants := userPage + "/grants"
	oc.get(grants)
	r := oc.post(grants, url.Values{"kind": {"access"}, "account_id": {fmt.Sprint(x.ID)}, "ends_at": {"01.01.2020"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Ta data już minęła") {
		t.Fatalf("a past day: %d", r.Status)
	}
	r = oc.post(grants, url.Values{"kind": {"access"}, "account_id": {fmt.Sprint(x.ID)}, "ends_at": {"15.01.2027"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("give: %d %s", r.Status, r.Body)
	}
	if r := oc.get(userPage); !strings.Contains(r.Body, "dostęp do Klient X do 15.01.2027") {
		t.Fatalf("user page:\n%s", r.Body)
	}
	r = oc.post(grants, url.Values{"kind": {"access"}, "account_id": {fmt.Sprint(x.ID)}, "move": {"true"},
		"ends_at": {"20.01.2027"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("extend: %d", r.Status)
	}
	if r := oc.get(grants); !strings.Contains(r.Body, "dostęp do Klient X do 20.01.2027") ||
		!strings.Contains(r.Body, "data-confirm=") {
		t.Fatalf("grants page after extending:\n%s", r.Body)
	}
	// The access lists show the end too.
	if r := oc.get(userPage + "/access"); !strings.Contains(r.Body, "do 20.01.2027") {
		t.Fatalf("user's access list:\n%s", r.Body)
	}
	if r := oc.get(fmt.Sprintf("/accounts/%d", x.ID)); !strings.Contains(r.Body, "do 20.01.2027") {
		t.Fatalf("account's access list:\n%s", r.Body)
	}
	// A role for 3 days, then ended early: back to the previous role.
	r = oc.post(grants, url.Values{"kind": {"role"}, "role_id": {fmt.Sprint(lead.ID)}, "days": {"3"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("role: %d %s", r.Status, r.Body)
	}
	if r := oc.get(userPage); !strings.Contains(r.Body, "grupa uprawnień Zastępca do") {
		t.Fatal("role grant not on the user page")
	}
	if r := oc.post(grants+"/end", url.Values{"kind": {"role"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("end early: %d", r.Status)
	}
	d, _ := a.db.GetUserDetails(context.Background(), owner, u.ID)
	if d.RoleID == lead.ID {
		t.Fatal("role not set back")
	}
	// A user without accounts.manage nor users.manage is offered nothing.
	staff := dbtest.AddUser(t, a.db, owner, "staff@example.pl")
	sc := a.client()
	sc.login(staff.Email, dbtest.OwnerPassword)
	if r := sc.get(grants); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Fatalf("staff opens the grants page: %d", r.Status)
	}
}

// R-GOV-2, R-API-1: the API gives, lists, moves and ends grants; unknown
// members are refused; answers follow openapi.json.
func TestGrantsAPI(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	x := dbtest.AddAccount(t, a.db, owner, "Klient X")
	u := dbtest.AddUser(t, a.db, owner, "helper@example.pl")
	tok := a.token(owner.Email)
	base := fmt.Sprintf("/api/v1/users/%d/grants", u.ID)
	if st, body := a.api("POST", base, tok, map[string]any{"kind": "access", "account_id": x.ID, "days": 3, "until": "x"}); st != http.StatusBadRequest {
		t.Fatalf("unknown member: %d %v", st, body)
	}
	st, g := a.api("POST", base, tok, map[string]any{"kind": "access", "account_id": x.ID, "ends_at": "2027-01-15"})
	if st != http.StatusOK || g["last_day"] != "2027-01-15" || g["account_name"] != "Klient X" {
		t.Fatalf("give: %d %v", st, g)
	}
	if st, body := a.api("POST", base, tok, map[string]any{"kind": "access", "account_id": x.ID, "ends_at": "2020-01-01"}); st != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), "ends_at") {
		t.Fatalf("past end: %d %v", st, body)
	}
	acc := fmt.Sprintf("%s/access/%d", base, x.ID)
	if st, g := a.api("PATCH", acc, tok, map[string]any{"ends_at": "2027-02-01"}); st != http.StatusOK || g["last_day"] != "2027-02-01" {
		t.Fatalf("move: %d %v", st, g)
	}
	if st, _ := a.api("PATCH", base+"/role", tok, map[string]any{"days": 3}); st != http.StatusNotFound {
		t.Fatalf("move a role grant the user does not hold: %d", st)
	}
	st, list := a.api("GET", base, tok, nil)
	if items, _ := list["items"].([]any); st != http.StatusOK || len(items) != 1 {
		t.Fatalf("list: %d %v", st, list)
	}
	if st, _ := a.api("DELETE", acc, tok, nil); st != http.StatusNoContent {
		t.Fatalf("end: %d", st)
	}
	if st, _ := a.api("DELETE", acc, tok, nil); st != http.StatusNotFound {
		t.Fatalf("end twice: %d", st)
	}
}
