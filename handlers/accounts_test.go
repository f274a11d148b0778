package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

var accountLink = regexp.MustCompile(`href="/accounts/(\d+)"`)

// R-ACC-2: "Add account" is a two-step form (details → confirm); a refused
// step keeps what was typed and says what is wrong per field.
func TestAddAccountTwoSteps(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	if r := c.get("/accounts"); r.Status != http.StatusOK || !strings.Contains(r.Body, "1 account<") {
		t.Fatalf("list: %d", r.Status)
	}
	c.get("/accounts/new")

	r := c.post("/accounts/new", url.Values{"name": {"Kraków <b>"}, "external_id": {""}, "sip_domain": {"bad domain"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="Kraków &lt;b&gt;"`) ||
		!strings.Contains(r.Body, `value="bad domain"`) || strings.Count(r.Body, `class="error"`) != 2 {
		t.Fatalf("refused step 1: %d\n%s", r.Status, r.Body)
	}
	r = c.post("/accounts/new", url.Values{"name": {"Kraków"}, "external_id": {"KRK"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "krakow.localhost") || !strings.Contains(r.Body, "Confirm the new account") {
		t.Fatalf("confirm step: %d\n%s", r.Status, r.Body)
	}
	// "Change the details" returns to step 1 with the values.
	back := c.post("/accounts/new", url.Values{"name": {"Kraków"}, "external_id": {"KRK"}, "sip_domain": {"krakow.localhost"}, "back": {"true"}})
	if back.Status != http.StatusOK || !strings.Contains(back.Body, `value="KRK"`) || strings.Contains(back.Body, `class="error"`) {
		t.Fatalf("change: %d", back.Status)
	}
	r = c.post("/accounts", url.Values{"name": {"Kraków"}, "external_id": {"KRK"}, "sip_domain": {"krakow.localhost"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/accounts/") {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	show := c.get(r.Header.Get("Location"))
	if !strings.Contains(show.Body, "Account Kraków was added.") || !strings.Contains(show.Body, "Who may enter") {
		t.Fatalf("account page:\n%s", show.Body)
	}
	// Confirming the same again (a second tab) is refused on the form.
	r = c.post("/accounts", url.Values{"name": {"kraków"}, "external_id": {"other"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Another account already has this name.") {
		t.Fatalf("duplicate: %d", r.Status)
	}
	if r := c.get("/accounts?q=krk&sort=-users"); !strings.Contains(r.Body, "1 account<") || !strings.Contains(r.Body, "Kraków") {
		t.Fatal("search")
	}
}

// R-ACC-3, R-ACC-4, R-ACC-6: the owner grants a main user access; the
// switcher shows, the user switches in and acts with their role there;
// withdrawn access refuses the next request in that account and sends the
// session home; the owner's access is fixed.
func TestSwitchAccount(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	b := dbtest.AddAccount(t, a.db, owner, "Gdynia")
	dbtest.AddUser(t, a.db, dbtest.In(t, a.db, owner, b.ID), "sailor@gdynia.pl")
	m := dbtest.AddAdmin(t, a.db, owner, "manager@example.pl")
	dbtest.AddUser(t, a.db, owner, "clerk@example.pl")

	mc := a.client()
	mc.login(m.Email, dbtest.OwnerPassword)
	if r := mc.get("/"); strings.Contains(r.Body, `href="/accounts/switch"`) {
		t.Fatal("switcher shown without access to any sub-account")
	}
	mc.get("/accounts/switch")
	if r := mc.post("/accounts/switch", url.Values{"account_id": {fmt.Sprint(b.ID)}}); r.Status != http.StatusNotFound {
		t.Fatalf("switch without access: %d", r.Status)
	}

	oc := a.ownerClient()
	page := oc.get(fmt.Sprintf("/accounts/%d", b.ID))
	if !strings.Contains(page.Body, "the owner, always") {
		t.Fatal("the owner's access is not shown as fixed")
	}
	r := oc.post(fmt.Sprintf("/accounts/%d/access", b.ID), url.Values{"shown": {fmt.Sprint(m.ID)},
		"granted": {fmt.Sprint(m.ID)}, "back": {fmt.Sprintf("/accounts/%d#access", b.ID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("grant: %d %s", r.Status, r.Body)
	}

	home := mc.get("/")
	if !strings.Contains(home.Body, `href="/accounts/switch"`) {
		t.Fatal("switcher not shown after the grant")
	}
	list := mc.get("/accounts/switch")
	if !strings.Contains(list.Body, ">Gdynia<") || !strings.Contains(list.Body, ">Biuro<") {
		t.Fatalf("switch list:\n%s", list.Body)
	}
	r = mc.post("/accounts/switch", url.Values{"account_id": {fmt.Sprint(b.ID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("switch: %d", r.Status)
	}
	users := mc.get("/users")
	if !strings.Contains(users.Body, "sailor@gdynia.pl") || strings.Contains(users.Body, "clerk@example.pl") ||
		!strings.Contains(users.Body, `class="account away"`) || !strings.Contains(users.Body, "Gdynia") {
		t.Fatalf("users in Gdynia:\n%s", users.Body)
	}

	// Withdrawn: the next request in Gdynia is refused, then home.
	oc.get(fmt.Sprintf("/users/%d/access", m.ID))
	if r := oc.post(fmt.Sprintf("/users/%d/access", m.ID), url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", r.Status)
	}
	if r := mc.get("/users"); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "access to that account was withdrawn") {
		t.Fatalf("request after withdrawal: %d\n%s", r.Status, r.Body)
	}
	if r := mc.get("/users"); r.Status != http.StatusOK || !strings.Contains(r.Body, "clerk@example.pl") || strings.Contains(r.Body, "sailor@gdynia.pl") {
		t.Fatalf("then home: %d", r.Status)
	}

	// The owner's access cannot be withdrawn.
	oc.get(fmt.Sprintf("/users/%d/access", owner.UserID))
	if r := oc.post(fmt.Sprintf("/users/%d/access", owner.UserID), url.Values{}); r.Status != http.StatusForbidden ||
		!strings.Contains(r.Body, "The owner always has access") {
		t.Fatalf("withdraw owner: %d", r.Status)
	}
	oc.get("/accounts/switch")
	if r := oc.post("/accounts/switch", url.Values{"account_id": {fmt.Sprint(b.ID)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("owner switch: %d", r.Status)
	}
}

// R-ACC-2: deleting a sub-account with users needs "with everything" and
// its name typed; the typed name comes back when it is wrong.
func TestDeleteAccountPage(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	b := dbtest.AddAccount(t, a.db, owner, "Sopot")
	dbtest.AddUser(t, a.db, dbtest.In(t, a.db, owner, b.ID), "one@sopot.pl")
	c := a.ownerClient()
	path := fmt.Sprintf("/accounts/%d", b.ID)
	if r := c.get(path); !strings.Contains(r.Body, "The account has 1 user.") {
		t.Fatal("no warning about the users")
	}
	r := c.post(path+"/delete", url.Values{"everything": {"true"}, "confirm": {"Sopocik"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="Sopocik"`) ||
		!strings.Contains(r.Body, "Type the account&#39;s name, Sopot, to confirm.") {
		t.Fatalf("wrong name: %d\n%s", r.Status, r.Body)
	}
	r = c.post(path+"/delete", url.Values{})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "Sopot still has 1 user.") {
		t.Fatalf("without everything: %d", r.Status)
	}
	r = c.post(path+"/delete", url.Values{"everything": {"true"}, "confirm": {"Sopot"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := c.get(path); r.Status != http.StatusNotFound {
		t.Fatalf("after delete: %d", r.Status)
	}
	audit, _ := a.db.SearchAudit(t.Context(), owner, db.AuditFilter{Action: "account.delete"})
	if audit.Total != 1 {
		t.Fatal("not audited")
	}
	if r := c.get("/usage"); !strings.Contains(r.Body, "Sopot") || !strings.Contains(r.Body, "deleted") {
		t.Fatal("the deleted account's seats are not on the bill")
	}
}

// R-ACC-7: the usage page per account and in total, the billing day
// setting with a refusal kept, and the CSV export.
func TestUsagePage(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	b := dbtest.AddAccount(t, a.db, owner, "=Rumia")
	dbtest.AddUser(t, a.db, dbtest.In(t, a.db, owner, b.ID), "one@rumia.pl")
	dbtest.AddUser(t, a.db, dbtest.In(t, a.db, owner, b.ID), "two@rumia.pl")
	c := a.ownerClient()
	r := c.get("/usage")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="total-current"><strong>3<`) {
		t.Fatalf("usage: %d\n%s", r.Status, r.Body)
	}
	r = c.post("/usage/billing-day", url.Values{"billing_day": {"31"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="31"`) || !strings.Contains(r.Body, "Pick a day from 1 to 28.") {
		t.Fatalf("bad day: %d", r.Status)
	}
	if r := c.post("/usage/billing-day", url.Values{"billing_day": {"10"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("day: %d", r.Status)
	}
	csv := c.get("/usage.csv")
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csv.Body, "'=Rumia,ext-=Rumia") || !strings.Contains(csv.Body, ",total,,,,") {
		t.Fatalf("csv: %d %s\n%s", csv.Status, csv.Header.Get("Content-Type"), csv.Body)
	}
	status, body := a.api("GET", "/api/v1/usage", a.token("owner@example.pl"), nil)
	if status != http.StatusOK || body["total_current"].(float64) != 3 || body["billing_day"].(float64) != 10 {
		t.Fatalf("api: %d %v", status, body)
	}
}

// R-LIC-1: the licence pages: full seats refuse assignment, lowering below
// use is refused saying how many, typed values come back.
func TestLicensePages(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	u1 := dbtest.AddUser(t, a.db, owner, "u1@example.pl")
	dbtest.AddUser(t, a.db, owner, "u2@example.pl")
	c := a.ownerClient()
	c.get("/licenses")
	r := c.post("/licenses", url.Values{"product": {"Office"}, "seats": {"abc"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="abc"`) || !strings.Contains(r.Body, "whole number") {
		t.Fatalf("bad seats: %d", r.Status)
	}
	r = c.post("/licenses", url.Values{"product": {"Office"}, "seats": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.Status)
	}
	lic := r.Header.Get("Location")
	c.get(lic)
	if r := c.post(lic+"/seats", url.Values{"email": {"u1@example.pl"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", r.Status, r.Body)
	}
	r = c.post(lic+"/seats", url.Values{"email": {"u2@example.pl"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "Office has no free seat: its 1 seat is taken.") ||
		!strings.Contains(r.Body, `value="u2@example.pl"`) {
		t.Fatalf("full: %d\n%s", r.Status, r.Body)
	}
	r = c.post(lic, url.Values{"product": {"Office"}, "seats": {"0"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "1 seat is in use") || !strings.Contains(r.Body, `value="0"`) {
		t.Fatalf("lower below use: %d", r.Status)
	}
	if r := c.get("/licenses"); !strings.Contains(r.Body, `<span class="badge off">0</span>`) {
		t.Fatal("no free seats not shown")
	}
	// From the user's page.
	path := fmt.Sprintf("/users/%d/licenses", u1.ID)
	if r := c.get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, "checked") {
		t.Fatalf("user licences: %d", r.Status)
	}
	if r := c.post(path, url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("unassign from the user page: %d", r.Status)
	}
	if r := c.get(lic); !strings.Contains(r.Body, `id="seats-free">1<`) {
		t.Fatal("seat not freed")
	}
}

// The JSON API of accounts, access, licences; X-Kadra-Account picks the
// account (R-ACC-2, R-ACC-4, R-ACC-6, R-LIC-1).
func TestAccountsAPI(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	tok := a.token("owner@example.pl")

	status, body := a.api("POST", "/api/v1/accounts", tok, map[string]any{"name": "", "external_id": "x"})
	if status != http.StatusBadRequest || apiFields(body)["name"] == nil {
		t.Fatalf("invalid: %d %v", status, body)
	}
	status, body = a.api("POST", "/api/v1/accounts", tok, map[string]any{"name": "Hel", "external_id": "HEL"})
	if status != http.StatusCreated || body["sip_domain"] != "hel.localhost" {
		t.Fatalf("create: %d %v", status, body)
	}
	id := int64(body["id"].(float64))
	path := fmt.Sprintf("/api/v1/accounts/%d", id)
	if status, body = a.api("PATCH", path, tok, map[string]any{"name": "Hel Port"}); status != http.StatusOK || body["name"] != "Hel Port" {
		t.Fatalf("patch: %d %v", status, body)
	}
	m := dbtest.AddAdmin(t, a.db, owner, "m@example.pl")
	status, body = a.api("PUT", path+"/access", tok, map[string]any{"user_ids": []int64{m.ID}})
	if status != http.StatusOK || len(body["user_ids"].([]any)) != 2 {
		t.Fatalf("access put: %d %v", status, body)
	}

	mt := a.token(m.Email)
	req := func(account string) (int, map[string]any) {
		t.Helper()
		return a.apiIn("GET", "/api/v1/me", mt, account, nil)
	}
	if status, body := req(fmt.Sprint(id)); status != http.StatusOK || body["account"].(map[string]any)["name"] != "Hel Port" {
		t.Fatalf("header: %d %v", status, body)
	}
	for _, bad := range []string{"999", "abc", "-1"} {
		if status, _ := req(bad); status != http.StatusNotFound {
			t.Fatalf("header %s: %d", bad, status)
		}
	}
	if status, _ = a.api("PUT", path+"/access", tok, map[string]any{"user_ids": []int64{}}); status != http.StatusOK {
		t.Fatalf("withdraw: %d", status)
	}
	if status, _ := req(fmt.Sprint(id)); status != http.StatusNotFound {
		t.Fatalf("header after withdrawal: %d", status)
	}

	// Licences in the account named by the header.
	in := func(method, p string, body any) (int, map[string]any) {
		t.Helper()
		return a.apiIn(method, p, tok, fmt.Sprint(id), body)
	}
	status, body = in("POST", "/api/v1/licenses", map[string]any{"product": "Backup", "seats": 1})
	if status != http.StatusCreated || body["account_id"].(float64) != float64(id) {
		t.Fatalf("licence: %d %v", status, body)
	}
	lic := fmt.Sprintf("/api/v1/licenses/%d", int64(body["id"].(float64)))
	u := dbtest.AddUser(t, a.db, dbtest.In(t, a.db, owner, id), "a@hel.pl")
	u2 := dbtest.AddUser(t, a.db, dbtest.In(t, a.db, owner, id), "b@hel.pl")
	if status, body = in("POST", lic+"/seats", map[string]any{"user_id": u.ID}); status != http.StatusOK || body["used"].(float64) != 1 {
		t.Fatalf("assign: %d %v", status, body)
	}
	if status, body = in("POST", lic+"/seats", map[string]any{"user_id": u2.ID}); status != http.StatusConflict {
		t.Fatalf("full: %d %v", status, body)
	}
	if status, body = in("PATCH", lic, map[string]any{"seats": 0}); status != http.StatusBadRequest || apiFields(body)["seats"] == nil {
		t.Fatalf("below used: %d %v", status, body)
	}
	if status, _ = a.api("GET", lic, tok, nil); status != http.StatusNotFound {
		t.Fatalf("licence of another account without the header: %d", status)
	}
	if status, body = in("GET", lic, nil); status != http.StatusOK || len(body["holders"].([]any)) != 1 {
		t.Fatalf("get: %d %v", status, body)
	}
	if status, body = in("DELETE", lic+fmt.Sprintf("/seats?user_id=%d", u.ID), nil); status != http.StatusOK || body["used"].(float64) != 0 {
		t.Fatalf("unassign: %d %v", status, body)
	}

	if status, _ = a.api("DELETE", path, tok, nil); status != http.StatusConflict {
		t.Fatalf("delete with users: %d", status)
	}
	if status, _ = a.api("DELETE", path+"?everything=true&confirm=Hel%20Port", tok, nil); status != http.StatusNoContent {
		t.Fatalf("delete: %d", status)
	}
	if status, body = a.api("GET", "/api/v1/accounts", tok, nil); status != http.StatusOK || body["total"].(float64) != 1 {
		t.Fatalf("list: %d %v", status, body)
	}
	// R-ACC-5: a staff token is refused the accounts API.
	staff := dbtest.AddUser(t, a.db, owner, "staff@example.pl")
	if status, _ = a.api("GET", "/api/v1/accounts", a.token(staff.Email), nil); status != http.StatusForbidden {
		t.Fatalf("staff: %d", status)
	}
}

// R-ACC-4, R-LIC-1: the user's page links to their sub-account access and
// licences, for those who may edit them.
func TestUserPageLinks(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	u := dbtest.AddUser(t, a.db, owner, "anna@example.pl")
	c := a.ownerClient()
	r := c.get(fmt.Sprintf("/users/%d", u.ID))
	for _, link := range []string{fmt.Sprintf(`href="/users/%d/access"`, u.ID), fmt.Sprintf(`href="/users/%d/licenses"`, u.ID)} {
		if !strings.Contains(r.Body, link) {
			t.Errorf("user page lacks %s", link)
		}
	}
	if r := c.get(fmt.Sprintf("/users/%d/access", u.ID)); r.Status != http.StatusOK || !strings.Contains(r.Body, "There are no sub-accounts yet.") {
		t.Fatalf("access page: %d", r.Status)
	}
}
