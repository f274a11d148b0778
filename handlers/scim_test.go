package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// Issue 17: SCIM 2.0 (RFC 7643, RFC 7644) at /scim/v2, driven through the
// real server with a real SCIM token.

type scimWorld struct {
	a     *app
	owner db.Actor
	token string
	admin int64 // the Administrator role
	staff int64
}

func newSCIM(t *testing.T, ceiling string) *scimWorld {
	t.Helper()
	ap := newSetupApp(t)
	w := &scimWorld{a: ap, owner: ownerActor(t, ap)}
	ctx := context.Background()
	w.admin, _ = ap.db.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	w.staff, _ = ap.db.BuiltinRoleID(ctx, db.BuiltinStaff)
	pos, err := ap.db.DefaultPositionID(ctx, w.owner)
	if err != nil {
		t.Fatal(err)
	}
	ceil := w.staff
	if ceiling == db.BuiltinAdministrator {
		ceil = w.admin
	}
	w.token, err = ap.db.CreateSCIMToken(ctx, w.owner, db.SCIMTokenInput{Name: "Entra", CeilingRoleID: ceil,
		DefaultRoleID: w.staff, DefaultPositionID: pos})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// do sends a raw SCIM request; any 5xx fails the test.
func (w *scimWorld) do(t *testing.T, method, path, body string, headers ...string) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, w.a.ts.URL+"/scim/v2"+path, rd)
	req.Header.Set("Content-Type", "application/scim+json")
	req.Header.Set("Authorization", "Bearer "+w.token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, res.Header, out
}

