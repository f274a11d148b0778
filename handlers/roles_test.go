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

// roleUser adds a user holding a new role with perms and returns a client
// signed in as them, and the role.
func roleUser(t *testing.T, a *app, email string, perms ...db.Permission) (*client, db.Role, db.User) {
	t.Helper()
	ctx := context.Background()
	owner := ownerActor(t, a)
	r, err := a.db.CreateRole(ctx, owner, db.RoleInput{Name: "Role of " + email, Permissions: perms})
	if err != nil {
		t.Fatal(err)
	}
	u := dbtest.AddUser(t, a.db, owner, email)
	if err := a.db.SetUserRole(ctx, owner, u.ID, r.ID); err != nil {
		t.Fatal(err)
	}
	c := a.client()
	c.login(email, dbtest.OwnerPassword)
	return c, r, u
}

func builtinRole(t *testing.T, a *app, key string) int64 {
	t.Helper()
	id, err := a.db.BuiltinRoleID(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func wantBody(t *testing.T, r response, status int, parts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, r.Body)
	}
	for _, p := range parts {
		if !strings.Contains(r.Body, p) {
			t.Errorf("page lacks %q", p)
		}
	}
}

// R-ROLE-1, R-ROLE-2: the three-step wizard keeps every typed value in the
// form itself, refuses each step where it is typed, and moves the picked
// users out of their old role.
func TestRoleWizardPages(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	anna := dbtest.AddUser(t, a.db, ownerActor(t, a), "anna@example.pl")

	wantBody(t, c.get("/roles"), http.StatusOK, "Administrator", "Staff member", `href="/roles/new"`)
	wantBody(t, c.get("/roles/new"), http.StatusOK, `name="name"`, `aria-current="step"`)

	// Step 1 refused: an empty name.
	r := c.post("/roles/new", url.Values{"step": {"1"}, "go": {"next"}, "name": {" "}, "description": {"Typed desc"}})
	wantBody(t, r, http.StatusUnprocessableEntity, `id="e-name"`, "This field is required", "Typed desc")
	// 200 characters.
	r = c.post("/roles/new", url.Values{"step": {"1"}, "go": {"next"}, "name": {strings.Repeat("x", 200)}})
	wantBody(t, r, http.StatusUnprocessableEntity, "At most 100 characters")
	// Step 1 passes to step 2, carrying the values in hidden fields.
	r = c.post("/roles/new", url.Values{"step": {"1"}, "go": {"next"}, "name": {"Sales"}, "description": {"Desk"}})
	wantBody(t, r, http.StatusOK, `type="hidden" name="name" value="Sales"`, `name="permissions" value="users.view"`,
		"See users", "List and open users of the account.")
	// Step 2 refused: an unknown permission; the ticked ones stay ticked.
	r = c.post("/roles/new", url.Values{"step": {"2"}, "go": {"next"}, "name": {"Sales"}, "description": {"Desk"},
		"permissions": {"users.view", "root.all"}})
	wantBody(t, r, http.StatusUnprocessableEntity, `Not in the permission catalogue: &#34;root.all&#34;`,
		`value="users.view" checked`, `value="Desk"`)
	// Back to step 1 keeps the permissions in hidden fields.
	r = c.post("/roles/new", url.Values{"step": {"2"}, "go": {"back"}, "name": {"Sales"}, "permissions": {"users.view"}})
	wantBody(t, r, http.StatusOK, `name="name" type="text" value="Sales"`, `type="hidden" name="permissions" value="users.view"`)
	// Step 3 lists users with the role they would leave.
	r = c.post("/roles/new", url.Values{"step": {"2"}, "go": {"next"}, "name": {"Sales"}, "permissions": {"users.view"}})
	wantBody(t, r, http.StatusOK, "anna@example.pl", "moves from “Staff member”", "The owner always stays Administrator.")
	// Searching keeps what was picked on other pages.
	r = c.post("/roles/new", url.Values{"step": {"3"}, "go": {"search"}, "name": {"Sales"}, "permissions": {"users.view"},
		"q": {"nobody-matches"}, "user_ids": {fmt.Sprint(anna.ID)}})
	wantBody(t, r, http.StatusOK, fmt.Sprintf(`type="hidden" name="user_ids" value="%d"`, anna.ID), "1 user picked")
	// A duplicate name found only at the end sends the person back to step 1.
	r = c.post("/roles/new", url.Values{"step": {"3"}, "go": {"create"}, "name": {"staff MEMBER"}, "permissions": {"users.view"}})
	wantBody(t, r, http.StatusUnprocessableEntity, "A role named “staff MEMBER” already exists.", `value="staff MEMBER"`)
	// Create.
	r = c.post("/roles/new", url.Values{"step": {"3"}, "go": {"create"}, "name": {"Sales"}, "description": {"Desk"},
		"permissions": {"users.view"}, "user_ids": {fmt.Sprint(anna.ID)}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/roles/") {
		t.Fatalf("create: %d %s\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	// R-ROLE-5: the details page lists permissions and users.
	wantBody(t, c.get(r.Header.Get("Location")), http.StatusOK, "Role “Sales” created.", "Sales", "Desk",
		"anna@example.pl", "1 user holds this role", "See users", "(granted)", "(not granted)")
	wantBody(t, c.get("/roles?q=sal"), http.StatusOK, "1 role", "Sales")
	wantBody(t, c.get("/roles?sort=-users"), http.StatusOK, "3 roles")
}

// R-ROLE-3: only the owner creates, edits and deletes roles; others see
// them read-only, and the server refuses what the page hides.
func TestRolesOwnerOnlyPages(t *testing.T) {
	a := newSetupApp(t)
	admin := a.client()
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), "admin@example.pl")
	if err := a.db.SetUserRole(context.Background(), ownerActor(t, a), u.ID, builtinRole(t, a, db.BuiltinAdministrator)); err != nil {
		t.Fatal(err)
	}
	admin.login("admin@example.pl", dbtest.OwnerPassword)
	staffID := builtinRole(t, a, db.BuiltinStaff)

	r := admin.get("/roles")
	wantBody(t, r, http.StatusOK, "Administrator", "Only the owner may change roles")
	if strings.Contains(r.Body, `href="/roles/new"`) {
		t.Error("a non-owner is offered the wizard")
	}
	if r := admin.get(fmt.Sprintf("/roles/%d", staffID)); strings.Contains(r.Body, "/edit") {
		t.Error("a non-owner is offered the edit page")
	}
	for _, path := range []string{"/roles/new", fmt.Sprintf("/roles/%d/edit", staffID)} {
		if r := admin.get(path); r.Status != http.StatusForbidden {
			t.Errorf("GET %s: %d", path, r.Status)
		}
	}
	for path, form := range map[string]url.Values{
		"/roles/new":                             {"step": {"3"}, "go": {"create"}, "name": {"Mine"}},
		fmt.Sprintf("/roles/%d", staffID):        {"name": {"Renamed"}},
		fmt.Sprintf("/roles/%d/delete", staffID): {},
	} {
		if r := admin.post(path, form); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Only the owner") {
			t.Errorf("POST %s: %d", path, r.Status)
		}
	}
	// Someone without users.view sees no roles at all.
	staff, _, _ := roleUser(t, a, "nobody@example.pl")
	if r := staff.get("/roles"); r.Status != http.StatusForbidden {
		t.Errorf("staff: %d", r.Status)
	}
	if r := staff.get("/"); strings.Contains(r.Body, `href="/roles"`) || strings.Contains(r.Body, `href="/groups"`) {
		t.Error("the navigation offers what is not allowed")
	}
}

