package handlers_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

var shownPassword = regexp.MustCompile(`data-testid="sip-password">([^<]+)<`)

// followSecret reads the page a SIP form redirected to and returns the
// passwords it shows.
func followSecret(t *testing.T, c *client, r response) []string {
	t.Helper()
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sip?shown=") {
		t.Fatalf("want a redirect to the shown-once page, got %d %s\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	page := c.get(r.Header.Get("Location"))
	var out []string
	for _, m := range shownPassword.FindAllStringSubmatch(page.Body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func sipID(t *testing.T, a *app, ext string) int64 {
	t.Helper()
	p, err := a.db.SearchSIPAccounts(context.Background(), ownerActor(t, a), db.SIPFilter{Q: ext})
	if err != nil || len(p.Items) == 0 {
		t.Fatalf("no SIP account %s: %v", ext, err)
	}
	return p.Items[0].ID
}

// R-SIP-1, R-SIP-3: the SIP page creates an extension and shows its password
// exactly once; reloading shows it no more.
func TestSIPPageCreateShowsPasswordOnce(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	if r := c.get("/sip"); r.Status != http.StatusOK || !strings.Contains(r.Body, "SIP") {
		t.Fatalf("GET /sip: %d", r.Status)
	}
	r := c.post("/sip", url.Values{"extension": {"1001"}, "password_mode": {"generate"}})
	loc := r.Header.Get("Location")
	pw := followSecret(t, c, r)
	if len(pw) != 1 || len(pw[0]) != db.SIPSecretLength {
		t.Fatalf("shown passwords: %q", pw)
	}
	subs, _ := a.db.SIPSubscribers(context.Background(), db.System(), "")
	if len(subs) != 1 || subs[0].HA1 != md5hex("1001:localhost:"+pw[0]) {
		t.Fatalf("registrar sees %+v", subs)
	}
	again := c.get(loc)
	if strings.Contains(again.Body, pw[0]) || shownPassword.MatchString(again.Body) {
		t.Fatal("the password is shown a second time")
	}
	if !strings.Contains(again.Body, "shown once") {
		t.Fatal("a reload does not say the password is gone")
	}
	// Another session never sees it.
	r = c.post("/sip", url.Values{"extension": {"1002"}})
	other := a.ownerClient()
	if got := other.get(r.Header.Get("Location")); shownPassword.MatchString(got.Body) {
		t.Fatal("another session read the password")
	}
}

// R-SIP-1, R-SEC-1: refused creates come back with the typed extension and
// a message per field; nothing is written.
func TestSIPPageCreateRefused(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	c.get("/sip")
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"extension": {"12"}}, "Extension: 3 to 6 digits, for example 104."},
		{url.Values{"extension": {"10 01"}}, "at most 32 digits"},
		{url.Values{"extension": {"1001"}, "password_mode": {"typed"}, "password": {"short1"}}, "12 to 64 characters"},
		{url.Values{"extension": {"1001"}, "password_mode": {"typed"}, "password": {"abcdefghijklmn"}}, "both letters and digits"},
	} {
		r := c.post("/sip", tc.form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tc.want) {
			t.Errorf("%v: %d, want 422 with %q", tc.form, r.Status, tc.want)
		}
		if !strings.Contains(r.Body, `value="`+html.EscapeString(tc.form.Get("extension"))+`"`) {
			t.Errorf("%v: the typed extension was lost", tc.form)
		}
		if pw := tc.form.Get("password"); pw != "" && strings.Contains(r.Body, pw) {
			t.Errorf("%v: the typed password was sent back", tc.form)
		}
	}
	if p, _ := a.db.SearchSIPAccounts(context.Background(), ownerActor(t, a), db.SIPFilter{}); p.Total != 0 {
		t.Fatalf("refused creates wrote %d accounts", p.Total)
	}
	c.post("/sip", url.Values{"extension": {"1001"}})
	c.get("/sip")
	if r := c.post("/sip", url.Values{"extension": {"1001"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "already exists in the SIP domain") {
		t.Fatalf("duplicate: %d", r.Status)
	}
}

// R-SIP-3: a new password is shown once and replaces the old one; a
// disabled account leaves the registrar; an assigned one cannot be deleted.
func TestSIPPageRowActions(t *testing.T) {
	a := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, a)
	c := a.ownerClient()
	first := followSecret(t, c, c.post("/sip", url.Values{"extension": {"1001"}}))
	id := sipID(t, a, "1001")
	if r := c.get(fmt.Sprintf("/sip/%d/secret", id)); r.Status != http.StatusOK || !strings.Contains(r.Body, "1001") {
		t.Fatalf("secret form: %d", r.Status)
	}
	if r := c.post(fmt.Sprintf("/sip/%d/secret", id), url.Values{"password_mode": {"typed"}, "password": {"x"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("weak typed password: %d", r.Status)
	}
	second := followSecret(t, c, c.post(fmt.Sprintf("/sip/%d/secret", id), url.Values{"password_mode": {"generate"}}))
	if len(second) != 1 || second[0] == first[0] {
		t.Fatalf("regenerated %q after %q", second, first)
	}
	c.get("/sip")
	if r := c.post(fmt.Sprintf("/sip/%d/disable", id), url.Values{"back": {"/sip?q=10"}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/sip?q=10" {
		t.Fatalf("disable: %d %s", r.Status, r.Header.Get("Location"))
	}
	if got, _ := a.db.GetSIPAccount(ctx, owner, id); got.Enabled {
		t.Fatal("still enabled")
	}
	c.get("/sip")
	c.post(fmt.Sprintf("/sip/%d/enable", id), url.Values{"back": {"https://evil.example/"}})
	if got, _ := a.db.GetSIPAccount(ctx, owner, id); !got.Enabled {
		t.Fatal("not enabled again")
	}
	u := bareUser(t, a, "ala@example.pl")
	if err := a.db.AssignSIPAccount(ctx, owner, u.ID, id); err != nil {
		t.Fatal(err)
	}
	c.get("/sip")
	r := c.post(fmt.Sprintf("/sip/%d/delete", id), nil)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "belongs to User ala@example.pl") {
		t.Fatalf("delete assigned: %d\n%s", r.Status, r.Body)
	}
	followSecret(t, c, c.post("/sip", url.Values{"extension": {"1002"}}))
	if r := c.post(fmt.Sprintf("/sip/%d/delete", sipID(t, a, "1002")), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("delete free: %d", r.Status)
	}
}

// R-SIP-3: a new SIP domain says new passwords are needed, and they can be
// set for every extension at once, each shown once.
func TestSIPPageDomainChange(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	followSecret(t, c, c.post("/sip", url.Values{"extension": {"1001"}}))
	followSecret(t, c, c.post("/sip", url.Values{"extension": {"1002"}}))
	c.get("/sip")
	if r := c.post("/sip/settings", url.Values{"sip_domain": {"bad domain!"}, "extension_pattern": {"[0-9"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "bad domain!") || !strings.Contains(r.Body, "valid regular expression") {
		t.Fatalf("bad settings: %d", r.Status)
	}
	if r := c.post("/sip/settings", url.Values{"sip_domain": {"sip.example.pl"}, "extension_pattern": {"[0-9]{4}"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("settings: %d\n%s", r.Status, r.Body)
	}
	page := c.get("/sip")
	if !strings.Contains(page.Body, "2 extensions need a new password") || !strings.Contains(page.Body, "needs a new password") {
		t.Fatal("the page does not say new passwords are needed")
	}
	pws := followSecret(t, c, c.post("/sip/regenerate-stale", nil))
	if len(pws) != 2 {
		t.Fatalf("bulk passwords: %q", pws)
	}
	subs, _ := a.db.SIPSubscribers(context.Background(), db.System(), "sip.example.pl")
	if len(subs) != 2 {
		t.Fatalf("registrar sees %+v", subs)
	}
}

// R-SIP-1: the list searches, filters, sorts and pages with its state in the
// URL; htmx gets only the results.
func TestSIPPageList(t *testing.T) {
	a := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, a)
	for i := 0; i < 55; i++ {
		if _, err := a.db.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: fmt.Sprint(2000 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	c := a.ownerClient()
	r := c.get("/sip")
	if !strings.Contains(r.Body, "55 SIP accounts") || !strings.Contains(r.Body, `rel="next"`) {
		t.Fatal("no count or pager")
	}
	r = c.get("/sip?sort=-extension&page=2")
	if !strings.Contains(r.Body, "2004") || strings.Contains(r.Body, ">2054<") {
		t.Fatal("page 2 descending is wrong")
	}
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/sip?q=205", nil)
	req.Header.Set("HX-Request", "true")
	r = c.do(req)
	if strings.Contains(r.Body, "<html") || !strings.Contains(r.Body, "5 SIP accounts") {
		t.Fatalf("htmx search: %s", r.Body)
	}
}

// R-ROLE-7: without sip.manage the pages are refused.
func TestSIPPageForbidden(t *testing.T) {
	a := newSetupApp(t)
	dbtest.AddUser(t, a.db, ownerActor(t, a), "staff@example.pl")
	c := a.client()
	c.login("staff@example.pl", dbtest.OwnerPassword)
	if r := c.get("/sip"); r.Status != http.StatusForbidden {
		t.Fatalf("staff GET /sip: %d", r.Status)
	}
	if r := c.post("/sip", url.Values{"extension": {"1001"}}); r.Status != http.StatusForbidden {
		t.Fatalf("staff POST /sip: %d", r.Status)
	}
	if r := c.get("/numbers"); r.Status != http.StatusForbidden {
		t.Fatalf("staff GET /numbers: %d", r.Status)
	}
}

// R-SIP-5: the numbers page adds, edits and deletes numbers and senders;
// refusals keep the typed values, and deleting what a user presents names
// the user.
func TestNumbersPage(t *testing.T) {
	a := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, a)
	c := a.ownerClient()
	c.get("/numbers")
	if r := c.post("/numbers", url.Values{"number": {"+48 22 123 45 67"}, "label": {"Office"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add number: %d\n%s", r.Status, r.Body)
	}
	r := c.get("/numbers")
	// Stored in E.164, shown grouped (issue 11).
	if !strings.Contains(html.UnescapeString(r.Body), "+48 22 123 45 67") || !strings.Contains(r.Body, "Office") {
		t.Fatal("number not listed")
	}
	r = c.post("/numbers", url.Values{"number": {"22 123"}, "label": {"Typed label"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "does not look like a phone number") ||
		!strings.Contains(r.Body, `value="22 123"`) || !strings.Contains(r.Body, `value="Typed label"`) {
		t.Fatalf("bad number: %d", r.Status)
	}
	c.get("/numbers/senders")
	r = c.post("/numbers/senders", url.Values{"sender": {"ABCDEFGHIJKL"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "at most 11 characters") || !strings.Contains(r.Body, "ABCDEFGHIJKL") {
		t.Fatalf("12-character sender: %d", r.Status)
	}
	if r := c.post("/numbers/senders", url.Values{"sender": {"KADRA"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add sender: %d", r.Status)
	}
	n, _ := a.db.SearchPresentations(ctx, owner, db.PhoneNumbers, db.NumberFilter{})
	id := n.Items[0].ID
	if r := c.get(fmt.Sprintf("/numbers/%d/edit", id)); r.Status != http.StatusOK || !strings.Contains(html.UnescapeString(r.Body), "+48221234567") {
		t.Fatalf("edit form: %d", r.Status)
	}
	if r := c.post(fmt.Sprintf("/numbers/%d", id), url.Values{"number": {"+48221234568"}, "label": {"HQ"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	u := dbtest.AddUser(t, a.db, owner, "ala@example.pl")
	if err := a.db.SetUserPresentation(ctx, owner, db.PhoneNumbers, u.ID, id); err != nil {
		t.Fatal(err)
	}
	c.get("/numbers")
	r = c.post(fmt.Sprintf("/numbers/%d/delete", id), nil)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "ala@example.pl") {
		t.Fatalf("delete presented number: %d\n%s", r.Status, r.Body)
	}
	if err := a.db.SetUserPresentation(ctx, owner, db.PhoneNumbers, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	if r := c.post(fmt.Sprintf("/numbers/%d/delete", id), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
}
