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

	"kadra/db"
	"kadra/db/dbtest"
)

// createGroup posts the create form and returns the new group's id.
func createGroup(t *testing.T, c *client, name string, parent int64) int64 {
	t.Helper()
	r := c.post("/groups", url.Values{"name": {name}, "parent_id": {strconv.FormatInt(parent, 10)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create %s: %d\n%s", name, r.Status, r.Body)
	}
	m := regexp.MustCompile(`#g-(\d+)$`).FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("redirect %q", r.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// R-GROUP-1, R-GROUP-4, R-GROUP-6: the tree page shows Position with its
// positions, groups and subgroups at any depth, and two counts per group.
func TestGroupsPage(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	wantBody(t, c.get("/groups"), http.StatusOK, "Position", "Employee", `<span class="counts">1 / 1</span>`,
		`name="parent_id"`, "Add position")
	foreign := createGroup(t, c, "Foreign branches", 0)
	france := createGroup(t, c, "France", foreign)
	lyon := createGroup(t, c, "Lyon", france)
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), "fr@example.pl")
	if err := a.db.SetUserGroups(context.Background(), ownerActor(t, a), u.ID, []int64{foreign, lyon}); err != nil {
		t.Fatal(err)
	}
	r := c.get("/groups")
	wantBody(t, r, http.StatusOK, "Group “Foreign branches › France” created.")
	r = c.get("/groups")
	wantBody(t, r, http.StatusOK, fmt.Sprintf(`id="g-%d"`, lyon), "Lyon")
	// Foreign branches: 1 own member, 1 with subgroups (counted once).
	if !regexp.MustCompile(fmt.Sprintf(`(?s)href="/groups/%d">Foreign branches</a>\s*<span class="counts">1 / 1</span>`, foreign)).MatchString(r.Body) {
		t.Error("Foreign branches counts wrong")
	}
	// The filter keeps matches with their ancestors.
	r = c.get("/groups?q=lyo")
	wantBody(t, r, http.StatusOK, "Lyon", "France", "Foreign branches", "3 groups")
	if strings.Contains(r.Body, ">Employee<") {
		t.Error("the filter kept a group that does not match")
	}
	// "Add subgroup" preselects the parent.
	wantBody(t, c.get(fmt.Sprintf("/groups?parent=%d", france)), http.StatusOK,
		fmt.Sprintf(`<option value="%d" selected>Foreign branches › France</option>`, france))
	// The group page lists members, with and without subgroups.
	wantBody(t, c.get(fmt.Sprintf("/groups/%d", france)), http.StatusOK, "0 members")
	wantBody(t, c.get(fmt.Sprintf("/groups/%d?deep=true", france)), http.StatusOK, "1 member", "fr@example.pl")
	wantBody(t, c.get(fmt.Sprintf("/groups/%d?deep=true&q=nobody", foreign)), http.StatusOK, "0 members")
}

// R-SEC-1, R-GROUP-5: refusals come back with the typed values and a
// message per field; nothing is written.
func TestGroupsBadInput(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	sales := createGroup(t, c, "Sales", 0)
	for _, tc := range []struct {
		form  url.Values
		field string
		want  string
	}{
		{url.Values{"name": {""}}, "name", "This field is required"},
		{url.Values{"name": {strings.Repeat("g", 200)}}, "name", "At most 100 characters"},
		{url.Values{"name": {"SALES"}}, "name", "already exists at this place"},
		{url.Values{"name": {"Orphan"}, "parent_id": {"99999"}}, "parent_id", "Choose a parent group"},
		{url.Values{"name": {"Deputy"}, "parent_id": {"2"}}, "parent_id", "Positions have no subgroups"},
	} {
		r := c.post("/groups", tc.form)
		wantBody(t, r, http.StatusUnprocessableEntity, `id="e-`+tc.field+`"`, tc.want)
		if n := tc.form.Get("name"); n != "" && !strings.Contains(r.Body, `value="`+n+`"`) {
			t.Errorf("typed name %q lost", n)
		}
	}
	tree, _ := a.db.GroupTree(context.Background(), ownerActor(t, a), "")
	if len(tree) != 3 {
		t.Fatalf("refused groups were written: %d groups", len(tree))
	}
	// The same through the API: 409 with the same messages (R-API-1).
	tok := a.token("owner@example.pl")
	st, body := a.api("POST", "/api/v1/groups", tok, map[string]any{"name": "sales"})
	if msg, _ := apiFields(body)["name"].(string); st != http.StatusConflict || !strings.Contains(msg, "already exists at this place") {
		t.Fatalf("API duplicate: %d %v", st, body)
	}
	_ = sales
}

// R-GROUP-5: rename at any time; move anywhere but under itself; delete
// only when empty, after a confirmation, saying where members are.
func TestGroupEditPages(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	sales := createGroup(t, c, "Sales", 0)
	north := createGroup(t, c, "North", sales)
	gdansk := createGroup(t, c, "Gdańsk", north)
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), "g@example.pl")
	if err := a.db.SetUserGroups(context.Background(), ownerActor(t, a), u.ID, []int64{gdansk}); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/groups/%d", sales)
	r := c.post(path, url.Values{"op": {"rename"}, "name": {"Sprzedaż"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("rename: %d\n%s", r.Status, r.Body)
	}
	r = c.post(path, url.Values{"op": {"rename"}, "name": {strings.Repeat("x", 200)}})
	wantBody(t, r, http.StatusUnprocessableEntity, "At most 100 characters", `value="`+strings.Repeat("x", 200)+`"`)
	r = c.post(path, url.Values{"op": {"move"}, "parent_id": {strconv.FormatInt(gdansk, 10)}})
	wantBody(t, r, http.StatusUnprocessableEntity, "cannot move under itself or one of its own subgroups")
	// The move form offers neither the group nor anything under it.
	r = c.get(path)
	if strings.Contains(r.Body, fmt.Sprintf(`<option value="%d"`, gdansk)) {
		t.Error("the move form offers a subgroup")
	}
	wantBody(t, r, http.StatusOK, `data-confirm="Delete the group “Sprzedaż” and its 1 subgroup?"`)
	r = c.post(path+"/delete", nil)
	wantBody(t, r, http.StatusConflict, "1 member is in it or its subgroups (Sprzedaż › North › Gdańsk (1))")
	if err := a.db.SetUserGroups(context.Background(), ownerActor(t, a), u.ID, nil); err != nil {
		t.Fatal(err)
	}
	// Move North to the top level, then delete the empty Sprzedaż.
	if r := c.post(fmt.Sprintf("/groups/%d", north), url.Values{"op": {"move"}, "parent_id": {"0"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("move: %d\n%s", r.Status, r.Body)
	}
	if r := c.post(path+"/delete", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", r.Status, r.Body)
	}
	wantBody(t, c.get("/groups"), http.StatusOK, "Group “Sprzedaż” deleted.", "North", "Gdańsk")
	// Position is permanent; its page offers no rename, move or delete.
	tree, _ := a.db.GroupTree(context.Background(), ownerActor(t, a), "")
	root := tree[0].ID
	if r := c.get(fmt.Sprintf("/groups/%d", root)); strings.Contains(r.Body, "/delete") {
		t.Error("Position offers delete")
	}
	r = c.post(fmt.Sprintf("/groups/%d/delete", root), nil)
	wantBody(t, r, http.StatusConflict, "cannot be renamed, moved or deleted")
}

// R-GROUP-5: without groups.manage the forms are hidden and the server
// refuses them anyway.
func TestGroupsWithoutPermission(t *testing.T) {
	a := newSetupApp(t)
	owner := a.ownerClient()
	g := createGroup(t, owner, "Kept", 0)
	c, _, _ := roleUser(t, a, "viewer@example.pl", db.PermUsersView)
	r := c.get("/groups")
	wantBody(t, r, http.StatusOK, "Kept")
	if strings.Contains(r.Body, `method="post" action="/groups"`) || strings.Contains(r.Body, "Add subgroup") {
		t.Error("forms shown without groups.manage")
	}
	for path, form := range map[string]url.Values{
		"/groups":                           {"name": {"New"}},
		fmt.Sprintf("/groups/%d", g):        {"op": {"rename"}, "name": {"x"}},
		fmt.Sprintf("/groups/%d/delete", g): {},
	} {
		if r := c.post(path, form); r.Status != http.StatusForbidden {
			t.Errorf("POST %s: %d", path, r.Status)
		}
	}
	tok := a.token("viewer@example.pl")
	if st, _ := a.api("PATCH", fmt.Sprintf("/api/v1/groups/%d", g), tok, map[string]any{"name": "x"}); st != http.StatusForbidden {
		t.Errorf("API rename: %d", st)
	}
	if st, _ := a.api("DELETE", fmt.Sprintf("/api/v1/groups/%d", g), tok, nil); st != http.StatusForbidden {
		t.Errorf("API delete: %d", st)
	}
}

// R-GROUP-1..6 through the API, and R-GROUP-2/R-GROUP-3: a new group is
// at once a choice for a user's groups, set with PUT /users/{id}/groups.
func TestAPIGroups(t *testing.T) {
	a := newSetupApp(t)
	tok := a.token("owner@example.pl")
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), "m@example.pl")
	st, body := a.api("POST", "/api/v1/groups", tok, map[string]any{"name": "Branches"})
	if st != http.StatusCreated {
		t.Fatalf("create: %d %v", st, body)
	}
	branches := int64(body["id"].(float64))
	st, body = a.api("POST", "/api/v1/groups", tok, map[string]any{"name": "USA", "parent_id": branches})
	if st != http.StatusCreated || body["path"] != "Branches › USA" || body["depth"] != float64(1) {
		t.Fatalf("create sub: %d %v", st, body)
	}
	usa := int64(body["id"].(float64))
	// R-GROUP-3: usable at once.
	groups := fmt.Sprintf("/api/v1/users/%d/groups", u.ID)
	if st, body := a.api("PUT", groups, tok, map[string]any{"group_ids": []int64{usa, branches}}); st != http.StatusOK ||
		len(body["group_ids"].([]any)) != 2 {
		t.Fatalf("set groups: %d %v", st, body)
	}
	// Unknown ids and positions are refused with a message; nothing changes.
	st, body = a.api("PUT", groups, tok, map[string]any{"group_ids": []int64{usa, 999999}})
	if msg, _ := apiFields(body)["group_ids"].(string); st != http.StatusBadRequest || !strings.Contains(msg, "999999") {
		t.Fatalf("unknown group: %d %v", st, body)
	}
	st, body = a.api("PUT", groups, tok, map[string]any{"group_ids": []int64{2}})
	if msg, _ := apiFields(body)["group_ids"].(string); st != http.StatusBadRequest || !strings.Contains(msg, "Position › Employee") {
		t.Fatalf("position among groups: %d %v", st, body)
	}
	st, body = a.api("GET", "/api/v1/groups", tok, nil)
	if st != http.StatusOK || body["total"] != float64(4) {
		t.Fatalf("list: %d %v", st, body)
	}
	for _, it := range body["items"].([]any) {
		g := it.(map[string]any)
		if g["name"] == "Branches" && (g["member_count"] != float64(1) || g["total_member_count"] != float64(1)) {
			t.Errorf("counts: %v", g)
		}
	}
	if st, body := a.api("GET", fmt.Sprintf("/api/v1/groups/%d/members?deep=true", branches), tok, nil); st != http.StatusOK || body["total"] != float64(1) {
		t.Fatalf("members: %d %v", st, body)
	}
	// Moving under its own subgroup: 400 on parent_id.
	st, body = a.api("PATCH", fmt.Sprintf("/api/v1/groups/%d", branches), tok, map[string]any{"parent_id": usa})
	if msg, _ := apiFields(body)["parent_id"].(string); st != http.StatusBadRequest || !strings.Contains(msg, "under itself") {
		t.Fatalf("cycle: %d %v", st, body)
	}
	// parent_id null moves to the top level; name alone leaves the parent.
	if st, body := a.api("PATCH", fmt.Sprintf("/api/v1/groups/%d", usa), tok, map[string]any{"parent_id": nil}); st != http.StatusOK || body["parent_id"] != float64(0) {
		t.Fatalf("to top: %d %v", st, body)
	}
	if st, body := a.api("PATCH", fmt.Sprintf("/api/v1/groups/%d", usa), tok, map[string]any{"name": "United States"}); st != http.StatusOK || body["parent_id"] != float64(0) || body["name"] != "United States" {
		t.Fatalf("rename: %d %v", st, body)
	}
	// Deleting a group with members: 409 naming it.
	if st, body := a.api("DELETE", fmt.Sprintf("/api/v1/groups/%d", branches), tok, nil); st != http.StatusConflict || !errorSays(body, "Branches (1)") {
		t.Fatalf("delete in use: %d %v", st, body)
	}
	// Positions: PUT /users/{id}/position.
	st, body = a.api("POST", "/api/v1/groups", tok, map[string]any{"name": "Manager", "parent_id": 1})
	if st != http.StatusCreated || body["position"] != true {
		t.Fatalf("new position: %d %v", st, body)
	}
	mgr := body["id"]
	if st, body := a.api("PUT", fmt.Sprintf("/api/v1/users/%d/position", u.ID), tok, map[string]any{"position_id": mgr}); st != http.StatusOK {
		t.Fatalf("position: %d %v", st, body)
	}
	if st, body := a.api("PUT", fmt.Sprintf("/api/v1/users/%d/position", u.ID), tok, map[string]any{"position_id": usa}); st != http.StatusBadRequest || apiFields(body)["position_id"] == nil {
		t.Fatalf("a group as position: %d %v", st, body)
	}
	if st, _ := a.api("DELETE", "/api/v1/groups/1", tok, nil); st != http.StatusConflict {
		t.Fatalf("Position deleted: %d", st)
	}
	if st, _ := a.api("GET", "/api/v1/groups/424242", tok, nil); st != http.StatusNotFound {
		t.Fatalf("unknown group: %d", st)
	}
}