func (w *scimWorld) create(t *testing.T, userName string) string {
	t.Helper()
	st, _, out := w.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"`+userName+`","name":{"givenName":"Anna","familyName":"Kowalska"},"active":true,
		"emails":[{"value":"`+userName+`","type":"work","primary":true}],"externalId":"ext-`+userName+`"}`)
	if st != http.StatusCreated {
		t.Fatalf("create: %d %v", st, out)
	}
	return out["id"].(string)
}

func TestSCIMDiscovery(t *testing.T) {
	w := newSCIM(t, db.BuiltinStaff)
	for _, p := range []string{"/ServiceProviderConfig", "/ResourceTypes", "/Schemas",
		"/Schemas/urn:ietf:params:scim:schemas:extension:kadra:2.0:User", "/ResourceTypes/User"} {
		if st, _, out := w.do(t, "GET", p, ""); st != http.StatusOK {
			t.Errorf("%s: %d %v", p, st, out)
		}
	}
	_, _, spc := w.do(t, "GET", "/ServiceProviderConfig", "")
	if spc["etag"].(map[string]any)["supported"] != true {
		t.Errorf("etag: %v", spc)
	}
	w.token = "kadra_scim_wrong"
	if st, _, _ := w.do(t, "GET", "/Users", ""); st != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d", st)
	}
	// An API token is not a SCIM token.
	w.token = w.a.token("owner@example.pl")
	if st, _, _ := w.do(t, "GET", "/Users", ""); st != http.StatusUnauthorized {
		t.Errorf("an API token: %d", st)
	}
}

// Okta: filters userName eq before creating, then updates with PUT.
// R-API-1: a taken userName answers 409 uniqueness.
func TestSCIMUsersOkta(t *testing.T) {
	w := newSCIM(t, db.BuiltinStaff)
	id := w.create(t, "anna@example.pl")
	st, _, out := w.do(t, "GET", `/Users?filter=userName%20eq%20%22ANNA@example.pl%22`, "")
	if st != 200 || out["totalResults"].(float64) != 1 {
		t.Fatalf("userName eq: %d %v", st, out)
	}
	res := out["Resources"].([]any)[0].(map[string]any)
	if res["id"] != id || res["externalId"] != "ext-anna@example.pl" || res["displayName"] != "Anna Kowalska" {
		t.Errorf("user: %v", res)
	}
	ext := res["urn:ietf:params:scim:schemas:extension:kadra:2.0:User"].(map[string]any)
	if ext["extension"] == "" || ext["position"] == "" || ext["role"] == "" {
		t.Errorf("defaults from the token: %v", ext)
	}
	st, _, out = w.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Anna@example.pl"}`)
	if st != http.StatusConflict || out["scimType"] != "uniqueness" {
		t.Errorf("duplicate: %d %v", st, out)
	}
	st, _, out = w.do(t, "PUT", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"anna@example.pl","name":{"givenName":"Anna","familyName":"Nowak"},"active":true,
		"phoneNumbers":[{"value":"+48 22 111 22 33","type":"work"}]}`)
	if st != 200 || out["displayName"] != "Anna Nowak" {
		t.Fatalf("PUT: %d %v", st, out)
	}
	d, err := w.a.db.GetUserDetails(context.Background(), w.owner, mustID(t, id))
	if err != nil || d.FullName != "Anna Nowak" || d.WorkPhone != "+48221112233" { // stored E.164, like the form (issue 11)
		t.Errorf("after PUT: %+v %v", d, err)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Entra ID: "Replace" in mixed case, active as the string "False", and
// emails[type eq "work"].value paths. R-USER-8: active false blocks.
func TestSCIMUsersEntra(t *testing.T) {
	w := newSCIM(t, db.BuiltinStaff)
	id := w.create(t, "jan@example.pl")
	st, _, out := w.do(t, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"jan.nowak@example.pl"},
		{"op":"Replace","path":"userName","value":"jan.nowak@example.pl"},
		{"op":"Replace","path":"active","value":"False"},
		{"op":"Add","path":"name.familyName","value":"Nowak"},
		{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Sprzedaż"},
		{"op":"Add","path":"title","value":"Konsultant"}]}`)
	if st != 200 {
		t.Fatalf("PATCH: %d %v", st, out)
	}
	d, _ := w.a.db.GetUserDetails(context.Background(), w.owner, mustID(t, id))
	if d.Email != "jan.nowak@example.pl" || d.Status != db.StatusBlocked || d.FullName != "Anna Nowak" {
		t.Errorf("after PATCH: %+v", d.User)
	}
	st, _, out = w.do(t, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","value":{"active":"True"}}]}`)
	if st != 200 || out["active"] != true {
		t.Errorf("unblock: %d %v", st, out)
	}
}

// ETags: meta.version is the ETag; a stale If-Match answers 412.
func TestSCIMETag(t *testing.T) {
	w := newSCIM(t, db.BuiltinStaff)
	id := w.create(t, "ewa@example.pl")
	_, h, out := w.do(t, "GET", "/Users/"+id, "")
	v := out["meta"].(map[string]any)["version"].(string)
	if h.Get("ETag") != v || !strings.HasPrefix(v, `W/"`) {
		t.Fatalf("ETag %q, version %q", h.Get("ETag"), v)
	}
	patch := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Ewa B"}]}`
	if st, _, out := w.do(t, "PATCH", "/Users/"+id, patch, "If-Match", v); st != 200 {
		t.Fatalf("current If-Match: %d %v", st, out)
	}
	if st, _, _ := w.do(t, "PATCH", "/Users/"+id, patch, "If-Match", v); st != http.StatusPreconditionFailed {
		t.Errorf("stale If-Match: %d", st)
	}
}

// R-USER-9: DELETE deletes as the form does; the SIP account is disabled
// and freed.
func TestSCIMDelete(t *testing.T) {
	w := newSCIM(t, db.BuiltinStaff)
	id := w.create(t, "olga@example.pl")
	d, _ := w.a.db.GetUserDetails(context.Background(), w.owner, mustID(t, id))
	if st, _, _ := w.do(t, "DELETE", "/Users/"+id, ""); st != http.StatusNoContent {
		t.Fatalf("delete: %d", st)
	}
	if st, _, _ := w.do(t, "GET", "/Users/"+id, ""); st != http.StatusNotFound {
		t.Errorf("after delete: %d", st)
	}
	sip, err := w.a.db.GetSIPAccount(context.Background(), w.owner, d.SIPAccountID)
	if err != nil || sip.Enabled || sip.UserID != 0 {
		t.Errorf("SIP after delete: %+v %v", sip, err)
	}
}