// R-ROLE-4, R-ROLE-6: deleting a held or a built-in role is refused on the
// details page with the reason; the owner confirms before deleting.
func TestRoleDeletePages(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	_, role, u := roleUser(t, a, "held@example.pl", db.PermUsersView)
	path := fmt.Sprintf("/roles/%d", role.ID)
	// A held role offers no delete, and says why (issue 11); a forged
	// request is still refused.
	held := c.get(path)
	wantBody(t, held, http.StatusOK, "cannot be deleted while someone has it")
	if strings.Contains(held.Body, `data-confirm="Delete the role`) {
		t.Error("a held role offers its delete")
	}
	r := c.post(path+"/delete", nil)
	wantBody(t, r, http.StatusConflict, "cannot be deleted: 1 user holds it", "held@example.pl")
	for _, key := range []string{db.BuiltinAdministrator, db.BuiltinStaff} {
		r := c.post(fmt.Sprintf("/roles/%d/delete", builtinRole(t, a, key)), nil)
		wantBody(t, r, http.StatusConflict, "is built in and cannot be deleted")
	}
	if err := a.db.SetUserRole(context.Background(), ownerActor(t, a), u.ID, builtinRole(t, a, db.BuiltinStaff)); err != nil {
		t.Fatal(err)
	}
	wantBody(t, c.get(path), http.StatusOK, `data-confirm="Delete the role`)
	r = c.post(path+"/delete", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", r.Status, r.Body)
	}
	wantBody(t, c.get("/roles"), http.StatusOK, "deleted")
	if r := c.get(path); r.Status != http.StatusNotFound {
		t.Fatalf("deleted role: %d", r.Status)
	}
}

