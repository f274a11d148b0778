package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-ACC-5 is a security property, so it is tested as an attacker would
// try it: an administrator of sub-account A (every permission of the
// Administrator role) takes the ids of the main account's and of
// sub-account B's objects and tries them on every route and API endpoint
// that takes an id. The list of routes comes from the router, so a new
// route cannot escape; a parameter the matrix cannot name fails the test.

// idKinds says what a route's :id names, by the longest path prefix.
var idKinds = []struct{ prefix, kind string }{
	{"/api/v1/users/", "user"}, {"/users/", "user"},
	{"/api/v1/groups/", "group"}, {"/groups/", "group"},
	{"/api/v1/roles/", "role"}, {"/roles/", "role"},
	{"/api/v1/sip-accounts/", "sip"}, {"/sip/", "sip"},
	{"/api/v1/sms-senders/", "sender"}, {"/numbers/senders/", "sender"},
	{"/api/v1/numbers/", "number"}, {"/numbers/", "number"},
	{"/api/v1/licenses/", "license"}, {"/licenses/", "license"},
	{"/api/v1/accounts/", "account"}, {"/accounts/", "account"},
	{"/outbox/", "mail"},
	{"/api/v1/offboardings/", "offboarding"}, {"/offboardings/", "offboarding"},
}

// paramKinds names parameters other than :id; tenantFree are parameters
// that name no account's data (static files, one-time tokens).
var (
	paramKinds = map[string]string{"user_id": "user", "account_id": "account"}
	tenantFree = map[string]bool{"hash": true, "name": true, "token": true}
)

func kindOf(path, param string) string {
	if k, ok := paramKinds[param]; ok {
		return k
	}
	if param != "id" {
		return ""
	}
	best, kind := 0, ""
	for _, k := range idKinds {
		if strings.HasPrefix(path, k.prefix) && len(k.prefix) > best {
			best, kind = len(k.prefix), k.kind
		}
	}
	return kind
}

// tenant is one account's seeded objects: one of every kind, each labelled
// with the account's marker so that a leak shows in any response body.
type tenant struct {
	account db.Account
	ids     map[string]int64
	marker  string
}