// Bad input: malformed filters, unknown filter attributes, wrong types.
func TestSCIMBadInput(t *testing.T) {
	w := newSCIM(t, db.BuiltinStaff)
	for _, f := range []string{`userName%20eq`, `userName%20xx%20%22a%22`, `nosuch%20eq%20%22a%22`, `(userName`} {
		st, _, out := w.do(t, "GET", "/Users?filter="+f, "")
		if st != 400 || out["scimType"] != "invalidFilter" {
			t.Errorf("filter %s: %d %v", f, st, out)
		}
	}
	st, _, out := w.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x@example.pl","active":"maybe"}`)
	if st != 400 {
		t.Errorf("wrong type: %d %v", st, out)
	}
	st, _, _ = w.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":42}`)
	if st != 400 {
		t.Errorf("userName a number: %d", st)
	}
	st, _, out = w.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"r@example.pl",
		"urn:ietf:params:scim:schemas:extension:kadra:2.0:User":{"role":"No such role"}}`)
	if st != 400 || out["scimType"] != "invalidValue" {
		t.Errorf("unknown role: %d %v", st, out)
	}
	if st, _, _ := w.do(t, "GET", "/Users/abc", ""); st != 404 {
		t.Errorf("bad id: %d", st)
	}
}

// Filters beyond the index: co, sw, pr, not, and/or, dates; paging.
func TestSCIMFilters(t *testing.T) {
	w := newSCIM(t, db.BuiltinStaff)
	for _, u := range []string{"a1@example.pl", "a2@example.pl", "b1@example.com"} {
		w.create(t, u)
	}
	cases := map[string]float64{
		`userName co "example.pl"`:                          3, // the owner too
		`userName sw "b"`:                                   1,
		`userName ew ".com"`:                                1,
		`not (userName ew ".com")`:                          3, // the owner too
		`userName sw "a" and active eq true`:                2,
		`userName eq "a1@example.pl" or userName sw "b"`:    2,
		`externalId eq "ext-a2@example.pl"`:                 1,
		`meta.created gt "2000-01-01T00:00:00Z"`:            4,
		`emails[type eq "work" and value co "example.com"]`: 1,
		`userName ne "a1@example.pl"`:                       3,
		`displayName pr`:                                    4,
	}
	for f, want := range cases {
		st, _, out := w.do(t, "GET", "/Users?filter="+strings.ReplaceAll(strings.ReplaceAll(f, " ", "%20"), `"`, "%22"), "")
		if st != 200 || out["totalResults"] != want {
			t.Errorf("%s: %d %v, want %v", f, st, out["totalResults"], want)
		}
	}
	st, _, out := w.do(t, "GET", "/Users?startIndex=2&count=2", "")
	if st != 200 || out["totalResults"].(float64) != 4 || len(out["Resources"].([]any)) != 2 || out["startIndex"].(float64) != 2 {
		t.Errorf("paging: %d %v", st, out)
	}
	st, _, out = w.do(t, "GET", "/Users?attributes=userName", "")
	r := out["Resources"].([]any)[0].(map[string]any)
	if st != 200 || r["userName"] == nil || r["emails"] != nil || r["id"] == nil {
		t.Errorf("attributes: %v", r)
	}
	_, _, out = w.do(t, "GET", "/Users?excludedAttributes=emails", "")
	if r := out["Resources"].([]any)[0].(map[string]any); r["emails"] != nil || r["userName"] == nil {
		t.Errorf("excludedAttributes: %v", r)
	}
}

