package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-API-1: every API route that takes a body refuses members it does not
// know, with 400 naming each one, before it looks at anything else; the
// route list comes from the router, so a new route is tried too.
func TestAPIUnknownFields(t *testing.T) {
	w := newIsolation(t)
	tried := 0
	for _, r := range w.routes() {
		if !strings.HasPrefix(r.path, "/api/v1/") || r.method == http.MethodGet || r.method == http.MethodDelete {
			continue
		}
		path := routeParam.ReplaceAllStringFunc(r.path, func(m string) string {
			return strconv.FormatInt(w.a1.ids[kindOf(r.path, m[1:])], 10)
		})
		if len(w.bodyMembers(r.method, r.path)) == 0 {
			continue // no body: nothing to bind
		}
		tried++
		status, body := w.a.apiIn(r.method, path, w.token, "", map[string]any{"zz_unknown": 1, "also_unknown": true})
		f := apiFields(body)
		if status != http.StatusBadRequest || f["zz_unknown"] == nil || f["also_unknown"] == nil {
			t.Errorf("%s %s with unknown members: %d %v", r.method, path, status, body)
		}
	}
	if tried < 20 {
		t.Fatalf("only %d routes with a body", tried)
	}
	// The case that was seen: a field of another resource is not ignored.
	status, body := w.a.apiIn("PATCH", "/api/v1/accounts/"+strconv.FormatInt(w.a1.account.ID, 10), w.token, "",
		map[string]any{"sip_domain": "x.example.pl"})
	if status != http.StatusBadRequest || apiFields(body)["sip_domain"] != "Unknown field." {
		t.Errorf("sip_domain on an account: %d %v", status, body)
	}
	// A value of the wrong type is named too.
	status, body = w.a.apiIn("PATCH", "/api/v1/users/"+strconv.FormatInt(w.a1.ids["user"], 10), w.token, "",
		map[string]any{"full_name": 42})
	if status != http.StatusBadRequest || apiFields(body)["full_name"] == nil {
		t.Errorf("a number for a name: %d %v", status, body)
	}
}

// R-API-1: the fields a refusal names are the request's own names: every
// key of every per-field message that creating a user can give, through
// the API and the form alike, is a member of the API's user input.
func TestAPIErrorFieldNames(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	tok := a.token("owner@example.pl")
	taken := dbtest.AddUser(t, a.db, owner, "taken@example.pl")
	ext := userExtension(t, a, taken.ID)
	me, _ := a.db.GetUserDetails(t.Context(), owner, taken.ID)
	known := map[string]bool{}
	for _, f := range db.UserFields {
		known[f.Name] = true
	}
	seen := map[string]bool{}
	for _, body := range []map[string]any{
		{},
		{"email": "not-an-address", "notify_email": "also bad", "full_name": strings.Repeat("n", 300),
			"work_phone": "phone?", "role_id": 999999, "position_id": 999999, "sip_account_id": 999999,
			"extension": "12", "call_number_id": 999999, "sms_sender_id": 999999, "group_ids": []int64{999999},
			"password": "weak"},
		{"email": "TAKEN@example.pl", "full_name": "X", "extension": ext, "role_id": me.RoleID, "position_id": me.PositionID},
		{"email": "x@example.pl", "full_name": "X", "password": "Strong-pass1!", "send_invite": true},
		{"email": "links@example.pl", "full_name": "X", "role_id": me.RoleID, "position_id": me.PositionID,
			"extension": "3456", "call_number_id": 999999, "sms_sender_id": 999999, "group_ids": []int64{999999}},
	} {
		st, res := a.api("POST", "/api/v1/users", tok, body)
		if st < 400 {
			t.Fatalf("%v: %d", body, st)
		}
		for k := range apiFields(res) {
			seen[k] = true
			if !known[k] {
				t.Errorf("the API names field %q, which the request has not", k)
			}
		}
		c := a.ownerClient()
		c.get("/users/new")
		form := url.Values{}
		for k, v := range body {
			switch v := v.(type) {
			case []int64:
				for _, id := range v {
					form.Add(k, fmt.Sprint(id))
				}
			default:
				form.Set(k, fmt.Sprint(v))
			}
		}
		r := c.post("/users", form)
		for _, m := range fieldIDRe.FindAllStringSubmatch(r.Body, -1) {
			if !known[m[1]] {
				t.Errorf("the form names field %q", m[1])
			}
		}
	}
	if len(seen) < 10 {
		t.Errorf("only %d fields refused: %v", len(seen), seen)
	}
}

// fieldIDRe finds the per-field messages of a form page.
var fieldIDRe = regexp.MustCompile(`id="e-([a-z_]+)"`)