// seedTenant creates one object of every kind in the account through the
// db functions, as its admin would.
func seedTenant(t *testing.T, d *db.DB, a db.Actor, marker string) tenant {
	t.Helper()
	ctx := context.Background()
	acc, err := d.CurrentAccount(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	tn := tenant{account: acc, ids: map[string]int64{}, marker: marker}
	u := dbtest.AddUser(t, d, a, marker+"-user@example.pl")
	tn.ids["user"] = u.ID
	invited := dbtest.NewUser(t, d, a, db.UserInput{Email: marker + "-invited@example.pl", FullName: marker + " Invited",
		SendInvite: true})
	g, err := d.CreateGroup(ctx, a, db.GroupInput{Name: marker + " group"})
	if err != nil {
		t.Fatal(err)
	}
	tn.ids["group"] = g.ID
	if err := d.SetUserGroups(ctx, a, u.ID, []int64{g.ID}); err != nil {
		t.Fatal(err)
	}
	sip, err := d.CreateSIPAccount(ctx, a, db.SIPAccountInput{Extension: dbtest.Extension()})
	if err != nil {
		t.Fatal(err)
	}
	tn.ids["sip"] = sip.ID
	n, err := d.CreatePresentation(ctx, a, db.PhoneNumbers, db.PresentationInput{Value: fmt.Sprintf("+48 600 000 %03d", u.ID), Label: marker + " number"})
	if err != nil {
		t.Fatal(err)
	}
	tn.ids["number"] = n.ID
	s, err := d.CreatePresentation(ctx, a, db.SMSSenders, db.PresentationInput{Value: "S" + strconv.FormatInt(u.ID, 10) + "x", Label: marker + " sender"})
	if err != nil {
		t.Fatal(err)
	}
	tn.ids["sender"] = s.ID
	l, err := d.CreateLicense(ctx, a, db.LicenseInput{Product: marker + " Office", Seats: 3})
	if err != nil {
		t.Fatal(err)
	}
	tn.ids["license"] = l.ID
	if _, err := d.AssignLicense(ctx, a, l.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	tn.ids["account"] = acc.ID
	mail, err := d.ListOutbox(ctx, dbtest.In(t, d, ownerOf(t, d), acc.ID), db.OutboxQuery{})
	if err != nil || len(mail.Items) == 0 {
		t.Fatalf("no outbox mail seeded: %v", err)
	}
	tn.ids["mail"] = mail.Items[0].ID
	o, err := d.Offboard(ctx, a, invited.ID, db.OffboardingInput{Day: time.Now().AddDate(0, 0, 30).Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	tn.ids["offboarding"] = o.ID // R-GOV-4
	admin, _ := d.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	tn.ids["role"] = admin
	pos, _ := d.DefaultPositionID(ctx, a)
	tn.ids["position"] = pos
	return tn
}

func ownerOf(t *testing.T, d *db.DB) db.Actor {
	t.Helper()
	return dbtest.Login(t, d, "owner@example.pl", dbtest.OwnerPassword)
}

// isolation is the world of the matrix: the main account and B hold the
// victims' objects; A's admin is the attacker.
type isolation struct {
	a           *app
	main, a1, b tenant
	attacker    db.User
	web         *client
	token       string
	schemas     map[string]any // the OpenAPI document
}

func newIsolation(t *testing.T) *isolation {
	t.Helper()
	ctx := context.Background()
	ap := newSetupApp(t)
	owner := ownerActor(t, ap)
	mainName := "Zqmain HQ"
	if _, err := ap.db.UpdateAccount(ctx, owner, owner.HomeAccountID, db.AccountPatch{Name: &mainName}); err != nil {
		t.Fatal(err)
	}
	accA := dbtest.AddAccount(t, ap.db, owner, "Alpha")
	accB := dbtest.AddAccount(t, ap.db, owner, "Zqbee Branch")
	// Every account holds someone with the Administrator role, so that a
	// role's holders or counts would show a leak.
	dbtest.AddAdmin(t, ap.db, owner, "zqmain-admin@example.pl")
	inA, inB := dbtest.In(t, ap.db, owner, accA.ID), dbtest.In(t, ap.db, owner, accB.ID)
	dbtest.AddAdmin(t, ap.db, inB, "zqbee-admin@example.pl")
	attacker := dbtest.AddAdmin(t, ap.db, inA, "alpha-admin@example.pl")
	w := &isolation{a: ap, attacker: attacker,
		main: seedTenant(t, ap.db, owner, "zqmain"),
		b:    seedTenant(t, ap.db, inB, "zqbee"),
		a1:   seedTenant(t, ap.db, inA, "alpha"),
	}
	w.web = ap.client()
	w.web.login(attacker.Email, dbtest.OwnerPassword)
	w.token = ap.token(attacker.Email)
	return w
}

// leaks reports the victims' markers found in a response body.
func (w *isolation) leaks(body string) []string {
	var out []string
	low := strings.ToLower(body)
	for _, m := range []string{w.main.marker, w.b.marker} {
		if strings.Contains(low, m) {
			out = append(out, m)
		}
	}
	return out
}

// attack is the form an attacker sends with a foreign id: plausible values
// for every form of the panel, so that validation passes and only the
// account check can stop the change.
func (w *isolation) attack() url.Values {
	own := strconv.FormatInt(w.attacker.ID, 10)
	return url.Values{"name": {"Pwned"}, "external_id": {"pwned"}, "email": {"pwned@example.pl"},
		"full_name": {"Pwned"}, "product": {"Pwned"}, "seats": {"100"}, "number": {"+48 700 000 000"},
		"sender": {"Pwned"}, "label": {"Pwned"}, "extension": {"9999"}, "password_mode": {"generate"},
		"description": {"Pwned"}, "permissions": {"users.view"}, "user_ids": {own}, "granted": {own},
		"shown": {own}, "everything": {"true"}, "confirm": {"Zqbee Branch"}, "action": {"delete"},
		"ids": {own}, "back": {"/"}, "role_id": {strconv.FormatInt(w.a1.ids["role"], 10)},
		"account_ids": {strconv.FormatInt(w.a1.account.ID, 10)}}
}

func (w *isolation) attackJSON() map[string]any {
	return map[string]any{"name": "Pwned", "external_id": "pwned", "email": "pwned@example.pl",
		"full_name": "Pwned", "product": "Pwned", "seats": 100, "number": "+48 700 000 000",
		"sender": "Pwned", "label": "Pwned", "extension": "9999", "password_mode": "generate",
		"enabled": false, "user_ids": []int64{w.attacker.ID}, "user_id": w.attacker.ID,
		"group_ids": []int64{}, "role_id": w.a1.ids["role"], "permissions": []string{"users.view"}}
}

// request sends one request as the attacker: through the panel with the
// session cookie and CSRF token, or through the API with the bearer token.
func (w *isolation) request(method, path string, account string) (int, string) {
	return w.requestAs(method, path, path, account)
}

// requestAs is request for a route whose router pattern is route: the API
// body carries only the members that route's schema names, since unknown
// members are refused before anything else (R-API-1).
func (w *isolation) requestAs(method, route, path string, account string) (int, string) {
	if strings.HasPrefix(path, "/api/v1/") {
		body := map[string]any(nil)
		if method != http.MethodGet && method != http.MethodDelete {
			body = map[string]any{}
			known := w.bodyMembers(method, route)
			for k, v := range w.attackJSON() {
				if known[k] {
					body[k] = v
				}
			}
		}
		status, out := w.a.apiIn(method, path, w.token, account, body)
		return status, fmt.Sprint(out)
	}
	switch method {
	case http.MethodGet:
		r := w.web.get(path)
		return r.Status, r.Body
	case http.MethodPost:
		r := w.web.post(path, w.attack())
		return r.Status, r.Body
	}
	w.a.t.Fatalf("no way to send %s %s", method, path)
	return 0, ""
}

var routeParam = regexp.MustCompile(`:([a-z_]+)`)

// bodyMembers names the members of a route's JSON body, as the OpenAPI
// document describes it.
func (w *isolation) bodyMembers(method, route string) map[string]bool {
	if w.schemas == nil {
		_, doc := w.a.api("GET", "/api/v1/openapi.json", "", nil)
		w.schemas = doc
	}
	path := routeParam.ReplaceAllString(strings.TrimPrefix(route, "/api/v1"), "{$1}")
	paths, _ := w.schemas["paths"].(map[string]any)
	op, _ := paths[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
	rb, _ := op["requestBody"].(map[string]any)
	content, _ := rb["content"].(map[string]any)
	js, _ := content["application/json"].(map[string]any)
	schema, _ := js["schema"].(map[string]any)
	if ref, ok := schema["$ref"].(string); ok {
		comps, _ := w.schemas["components"].(map[string]any)
		all, _ := comps["schemas"].(map[string]any)
		schema, _ = all[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
	}
	props, _ := schema["properties"].(map[string]any)
	out := map[string]bool{}
	for k := range props {
		out[k] = true
	}
	return out
}

// fill puts ids into a route's parameters: the one named by target gets
// id, the others the attacker's own objects of their kind.
func (w *isolation) fill(t *testing.T, path, target string, id int64) string {
	return routeParam.ReplaceAllStringFunc(path, func(m string) string {
		p := m[1:]
		if p == target {
			return strconv.FormatInt(id, 10)
		}
		return strconv.FormatInt(w.a1.ids[kindOf(path, p)], 10)
	})
}

type route struct{ method, path string }

func (w *isolation) routes() []route {
	var out []route
	for _, r := range w.a.srv.Echo().Routes() {
		if strings.HasPrefix(r.Method, "echo_") || strings.HasSuffix(r.Path, "/*") {
			continue
		}
		out = append(out, route{r.Method, r.Path})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+out[i].method < out[j].path+out[j].method })
	return out
}

// R-ACC-5: every route and endpoint taking an id answers a foreign id
// exactly as it answers an id that does not exist, 404 (or 403 where the
// page itself is forbidden to the attacker), never with data, never a 500,
// and changes nothing.
func TestIsolationMatrix(t *testing.T) {
	w := newIsolation(t)
	w.web.get("/") // a CSRF token for the forms
	const missing = 999_999_999
	tried := 0
	for _, r := range w.routes() {
		for _, m := range routeParam.FindAllStringSubmatch(r.path, -1) {
			param := m[1]
			if tenantFree[param] {
				continue
			}
			kind := kindOf(r.path, param)
			if kind == "" {
				t.Errorf("%s %s takes :%s, which the isolation matrix cannot name: add it to idKinds or paramKinds",
					r.method, r.path, param)
				continue
			}
			if kind == "role" { // roles are the installation's; their holders are not (below)
				continue
			}
			nStatus, _ := w.requestAs(r.method, r.path, w.fill(t, r.path, param, missing), "")
			if nStatus != http.StatusNotFound && nStatus != http.StatusForbidden {
				t.Errorf("%s %s with a missing %s id: %d, want 404 (or 403)", r.method, r.path, kind, nStatus)
			}
			for _, victim := range []tenant{w.main, w.b} {
				id, ok := victim.ids[kind]
				if !ok {
					t.Fatalf("no %s seeded", kind)
				}
				path := w.fill(t, r.path, param, id)
				status, body := w.requestAs(r.method, r.path, path, "")
				tried++
				if status != nStatus {
					t.Errorf("%s %s (%s of %s): %d, but %d for a missing id", r.method, path, kind,
						victim.account.Name, status, nStatus)
				}
				if l := w.leaks(body); len(l) > 0 {
					t.Errorf("%s %s (%s of %s) shows %v", r.method, path, kind, victim.account.Name, l)
				}
			}
		}
	}
	if tried < 100 {
		t.Fatalf("only %d requests tried: the matrix lost its routes", tried)
	}
	w.unchanged(t)
}

// R-ACC-5: the attacker's own ids work, so the 404s above are the account
// check and not a broken session.
func TestIsolationMatrixControl(t *testing.T) {
	w := newIsolation(t)
	for _, path := range []string{"/users/%d", "/groups/%d", "/sip/%d/secret", "/numbers/%d/edit", "/licenses/%d",
		"/api/v1/users/%d", "/api/v1/groups/%d", "/api/v1/sip-accounts/%d", "/api/v1/numbers/%d", "/api/v1/licenses/%d"} {
		kind := kindOf(path, "id")
		p := fmt.Sprintf(path, w.a1.ids[kind])
		if status, body := w.request(http.MethodGet, p, ""); status != http.StatusOK || !strings.Contains(strings.ToLower(body), "alpha") && kind != "sip" {
			t.Errorf("own %s at %s: %d", kind, p, status)
		}
	}
}

// R-ACC-5: X-Kadra-Account naming the main account or B is refused on
// every endpoint, with 404 as for an account that does not exist.
func TestIsolationAccountHeader(t *testing.T) {
	w := newIsolation(t)
	for _, r := range w.routes() {
		if !strings.HasPrefix(r.path, "/api/v1/") || r.path == "/api/v1/openapi.json" || r.path == "/api/v1/setup" {
			continue
		}
		path := r.path
		for _, m := range routeParam.FindAllStringSubmatch(r.path, -1) {
			path = strings.Replace(path, m[0], strconv.FormatInt(w.a1.ids[kindOf(r.path, m[1])], 10), 1)
		}
		for _, acc := range []tenant{w.main, w.b} {
			status, body := w.requestAs(r.method, r.path, path, strconv.FormatInt(acc.account.ID, 10))
			if status != http.StatusNotFound {
				t.Errorf("%s %s as account %s: %d", r.method, path, acc.account.Name, status)
			}
			if l := w.leaks(body); len(l) > 0 {
				t.Errorf("%s %s as account %s shows %v", r.method, path, acc.account.Name, l)
			}
		}
	}
	w.unchanged(t)
}

// R-ACC-5: lists, filters, search and counts never show another account's
// rows: every page and endpoint without an id, with searches for the
// victims' markers and filters by their ids.
func TestIsolationListsAndCounts(t *testing.T) {
	w := newIsolation(t)
	queries := []string{"", "?q=qmain", "?q=qbee", "?q=zq", "?q=main-user", "?q=bee-user", "?q=600", "?q=S",
		fmt.Sprintf("?group_id=%d", w.b.ids["group"]), fmt.Sprintf("?group_id=%d", w.main.ids["group"]),
		fmt.Sprintf("?role_id=%d", w.a1.ids["role"]), "?status=invited", "?state=assigned", "?deep=true",
		"?sort=-users", "?granted=true", "?group_q=group", fmt.Sprintf("?parent=%d", w.b.ids["group"]),
		fmt.Sprintf("?parent=%d&group_q=group", w.main.ids["group"])}
	for _, r := range w.routes() {
		if r.method != http.MethodGet || strings.Contains(r.path, ":") {
			continue
		}
		for _, q := range queries {
			status, body := w.request(http.MethodGet, r.path+q, "")
			if l := w.leaks(body); len(l) > 0 {
				t.Errorf("GET %s%s (%d) shows %v", r.path, q, status, l)
			}
		}
	}
	// Role pages list holders: only A's.
	for _, p := range []string{"/roles/%d", "/api/v1/roles/%d", "/api/v1/roles/%d/users"} {
		path := fmt.Sprintf(p, w.a1.ids["role"])
		status, body := w.request(http.MethodGet, path, "")
		if l := w.leaks(body); len(l) > 0 {
			t.Errorf("GET %s (%d) shows %v", path, status, l)
		}
	}
	// Counts: A has the attacker, its user and its invited user.
	const inA = 3
	status, users := w.a.apiIn("GET", "/api/v1/users?per_page=200", w.token, "", nil)
	if status != http.StatusOK || users["total"].(float64) != inA {
		t.Errorf("users total %v, want %d", users["total"], inA)
	}
	_, roles := w.a.apiIn("GET", "/api/v1/roles?per_page=200", w.token, "", nil)
	held := 0.0
	for _, r := range roles["items"].([]any) {
		held += r.(map[string]any)["user_count"].(float64)
	}
	if held != inA {
		t.Errorf("role user counts add up to %v, want %d: another account's users are counted", held, inA)
	}
	_, lic := w.a.apiIn("GET", "/api/v1/licenses", w.token, "", nil)
	if lic["total"].(float64) != 1 {
		t.Errorf("licences total %v, want 1", lic["total"])
	}
	if r := w.web.get("/users"); !strings.Contains(r.Body, fmt.Sprintf("%d users<", inA)) {
		t.Errorf("the user list does not count %d", inA)
	}
	if r := w.web.get("/"); strings.Contains(r.Body, `href="/accounts/switch"`) || strings.Contains(r.Body, `href="/accounts"`) {
		t.Error("a sub-account's user is offered other accounts")
	}
}

// R-ACC-5: ids of other accounts inside a body (a user's groups, position,
// SIP account, caller ID, SMS sender, a seat's user, a bulk selection, the
// account to switch to) are refused like unknown ones and change nothing.
func TestIsolationIDsInBodies(t *testing.T) {
	w := newIsolation(t)
	own := w.a1.ids
	for _, v := range []tenant{w.main, w.b} {
		f := v.ids
		calls := []struct {
			method, path string
			body         map[string]any
		}{
			{"PUT", fmt.Sprintf("/api/v1/users/%d/groups", own["user"]), map[string]any{"group_ids": []int64{f["group"]}}},
			{"PUT", fmt.Sprintf("/api/v1/users/%d/position", own["user"]), map[string]any{"position_id": f["position"]}},
			{"PUT", fmt.Sprintf("/api/v1/users/%d/caller-id", own["user"]), map[string]any{"call_number_id": f["number"]}},
			{"PUT", fmt.Sprintf("/api/v1/users/%d/sms-sender", own["user"]), map[string]any{"sms_sender_id": f["sender"]}},
			{"PATCH", fmt.Sprintf("/api/v1/users/%d", own["user"]), map[string]any{"sip_account_id": f["sip"],
				"call_number_id": f["number"], "sms_sender_id": f["sender"], "position_id": f["position"]}},
			{"POST", "/api/v1/users", map[string]any{"email": "new-" + v.marker + "@alpha.pl", "full_name": "New",
				"role_id": own["role"], "position_id": f["position"], "sip_account_id": f["sip"],
				"call_number_id": f["number"], "sms_sender_id": f["sender"], "group_ids": []int64{f["group"]}}},
			{"POST", fmt.Sprintf("/api/v1/licenses/%d/seats", own["license"]), map[string]any{"user_id": f["user"]}},
			{"DELETE", fmt.Sprintf("/api/v1/licenses/%d/seats?user_id=%d", own["license"], f["user"]), nil},
			{"POST", "/api/v1/sip-accounts", map[string]any{"extension": "8888", "user_id": f["user"]}},
			{"POST", "/api/v1/groups", map[string]any{"name": "Sub", "parent_id": f["group"]}},
		}
		for _, c := range calls {
			status, body := w.a.apiIn(c.method, c.path, w.token, "", c.body)
			if status < 400 {
				t.Errorf("%s %s with %s's ids: %d %v", c.method, c.path, v.account.Name, status, body)
			}
			if l := w.leaks(fmt.Sprint(body)); len(l) > 0 {
				t.Errorf("%s %s shows %v", c.method, c.path, l)
			}
		}
		w.web.get("/users")
		for _, action := range []string{"block", "delete", "change_role"} {
			r := w.web.post("/users/bulk", url.Values{"action": {action}, "ids": {strconv.FormatInt(f["user"], 10)},
				"role_id": {strconv.FormatInt(own["role"], 10)}, "back": {"/users"}})
			page := w.web.get("/users")
			if l := w.leaks(r.Body + page.Body); len(l) > 0 {
				t.Errorf("bulk %s on %s's user shows %v", action, v.account.Name, l)
			}
		}
		r := w.web.post("/users/bulk", url.Values{"action": {"add_group"}, "ids": {strconv.FormatInt(own["user"], 10)},
			"group_id": {strconv.FormatInt(f["group"], 10)}, "back": {"/users"}})
		if l := w.leaks(r.Body + w.web.get("/users").Body); len(l) > 0 {
			t.Errorf("bulk add_group with %s's group shows %v", v.account.Name, l)
		}
		w.web.get(fmt.Sprintf("/users/%d/licenses", own["user"]))
		r = w.web.post(fmt.Sprintf("/users/%d/licenses", own["user"]), url.Values{"license_ids": {strconv.FormatInt(f["license"], 10)}})
		if r.Status < 400 || len(w.leaks(r.Body)) > 0 {
			t.Errorf("own user, %s's licence: %d", v.account.Name, r.Status)
		}
		w.web.get("/accounts/switch")
		if r := w.web.post("/accounts/switch", url.Values{"account_id": {strconv.FormatInt(v.account.ID, 10)}}); r.Status != http.StatusNotFound {
			t.Errorf("switch into %s: %d", v.account.Name, r.Status)
		}
	}
	if groups, err := w.a.db.UserGroupIDs(context.Background(), dbtest.In(t, w.a.db, ownerOf(t, w.a.db), w.a1.account.ID), own["user"]); err != nil || len(groups) != 1 || groups[0] != own["group"] {
		t.Errorf("own user's groups %v %v", groups, err)
	}
	w.unchanged(t)
}

// unchanged checks that the victims' objects are all there as seeded and
// that the attacker changed nothing anywhere.
func (w *isolation) unchanged(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	owner := ownerOf(t, w.a.db)
	for _, v := range []tenant{w.main, w.b} {
		in := dbtest.In(t, w.a.db, owner, v.account.ID)
		if u, err := w.a.db.GetUserDetails(ctx, in, v.ids["user"]); err != nil || u.Email != v.marker+"-user@example.pl" || u.Status != db.StatusActive {
			t.Errorf("%s user: %+v %v", v.marker, u, err)
		}
		if g, err := w.a.db.GetGroup(ctx, in, v.ids["group"]); err != nil || g.Name != v.marker+" group" {
			t.Errorf("%s group: %+v %v", v.marker, g, err)
		}
		if s, err := w.a.db.GetSIPAccount(ctx, in, v.ids["sip"]); err != nil || !s.Enabled {
			t.Errorf("%s SIP account: %+v %v", v.marker, s, err)
		}
		if n, err := w.a.db.GetPresentation(ctx, in, db.PhoneNumbers, v.ids["number"]); err != nil || n.Label != v.marker+" number" {
			t.Errorf("%s number: %+v %v", v.marker, n, err)
		}
		if s, err := w.a.db.GetPresentation(ctx, in, db.SMSSenders, v.ids["sender"]); err != nil || s.Label != v.marker+" sender" {
			t.Errorf("%s sender: %+v %v", v.marker, s, err)
		}
		if l, err := w.a.db.GetLicense(ctx, in, v.ids["license"]); err != nil || l.Seats != 3 || l.Used != 1 {
			t.Errorf("%s licence: %+v %v", v.marker, l, err)
		}
		if acc, err := w.a.db.GetAccount(ctx, owner, v.account.ID); err != nil || acc.Name != v.account.Name {
			t.Errorf("%s account: %+v %v", v.marker, acc, err)
		}
	}
	for _, acc := range []int64{w.main.account.ID, w.a1.account.ID, w.b.account.ID} {
		page, err := w.a.db.SearchAudit(ctx, dbtest.In(t, w.a.db, owner, acc), db.AuditFilter{Actor: w.attacker.Email, PerPage: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			if e.Action != "user.login" && e.Action != "token.create" {
				t.Errorf("the attacker changed something: %s %s %s", e.Action, e.TargetType, e.TargetLabel)
			}
		}
	}
}