// Google Workspace: groups with a displayName only; then members, and a
// member removed by a value filter.
func TestSCIMGroups(t *testing.T) {
	w := newSCIM(t, db.BuiltinStaff)
	u1, u2 := w.create(t, "g1@example.pl"), w.create(t, "g2@example.pl")
	st, _, out := w.do(t, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Sprzedaż"}`)
	if st != http.StatusCreated {
		t.Fatalf("create group: %d %v", st, out)
	}
	gid := out["id"].(string)
	st, _, out = w.do(t, "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Add","path":"members","value":[{"value":"`+u1+`"},{"value":"`+u2+`"}]}]}`)
	if st != 200 || len(out["members"].([]any)) != 2 {
		t.Fatalf("add members: %d %v", st, out)
	}
	st, _, out = w.do(t, "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"remove","path":"members[value eq \"`+u1+`\"]"},{"op":"replace","path":"displayName","value":"Handel"}]}`)
	if st != 200 || len(out["members"].([]any)) != 1 || out["displayName"] != "Handel" {
		t.Fatalf("remove member: %d %v", st, out)
	}
	if _, _, u := w.do(t, "GET", "/Users/"+u2, ""); len(u["groups"].([]any)) != 1 {
		t.Errorf("the user's groups: %v", u["groups"])
	}
	// Entra ID removes a member by naming it in the value.
	w.do(t, "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Add","path":"members","value":[{"value":"`+u1+`"}]}]}`)
	st, _, out = w.do(t, "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Remove","path":"members","value":[{"value":"`+u1+`"}]}]}`)
	if st != 200 || len(out["members"].([]any)) != 1 {
		t.Fatalf("remove by value: %d %v", st, out)
	}
	ids, _ := w.a.db.UserGroupIDs(context.Background(), w.owner, mustID(t, u2))
	if len(ids) != 1 || fmt.Sprint(ids[0]) != gid {
		t.Errorf("u2 groups: %v", ids)
	}
	st, _, out = w.do(t, "GET", `/Groups?filter=displayName%20eq%20%22handel%22`, "")
	if st != 200 || out["totalResults"].(float64) != 1 {
		t.Errorf("group filter: %d %v", st, out)
	}
	if st, _, out := w.do(t, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Handel"}`); st != 409 || out["scimType"] != "uniqueness" {
		t.Errorf("duplicate group: %d %v", st, out)
	}
	if st, _, _ := w.do(t, "DELETE", "/Groups/"+gid, ""); st != http.StatusNoContent {
		t.Errorf("delete group: %d", st)
	}
}

