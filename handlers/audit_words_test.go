package handlers_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// polishOwner is the owner's browser with the Polish language chosen.
func polishOwner(t *testing.T, a *app) *client {
	t.Helper()
	c := a.ownerClient()
	if r := c.post("/lang", url.Values{"lang": {"pl"}, "next": {"/"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lang: %d", r.Status)
	}
	return c
}

// R-AUDIT-2: entries read as sentences with names, in Polish and English,
// each change as field, before and after in words; the names are those of
// the time of the change, stored with it.
func TestAuditSentencesAndChanges(t *testing.T) {
	a := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, a)
	jan := dbtest.NewUser(t, a.db, owner, db.UserInput{Email: "jan@example.pl", FullName: "Jan Nowak"})
	role, err := a.db.CreateRole(ctx, owner, db.RoleInput{Name: "Księgowość", Permissions: []db.Permission{db.PermUsersView}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.SetUserRole(ctx, owner, jan.ID, role.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.BlockUser(ctx, owner, jan.ID); err != nil {
		t.Fatal(err)
	}
	g, err := a.db.CreateGroup(ctx, owner, db.GroupInput{Name: "Magazyn"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.SetUserGroups(ctx, owner, jan.ID, []int64{g.ID}); err != nil {
		t.Fatal(err)
	}
	// Later renames do not rewrite the entries: they keep "Księgowość"
	// and "Magazyn" (the group change stores ids only).
	renamed, hall := "Finanse", "Hala"
	if _, err := a.db.UpdateRole(ctx, owner, role.ID, db.RolePatch{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.UpdateGroup(ctx, owner, g.ID, db.GroupPatch{Name: &hall}); err != nil {
		t.Fatal(err)
	}

	pl := polishOwner(t, a)
	r := pl.get("/audit?action=user.block")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Ola Owner: zablokowano użytkownika Jan Nowak") {
		t.Fatalf("block sentence in Polish: %d\n%s", r.Status, r.Body)
	}
	if !strings.Contains(r.Body, "<th scope=\"row\">Stan</th><td>aktywny</td><td>zablokowany</td>") &&
		!strings.Contains(r.Body, "<th scope=\"row\">Stan</th><td>active</td><td>blocked</td>") {
		t.Errorf("the status change is not a row of the change table:\n%s", r.Body)
	}
	r = pl.get("/audit?action=user.role")
	if !strings.Contains(r.Body, "zmieniono grupę uprawnień użytkownika Jan Nowak") ||
		!strings.Contains(r.Body, "<td>Księgowość</td>") || strings.Contains(r.Body, "Finanse") {
		t.Errorf("role change should name the role as it was (Księgowość), not now (Finanse):\n%s", r.Body)
	}
	if strings.Contains(r.Body, "role_id") || strings.Contains(r.Body, "<code>user.role</code>") {
		t.Errorf("raw codes on the Polish page:\n%s", r.Body)
	}
	r = pl.get("/audit?action=user.groups")
	if !strings.Contains(r.Body, "<th scope=\"row\">Grupy</th><td>—</td><td>Magazyn</td>") {
		t.Errorf("group change should name the group as it was (Magazyn):\n%s", r.Body)
	}
	en := a.ownerClient()
	if r := en.get("/audit?action=user.block"); !strings.Contains(r.Body, "Ola Owner blocked user Jan Nowak") {
		t.Errorf("block sentence in English:\n%s", r.Body)
	}

	// The API gives the same sentence and change table with each item.
	status, body := a.api("GET", "/api/v1/audit?action=user.role", a.token("owner@example.pl"), nil)
	if status != http.StatusOK {
		t.Fatalf("audit API: %d %v", status, body)
	}
	item := body["items"].([]any)[0].(map[string]any)
	changes, _ := item["changes"].([]any)
	if !strings.Contains(item["sentence"].(string), "Jan Nowak") || len(changes) == 0 ||
		changes[0].(map[string]any)["before"] == nil {
		t.Errorf("API item lacks its sentence or changes: %v", item)
	}
}

// R-AUDIT-2: while an admin acts as a user, the entry names both.
func TestAuditImpersonationNamesBoth(t *testing.T) {
	a := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, a)
	jan := dbtest.NewUser(t, a.db, owner, db.UserInput{Email: "jan@example.pl", FullName: "Jan Nowak"})
	raw, err := a.db.Impersonate(ctx, owner, jan.ID, db.ImpersonationInput{Reason: "checking what the user sees"})
	if err != nil {
		t.Fatal(err)
	}
	as, err := a.db.SessionActor(ctx, raw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.Logout(ctx, as); err != nil {
		t.Fatal(err)
	}
	r := polishOwner(t, a).get("/audit?action=user.logout")
	if !strings.Contains(r.Body, "Ola Owner (jako Jan Nowak): wylogowano się") {
		t.Errorf("impersonated entry should name both:\n%s", r.Body)
	}
}

// R-AUDIT-2: the log is filtered by action in words ("usunięcie" finds
// deletions), by the grouped action list, by kind of object, by person
// (with suggestions as one types) and by date, and sorted oldest first.
func TestAuditFilters(t *testing.T) {
	a := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, a)
	jan := dbtest.NewUser(t, a.db, owner, db.UserInput{Email: "jan@example.pl", FullName: "Jan Nowak"})
	ewa := dbtest.NewUser(t, a.db, owner, db.UserInput{Email: "ewa@example.pl", FullName: "Ewa Zielińska"})
	g, err := a.db.CreateGroup(ctx, owner, db.GroupInput{Name: "Magazyn"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.DeleteGroup(ctx, owner, g.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.db.DeleteUser(ctx, owner, jan.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.BlockUser(ctx, owner, ewa.ID); err != nil {
		t.Fatal(err)
	}
	pl := polishOwner(t, a)
	count := func(path string) int {
		t.Helper()
		r := pl.get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, r.Status, r.Body)
		}
		return strings.Count(r.Body, `class="audit-sentence"`)
	}
	for _, words := range []string{"usunięcie", "USUNIECIE"} {
		if n := count("/audit?words=" + url.QueryEscape(words)); n != 2 {
			t.Errorf("%q found %d entries, want the 2 deletions", words, n)
		}
	}
	if n := count("/audit?action=" + url.QueryEscape("usunięcie grupy")); n != 1 {
		t.Errorf("action in words: %d", n)
	}
	if n := count("/audit?action=user.block"); n != 1 {
		t.Errorf("action from the list: %d", n)
	}
	if n := count("/audit?object=group"); n != 2 {
		t.Errorf("object group: %d, want create and delete", n)
	}
	if n := count("/audit?object=group&words=usuni%C4%99cie"); n != 1 {
		t.Errorf("object and words together: %d", n)
	}
	if n := count("/audit?words=nic+takiego"); n != 0 {
		t.Errorf("unknown words found %d", n)
	}
	if n := count("/audit?actor=nobody"); n != 0 {
		t.Errorf("person filter: %d", n)
	}
	if n := count("/audit?target_type=user&target_id=" + strconv.FormatInt(ewa.ID, 10)); n != 2 {
		t.Errorf("one user's entries: %d, want create and block", n)
	}
	r := pl.get("/audit?sort=at")
	first, last := strings.Index(r.Body, "pierwszą konfigurację"), strings.Index(r.Body, "zablokowano użytkownika")
	if first < 0 || last < 0 || first > last {
		t.Errorf("oldest first should start with setup")
	}
	r = pl.get("/audit")
	if !strings.Contains(r.Body, `<optgroup label="Grupy użytkowników">`) || !strings.Contains(r.Body, ">Usunięcie grupy</option>") {
		t.Errorf("the action list should be grouped by object, in Polish")
	}
	r = pl.get("/audit/people?actor=ziel")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `<option value="ewa@example.pl">Ewa Zielińska</option>`) ||
		strings.Contains(r.Body, "jan@") {
		t.Errorf("person suggestions: %d %s", r.Status, r.Body)
	}
	s := a.client()
	dbtest.AddUser(t, a.db, owner, "staff@example.pl")
	s.login("staff@example.pl", dbtest.OwnerPassword)
	if r := s.get("/audit/people?actor=ewa"); r.Status != http.StatusForbidden {
		t.Errorf("staff reading the person suggestions: %d", r.Status)
	}
	if r := s.get("/audit/export.csv"); r.Status != http.StatusForbidden {
		t.Errorf("staff exporting the log: %d", r.Status)
	}
}

// R-AUDIT-2: the filtered log downloads as CSV, in words, with formula
// cells written as text.
func TestAuditCSVExport(t *testing.T) {
	a := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, a)
	u := dbtest.NewUser(t, a.db, owner, db.UserInput{Email: "calc@example.pl", FullName: "=SUM(A1:A2)"})
	if _, err := a.db.BlockUser(ctx, owner, u.ID); err != nil {
		t.Fatal(err)
	}
	pl := polishOwner(t, a)
	r := pl.get("/audit/export.csv?words=zablokowanie")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0][0] != "Kiedy" {
		t.Fatalf("want a header and the one block: %q", recs)
	}
	row := strings.Join(recs[1], "|")
	if !strings.Contains(row, "Zablokowanie użytkownika") || !strings.Contains(row, "'=SUM(A1:A2)") ||
		!strings.Contains(row, "Stan: aktywny → zablokowany") {
		t.Errorf("row: %q", recs[1])
	}
}

// R-AUDIT-2: a user's page and a group's page show their last entries,
// with a link to the whole filtered log; without audit.view, none.
func TestAuditOnUserAndGroupPages(t *testing.T) {
	a := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, a)
	jan := dbtest.NewUser(t, a.db, owner, db.UserInput{Email: "jan@example.pl", FullName: "Jan Nowak"})
	for i := 0; i < 12; i++ { // 25 entries, of which the page shows the last 20
		if _, err := a.db.BlockUser(ctx, owner, jan.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.db.UnblockUser(ctx, owner, jan.ID); err != nil {
			t.Fatal(err)
		}
	}
	g, err := a.db.CreateGroup(ctx, owner, db.GroupInput{Name: "Magazyn"})
	if err != nil {
		t.Fatal(err)
	}
	pl := polishOwner(t, a)
	r := pl.get("/users/" + strconv.FormatInt(jan.ID, 10))
	if r.Status != http.StatusOK || strings.Count(r.Body, `class="audit-sentence"`) != 20 ||
		!strings.Contains(r.Body, "odblokowano użytkownika Jan Nowak") ||
		!strings.Contains(r.Body, `href="/audit?target_id=`+strconv.FormatInt(jan.ID, 10)+`&amp;target_type=user"`) {
		t.Errorf("user page: %d, %d entries\n%s", r.Status, strings.Count(r.Body, `class="audit-sentence"`), r.Body)
	}
	r = pl.get("/groups/" + strconv.FormatInt(g.ID, 10))
	if !strings.Contains(r.Body, "utworzono grupę Magazyn") {
		t.Errorf("group page lacks its entry:\n%s", r.Body)
	}
}