func userExtension(t *testing.T, a *app, id int64) string {
	t.Helper()
	d, err := a.db.GetUserDetails(t.Context(), ownerActor(t, a), id)
	if err != nil {
		t.Fatal(err)
	}
	return d.Extension
}

// R-API-1: builtin is a boolean on roles and groups alike, with a kind
// string where the kind matters.
func TestAPIBuiltinTypes(t *testing.T) {
	a := newSetupApp(t)
	tok := a.token("owner@example.pl")
	for _, c := range []struct {
		path  string
		kinds []string
	}{
		{"/api/v1/roles", []string{db.BuiltinAdministrator, db.BuiltinStaff, db.RoleCustom}},
		{"/api/v1/groups", []string{db.GroupPositions, db.GroupPosition, db.GroupPlain}},
	} {
		st, body := a.api("GET", c.path, tok, nil)
		items, _ := body["items"].([]any)
		if st != http.StatusOK || len(items) < 2 {
			t.Fatalf("%s: %d %v", c.path, st, body)
		}
		builtins := 0
		for _, it := range items {
			m := it.(map[string]any)
			b, ok := m["builtin"].(bool)
			kind, _ := m["kind"].(string)
			if !ok || !slices.Contains(c.kinds, kind) || b != (kind == c.kinds[0] || kind == db.BuiltinStaff) {
				t.Errorf("%s: builtin %v kind %q", c.path, m["builtin"], kind)
			}
			if b {
				builtins++
			}
		}
		if builtins == 0 {
			t.Errorf("%s: no built-in item", c.path)
		}
	}
}

// R-API-1: GET of one resource answers an ETag; PATCH and DELETE with a
// stale If-Match answer 412 and change nothing; with the current one they
// go through.
func TestAPIETags(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	tok := a.token("owner@example.pl")
	u := dbtest.AddUser(t, a.db, owner, "ewa@example.pl")
	role, err := a.db.CreateRole(t.Context(), owner, db.RoleInput{Name: "Helpdesk"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, field string }{
		{fmt.Sprintf("/api/v1/users/%d", u.ID), "full_name"},
		{fmt.Sprintf("/api/v1/roles/%d", role.ID), "description"},
	} {
		st, h, _ := a.apiHeaders("GET", c.path, tok, nil, nil)
		first := h.Get("ETag")
		if st != http.StatusOK || first == "" {
			t.Fatalf("GET %s: %d, ETag %q", c.path, st, first)
		}
		st, _, body := a.apiHeaders("PATCH", c.path, tok, map[string]string{"If-Match": first}, map[string]any{c.field: "One"})
		if st != http.StatusOK {
			t.Fatalf("PATCH %s with the current version: %d %v", c.path, st, body)
		}
		_, h, _ = a.apiHeaders("GET", c.path, tok, nil, nil)
		second := h.Get("ETag")
		if second == first {
			t.Fatalf("%s: the ETag did not change", c.path)
		}
		st, _, body = a.apiHeaders("PATCH", c.path, tok, map[string]string{"If-Match": first}, map[string]any{c.field: "Two"})
		if st != http.StatusPreconditionFailed || body["error"].(map[string]any)["code"] != "precondition_failed" {
			t.Errorf("PATCH %s with a stale version: %d %v", c.path, st, body)
		}
		if st, _, _ := a.apiHeaders("DELETE", c.path, tok, map[string]string{"If-Match": first}, nil); st != http.StatusPreconditionFailed {
			t.Errorf("DELETE %s with a stale version: %d", c.path, st)
		}
		if _, h, _ := a.apiHeaders("GET", c.path, tok, nil, nil); h.Get("ETag") != second {
			t.Errorf("%s changed after refusals", c.path)
		}
	}
}

// R-API-1: a PATCH changes only the fields it sends, in one transaction:
// admins patching different fields of one user at once lose nothing.
func TestAPIPatchConcurrent(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	tok := a.token("owner@example.pl")
	u := dbtest.AddUser(t, a.db, owner, "ewa@example.pl")
	path := fmt.Sprintf("/api/v1/users/%d", u.ID)
	bodies := []map[string]any{{"full_name": "Ewa Nowak"}, {"work_phone": "+48 22 123 45 67"},
		{"notify_email": "ewa@home.example"}}
	var wg sync.WaitGroup
	for range 5 {
		for _, b := range bodies {
			wg.Go(func() {
				if st, _, body := a.apiHeaders("PATCH", path, tok, nil, b); st != http.StatusOK {
					t.Errorf("PATCH %v: %d %v", b, st, body)
				}
			})
		}
	}
	wg.Wait()
	d, _ := a.db.GetUserDetails(t.Context(), owner, u.ID)
	if d.FullName != "Ewa Nowak" || d.WorkPhone == "" || d.NotifyEmail != "ewa@home.example" {
		t.Errorf("a concurrent change was lost: %+v", d.User)
	}
}
