package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// bigOrg is an account of 2,000 groups, eight deep, and a few users.
func bigOrg(t *testing.T) (*app, *client) {
	t.Helper()
	d, _ := dbtest.Setup(t)
	if err := d.SeedSynthetic(context.Background(), db.System(), db.SyntheticOrg{Users: 30, Groups: 2000,
		Depth: 8, Positions: 20, Memberships: 200, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	a := serve(t, d)
	return a, a.ownerClient()
}

var optionRe = regexp.MustCompile(`<option value="\d+"`)

// R-GROUP-3: at 2,000 groups no page carries them all: the user list and
// the user form hold the chosen groups and a capped few others, and their
// weight stays under the targets (60 KB and 40 KB).
func TestGroupPickerPagesStaySmall(t *testing.T) {
	_, c := bigOrg(t)
	for _, p := range []struct {
		path  string
		limit int
	}{{"/users", 60 << 10}, {"/users/new", 40 << 10}} {
		r := c.get(p.path)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d", p.path, r.Status)
		}
		t.Logf("GET %s: %d bytes", p.path, len(r.Body))
		if len(r.Body) > p.limit {
			t.Errorf("GET %s weighs %d bytes, over %d", p.path, len(r.Body), p.limit)
		}
		if n := len(optionRe.FindAllString(r.Body, -1)); n > 300 {
			t.Errorf("GET %s carries %d options", p.path, n)
		}
		mustContain(t, p.path, r.Body, "data-group-picker", `hx-get="/groups/pick`)
	}
}

// R-GROUP-3: the picker finds a group deep in the tree by part of its name,
// with its ancestors for context, and caps a search that matches many.
func TestGroupPickerSearchAndExpand(t *testing.T) {
	_, c := bigOrg(t)
	r := c.get("/groups/pick?plain=1&group_q=" + url.QueryEscape("group 1999"))
	if r.Status != http.StatusOK {
		t.Fatalf("pick: %d", r.Status)
	}
	mustContain(t, "search", r.Body, `class="match"`, "Synthetic group 1999", "› Synthetic group 1999\"")
	r = c.get("/groups/pick?plain=1&group_q=Synthetic")
	if n := strings.Count(r.Body, `class="pick"`); n == 0 || n > 8*db.GroupPickLimit {
		t.Errorf("a search matching 2,000 groups gave %d nodes", n)
	}
	mustContain(t, "capped", r.Body, "pick-more")
	// Expanding a branch loads its direct subgroups only.
	top := c.get("/groups/pick?plain=1")
	m := regexp.MustCompile(`hx-get="/groups/pick\?parent=(\d+)`).FindStringSubmatch(top.Body)
	if m == nil {
		t.Fatalf("no expandable top-level group:\n%s", top.Body)
	}
	kids := c.get("/groups/pick?plain=1&parent=" + m[1])
	if kids.Status != http.StatusOK || !strings.Contains(kids.Body, `class="pick"`) {
		t.Errorf("expand %s: %d\n%s", m[1], kids.Status, kids.Body)
	}
	// Positions stay out of the plain picker (the form's groups).
	if p := c.get("/groups/pick?plain=1&group_q=position"); strings.Contains(p.Body, "Synthetic position") {
		t.Error("the plain picker offers positions")
	}
	if p := c.get("/groups/pick?group_q=position"); !strings.Contains(p.Body, "Synthetic position") {
		t.Error("the filter's picker hides positions")
	}
}

// R-GROUP-3, R-SEC-1: without script the form's "Find" comes back with the
// matches in the plain select, keeps what was typed, saves nothing, and the
// same field then saves the group.
func TestGroupPickerWithoutScript(t *testing.T) {
	_, c := bigOrg(t)
	c.get("/users/new")
	form := url.Values{"email": {"nojs@example.pl"}, "full_name": {"Bez Skryptu"}, "group_q": {"group 1777"},
		"group_search": {"1"}, "password": {"Secret-pass-123"}}
	r := c.post("/users", form)
	if r.Status != http.StatusOK {
		t.Fatalf("find: %d", r.Status)
	}
	mustContain(t, "find", r.Body, "Synthetic group 1777", `value="nojs@example.pl"`)
	if strings.Contains(r.Body, "Secret-pass-123") {
		t.Error("the password came back")
	}
	if l := c.get("/users?q=nojs"); strings.Contains(l.Body, "nojs@example.pl") {
		t.Error("find saved the user")
	}
}