// R-ROLE-6, R-SEC-1: editing keeps typed values on refusal; Administrator
// keeps every permission and its edit page offers none to untick.
func TestRoleEditPages(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	adminID := builtinRole(t, a, db.BuiltinAdministrator)
	r := c.get(fmt.Sprintf("/roles/%d/edit", adminID))
	wantBody(t, r, http.StatusOK, "Administrator holds every permission")
	if strings.Contains(r.Body, `type="checkbox"`) {
		t.Error("Administrator's permissions are offered for change")
	}
	// Forged: the permissions field sent anyway.
	r = c.post(fmt.Sprintf("/roles/%d", adminID), url.Values{"name": {"Administrator"}, "permissions_shown": {"true"},
		"permissions": {"users.view"}})
	wantBody(t, r, http.StatusUnprocessableEntity, "Administrator always holds every permission")

	_, role, _ := roleUser(t, a, "x@example.pl", db.PermUsersView)
	path := fmt.Sprintf("/roles/%d", role.ID)
	r = c.post(path, url.Values{"name": {""}, "description": {"Kept text"}, "permissions_shown": {"true"},
		"permissions": {"sip.manage"}})
	wantBody(t, r, http.StatusUnprocessableEntity, "This field is required", "Kept text", `value="sip.manage" checked`)
	r = c.post(path, url.Values{"name": {"Telephony"}, "permissions_shown": {"true"}, "permissions": {"sip.manage", "numbers.manage"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.Status, r.Body)
	}
	got, _ := a.db.GetRole(context.Background(), ownerActor(t, a), role.ID)
	if got.Name != "Telephony" || len(got.Permissions) != 2 || got.Has(db.PermUsersView) {
		t.Fatalf("saved %+v", got)
	}
}

// R-ROLE-7: a permission taken away acts on the holder's very next
// request, page and API alike; hiding a link is never the guard.
func TestPermissionRemovedNextRequest(t *testing.T) {
	a := newSetupApp(t)
	owner := a.ownerClient()
	c, role, _ := roleUser(t, a, "org@example.pl", db.PermGroupsManage)
	tok := a.token("org@example.pl")

	wantBody(t, c.get("/groups"), http.StatusOK, `method="post" action="/groups"`)
	if r := c.post("/groups", url.Values{"name": {"Before"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create with groups.manage: %d", r.Status)
	}
	if st, body := a.api("POST", "/api/v1/groups", tok, map[string]any{"name": "Before API"}); st != http.StatusCreated {
		t.Fatalf("API create: %d %v", st, body)
	}

	r := owner.post(fmt.Sprintf("/roles/%d", role.ID), url.Values{"name": {role.Name}, "permissions_shown": {"true"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("take the permission away: %d\n%s", r.Status, r.Body)
	}
	if r := c.post("/groups", url.Values{"name": {"After"}}); r.Status != http.StatusForbidden {
		t.Fatalf("page: the next request still could: %d", r.Status)
	}
	if st, _ := a.api("POST", "/api/v1/groups", tok, map[string]any{"name": "After API"}); st != http.StatusForbidden {
		t.Fatalf("API: the next request still could: %d", st)
	}
	if r := c.get("/groups"); r.Status != http.StatusForbidden {
		t.Fatalf("the page is still shown: %d", r.Status)
	}
}

// R-ROLE-1..6 through the API: the same rules and messages as the pages.
func TestAPIRoles(t *testing.T) {
	a := newSetupApp(t)
	tok := a.token("owner@example.pl")
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), "api@example.pl")

	st, body := a.api("GET", "/api/v1/roles", tok, nil)
	if st != http.StatusOK || body["total"] != float64(2) {
		t.Fatalf("list: %d %v", st, body)
	}
	// Bad input: 400 with the same per-field messages as the form.
	for _, tc := range []struct {
		body  map[string]any
		field string
		want  string
	}{
		{map[string]any{"name": ""}, "name", "This field is required"},
		{map[string]any{"name": strings.Repeat("n", 200)}, "name", "At most 100 characters"},
		{map[string]any{"name": "X", "permissions": []string{"users.view", "nope"}}, "permissions", `"nope"`},
		{map[string]any{"name": "X", "user_ids": []int{424242}}, "user_ids", "424242"},
		{map[string]any{"name": "administrator"}, "name", "already exists"},
	} {
		st, body := a.api("POST", "/api/v1/roles", tok, tc.body)
		want := http.StatusBadRequest
		if tc.want == "already exists" {
			want = http.StatusConflict // R-API-1
		}
		if msg, _ := apiFields(body)[tc.field].(string); st != want || !strings.Contains(msg, tc.want) {
			t.Errorf("%v: %d %v", tc.body, st, body)
		}
	}
	if st, body := a.api("POST", "/api/v1/roles", tok, map[string]any{"name": 5}); st != http.StatusBadRequest {
		t.Errorf("bad JSON: %d %v", st, body)
	}
	if st, _ := a.api("GET", "/api/v1/roles", tok, nil); st != http.StatusOK {
		t.Fatal("list failed")
	}
	// Create with a user: they move in.
	st, body = a.api("POST", "/api/v1/roles", tok, map[string]any{"name": "Ops", "description": "d",
		"permissions": []string{"sip.manage"}, "user_ids": []int64{u.ID}})
	if st != http.StatusCreated || body["user_count"] != float64(1) {
		t.Fatalf("create: %d %v", st, body)
	}
	id := int64(body["id"].(float64))
	path := fmt.Sprintf("/api/v1/roles/%d", id)
	if st, body := a.api("GET", path+"/users", tok, nil); st != http.StatusOK || body["total"] != float64(1) {
		t.Fatalf("users: %d %v", st, body)
	}
	if st, body := a.api("PATCH", path, tok, map[string]any{"permissions": []string{"sip.manage", "numbers.manage"}}); st != http.StatusOK ||
		len(body["permissions"].([]any)) != 2 || body["name"] != "Ops" {
		t.Fatalf("patch: %d %v", st, body)
	}
	// R-ROLE-4 over the API: 409 saying how many.
	if st, body := a.api("DELETE", path, tok, nil); st != http.StatusConflict || !errorSays(body, "1 user holds it") {
		t.Fatalf("delete in use: %d %v", st, body)
	}
	// R-ROLE-3 over the API.
	other := a.token("api@example.pl")
	if st, _ := a.api("POST", "/api/v1/roles", other, map[string]any{"name": "Mine"}); st != http.StatusForbidden {
		t.Fatalf("non-owner create: %d", st)
	}
	// PUT /users/{id}/role moves the user; the owner stays Administrator.
	staff := builtinRole(t, a, db.BuiltinStaff)
	if st, body := a.api("PUT", fmt.Sprintf("/api/v1/users/%d/role", u.ID), tok, map[string]any{"role_id": staff}); st != http.StatusOK {
		t.Fatalf("move: %d %v", st, body)
	}
	ownerID := ownerActor(t, a).UserID
	if st, body := a.api("PUT", fmt.Sprintf("/api/v1/users/%d/role", ownerID), tok, map[string]any{"role_id": staff}); st != http.StatusForbidden ||
		!errorSays(body, "owner always stays") {
		t.Fatalf("owner moved: %d %v", st, body)
	}
	if st, body := a.api("PUT", fmt.Sprintf("/api/v1/users/%d/role", u.ID), tok, map[string]any{"role_id": 999}); st != http.StatusBadRequest {
		t.Fatalf("unknown role: %d %v", st, body)
	}
	if st, _ := a.api("DELETE", path, tok, nil); st != http.StatusNoContent {
		t.Fatalf("delete: %d", st)
	}
	if st, _ := a.api("GET", path, tok, nil); st != http.StatusNotFound {
		t.Fatalf("deleted role: %d", st)
	}
}