// R-SEC-2: a SCIM token whose ceiling is Staff member cannot change,
// block or delete the owner or an Administrator, nor put them in a group,
// nor hand out Administrator; each refusal leaves the target as it was.
func TestSCIMHierarchy(t *testing.T) {
	w := newSCIM(t, db.BuiltinStaff)
	ctx := context.Background()
	admin := dbtest.AddUser(t, w.a.db, w.owner, "boss@example.pl")
	if err := w.a.db.SetUserRole(ctx, w.owner, admin.ID, w.admin); err != nil {
		t.Fatal(err)
	}
	ownerID := fmt.Sprint(w.owner.UserID)
	for _, target := range []string{ownerID, fmt.Sprint(admin.ID)} {
		before, _ := w.a.db.GetUserDetails(ctx, w.owner, mustID(t, target))
		for _, req := range []struct{ method, body string }{
			{"PATCH", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`},
			{"PATCH", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"X"}]}`},
			{"PUT", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"` + before.Email + `","displayName":"X"}`},
			{"DELETE", ``},
		} {
			if st, _, out := w.do(t, req.method, "/Users/"+target, req.body); st != http.StatusForbidden {
				t.Errorf("%s %s: %d %v", req.method, target, st, out)
			}
		}
		after, err := w.a.db.GetUserDetails(ctx, w.owner, mustID(t, target))
		if err != nil || db.ETag(after) != db.ETag(before) {
			t.Errorf("target %s changed: %+v", target, after.User)
		}
	}
	_, _, out := w.do(t, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G"}`)
	st, _, _ := w.do(t, "PATCH", "/Groups/"+out["id"].(string), `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"add","path":"members","value":[{"value":"`+ownerID+`"}]}]}`)
	if st != http.StatusForbidden {
		t.Errorf("owner into a group: %d", st)
	}
	st, _, _ = w.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"up@example.pl",
		"urn:ietf:params:scim:schemas:extension:kadra:2.0:User":{"role":"Administrator"}}`)
	if st != 400 && st != 403 {
		t.Errorf("Administrator given: %d", st)
	}
	// The owner and the Administrator stay visible: reading is not acting.
	if st, _, _ := w.do(t, "GET", "/Users/"+ownerID, ""); st != 200 {
		t.Errorf("read owner: %d", st)
	}
}

// With an Administrator ceiling the token acts on Administrators, never
// on the owner (R-SEC-2).
func TestSCIMHierarchyAdminCeiling(t *testing.T) {
	w := newSCIM(t, db.BuiltinAdministrator)
	ctx := context.Background()
	admin := dbtest.AddUser(t, w.a.db, w.owner, "boss@example.pl")
	if err := w.a.db.SetUserRole(ctx, w.owner, admin.ID, w.admin); err != nil {
		t.Fatal(err)
	}
	block := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`
	if st, _, out := w.do(t, "PATCH", fmt.Sprint("/Users/", admin.ID), block); st != 200 {
		t.Errorf("block an Administrator: %d %v", st, out)
	}
	if st, _, _ := w.do(t, "PATCH", fmt.Sprint("/Users/", w.owner.UserID), block); st != http.StatusForbidden {
		t.Errorf("block the owner: %d", st)
	}
}

// R-ACC-5: a token of one account never sees another's users.
func TestSCIMIsolation(t *testing.T) {
	w := newSCIM(t, db.BuiltinStaff)
	sub := dbtest.AddAccount(t, w.a.db, w.owner, "Oddział")
	in, err := w.a.db.ActorIn(context.Background(), w.owner, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	other := dbtest.AddUser(t, w.a.db, in, "other@example.pl")
	for _, m := range []string{"GET", "DELETE"} {
		if st, _, _ := w.do(t, m, fmt.Sprint("/Users/", other.ID), ""); st != 404 {
			t.Errorf("%s another account's user: %d", m, st)
		}
	}
	if _, _, out := w.do(t, "GET", `/Users?filter=userName%20eq%20%22other@example.pl%22`, ""); out["totalResults"].(float64) != 0 {
		t.Errorf("filter found another account's user: %v", out)
	}
}

// R-ROLE-7: every SCIM route of the router refuses a request without a
// SCIM token with 401, even from a signed-in browser: SCIM never reads
// cookies, so it needs no CSRF token either.
func TestSCIMNeedsToken(t *testing.T) {
	ap := newSetupApp(t)
	c := ap.ownerClient()
	n := 0
	for _, r := range ap.srv.Echo().Routes() {
		if !strings.HasPrefix(r.Path, "/scim/") {
			continue
		}
		n++
		req, _ := http.NewRequest(r.Method, ap.ts.URL+strings.ReplaceAll(r.Path, "*", "Users"), strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/scim+json")
		if res := c.do(req); res.Status != http.StatusUnauthorized || !strings.Contains(res.Body, "urn:ietf:params:scim:api:messages:2.0:Error") {
			t.Errorf("%s %s without a token: %d %s", r.Method, r.Path, res.Status, res.Body)
		}
	}
	if n < 5 {
		t.Fatalf("only %d SCIM routes", n)
	}
}
