package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// clockApp serves a set-up database whose clock the test moves.
func clockApp(t *testing.T) (*app, *dbtest.Clock) {
	t.Helper()
	clock := dbtest.NewClock()
	d, _ := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now,
		SessionIdle: 24 * 365 * time.Hour, SessionMax: 24 * 365 * time.Hour}))
	return serve(t, d), clock
}

func moveTo(t *testing.T, c *dbtest.Clock, to time.Time) {
	t.Helper()
	if to.Before(c.Now()) {
		t.Fatalf("clock cannot go back to %s", to)
	}
	c.Advance(to.Sub(c.Now()))
}

// polish is a client whose switcher chose Polish.
func polish(t *testing.T, a *app) *client {
	t.Helper()
	c := a.client()
	c.get("/login")
	if r := c.post("/lang", url.Values{"lang": {"pl"}, "next": {"/login"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lang: %d", r.Status)
	}
	return c
}

// R-I18N-2: times are shown in the installation's zone (default
// Europe/Warsaw), Polish style, without " UTC"; the owner changes the zone
// in Settings, a user picks their own on the profile, and the users list
// says how long ago with the full time on hover.
func TestTimeZoneShown(t *testing.T) {
	a, clock := clockApp(t)
	moveTo(t, clock, time.Date(2026, 12, 1, 13, 5, 0, 0, time.UTC))
	c := polish(t, a)
	c.login("owner@example.pl", dbtest.OwnerPassword)

	r := c.get("/")
	mustContain(t, "dashboard in Warsaw", r.Body, "1 grudnia 2026, 14:05")
	if strings.Contains(r.Body, " UTC") {
		t.Fatal("the dashboard still says UTC")
	}
	clock.Advance(5 * time.Minute)
	r = c.get("/users")
	mustContain(t, "users list", r.Body, `title="1 grudnia 2026, 14:05">5 min temu</time>`)

	// The owner moves the installation to UTC.
	c.get("/settings")
	if r := c.post("/settings/time-zone", url.Values{"time_zone": {"Mars/Olympus_Mons"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown zone: %d", r.Status)
	} else {
		mustContain(t, "refused zone", r.Body, "Wybierz strefę czasową z listy", `value="Mars/Olympus_Mons" selected`)
	}
	if r := c.post("/settings/time-zone", url.Values{"time_zone": {"UTC"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("zone: %d %s", r.Status, r.Body)
	}
	mustContain(t, "dashboard in UTC", c.get("/").Body, "1 grudnia 2026, 13:05")

	// The owner's own zone wins over the installation's.
	c.get("/profile")
	if r := c.post("/profile/details", url.Values{"full_name": {"Ola Owner"}, "email": {"owner@example.pl"},
		"time_zone": {"America/New_York"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("profile zone: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, "dashboard in New York", c.get("/").Body, "1 grudnia 2026, 08:05")
	// A staff member without a zone of their own still sees UTC.
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), "ewa@example.pl")
	staff := polish(t, a)
	staff.login(u.Email, dbtest.OwnerPassword)
	mustContain(t, "staff dashboard", staff.get("/").Body, "1 grudnia 2026, 13:10")
}

// R-I18N-2: setup asks for the zone (default Europe/Warsaw), through the
// form and the API, and refuses a name the tz database does not know.
func TestSetupTimeZone(t *testing.T) {
	a := newApp(t)
	token := setupToken(t, a)
	r := a.client().get("/setup?token=" + token)
	mustContain(t, "setup form", r.Body, `<option value="Europe/Warsaw" selected>`)
	body := map[string]any{"token": token, "account_name": "Biuro", "email": "ola@example.pl",
		"password": "Secret-pass1!", "time_zone": "Europe/Nowhere"}
	status, res := a.api("POST", "/api/v1/setup", "", body)
	if status != http.StatusBadRequest || apiFields(res)["time_zone"] == nil {
		t.Fatalf("unknown zone: %d %v", status, res)
	}
	body["time_zone"] = "Europe/Berlin"
	if status, res := a.api("POST", "/api/v1/setup", "", body); status != http.StatusCreated {
		t.Fatalf("setup: %d %v", status, res)
	}
	if z, err := a.db.TimeZone(context.Background()); err != nil || z != "Europe/Berlin" {
		t.Fatalf("zone %q %v", z, err)
	}
}

// R-I18N-2: the audit log's date fields take dd.mm.rrrr (and ISO) in
// Polish, as days in the viewer's zone, and show them dd.mm.rrrr.
func TestAuditDateInput(t *testing.T) {
	a, clock := clockApp(t)
	owner := ownerActor(t, a)
	// 23:30 UTC on 30 November is 1 December in Warsaw.
	moveTo(t, clock, time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC))
	dbtest.AddUser(t, a.db, owner, "late@example.pl")
	moveTo(t, clock, time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	c := polish(t, a)
	c.login("owner@example.pl", dbtest.OwnerPassword)

	for _, q := range []string{"from=01.12.2026&to=01.12.2026", "from=2026-12-01&to=2026-12-01", "from=1.12.2026&to=1.12.2026"} {
		r := c.get("/audit?actor=&" + q)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d", q, r.Status)
		}
		mustContain(t, q, r.Body, `value="01.12.2026"`, "late@example.pl", "1 grudnia 2026, 00:30")
	}
	r := c.get("/audit?from=30.11.2026&to=30.11.2026")
	if strings.Contains(r.Body, "late@example.pl") {
		t.Fatal("a change at 00:30 Warsaw time on 1 December is listed on 30 November")
	}
	r = c.get("/audit?from=31.02.2026")
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("31.02: %d", r.Status)
	}
	mustContain(t, "bad date", r.Body, "DD.MM.RRRR", `value="31.02.2026"`)

	// The API reads a bare day in the token user's zone too.
	tok := a.token("owner@example.pl")
	for q, want := range map[string]bool{"from=2026-12-01&to=2026-12-02": true, "from=2026-11-30&to=2026-12-01": false} {
		status, res := a.api("GET", "/api/v1/audit?action=user.create&"+q, tok, nil)
		items, _ := res["items"].([]any)
		if status != http.StatusOK || (len(items) > 0) != want {
			t.Errorf("API %s: %d, %d entries", q, status, len(items))
		}
	}
	if status, _ := a.api("GET", "/api/v1/audit?from=01.12.2026", tok, nil); status != http.StatusBadRequest {
		t.Errorf("API dd.mm.rrrr: %d", status)
	}
}

var linkRe = regexp.MustCompile(`http://\S+/confirm-email/[A-Za-z0-9_-]+`)

// R-PROF-1: a user sets their language and time zone on the profile (the
// language then outranks the switcher's cookie, and the API shows both);
// a new notification e-mail takes effect only once the link sent to it is
// followed, once, and the old address is told.
func TestProfileLanguageZoneAndNotifyLink(t *testing.T) {
	a, clock := clockApp(t)
	owner := ownerActor(t, a)
	u := dbtest.AddUser(t, a.db, owner, "ewa@example.pl")
	c := polish(t, a)
	c.login(u.Email, dbtest.OwnerPassword)
	c.get("/profile")
	r := c.post("/profile/details", url.Values{"full_name": {"Ewa"}, "email": {u.Email}, "lang": {"xx"},
		"time_zone": {"Local"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad language and zone: %d", r.Status)
	}
	mustContain(t, "refused prefs", r.Body, "Wybierz język z listy.", "Wybierz strefę czasową z listy")
	if r := c.post("/profile/details", url.Values{"full_name": {"Ewa"}, "email": {u.Email}, "lang": {"en"},
		"time_zone": {"Asia/Tokyo"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("prefs: %d\n%s", r.Status, r.Body)
	}
	r = c.get("/profile") // the cookie still says Polish
	mustContain(t, "profile in English", r.Body, `<html lang="en">`, `<option value="Asia/Tokyo" selected>`,
		`<option value="en" lang="en" selected>`, "Your details are saved.")
	tok := a.token(u.Email)
	status, me := a.api("GET", "/api/v1/me", tok, nil)
	if status != http.StatusOK || me["lang"] != "en" || me["time_zone"] != "Asia/Tokyo" || me["time_zone_in_use"] != "Asia/Tokyo" {
		t.Fatalf("me: %d %v", status, me)
	}
	// The switcher changes the chosen language too.
	c.post("/lang", url.Values{"lang": {"pl"}, "next": {"/profile"}})
	mustContain(t, "switched", c.get("/profile").Body, `<html lang="pl">`)

	// A new notification address waits for its link.
	r = c.post("/profile/details", url.Values{"full_name": {"Ewa"}, "email": {u.Email}, "lang": {"pl"},
		"notify_email": {"ewa.home@example.pl"}, "current_password": {dbtest.OwnerPassword}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("notify: %d\n%s", r.Status, r.Body)
	}
	r = c.get("/profile")
	mustContain(t, "pending", r.Body, "Wysłaliśmy link na adres ewa.home@example.pl",
		"Czeka na potwierdzenie: ewa.home@example.pl")
	if d, _ := a.db.GetUserDetails(t.Context(), owner, u.ID); d.NotifyEmail != "" {
		t.Fatalf("the address took effect before its link: %q", d.NotifyEmail)
	}
	m := lastMailTo(t, a.db, owner, "ewa.home@example.pl")
	link := linkRe.FindString(m.Body)
	if link == "" || !strings.Contains(m.Subject, "Potwierdź adres") {
		t.Fatalf("confirmation mail %q:\n%s", m.Subject, m.Body)
	}
	path := link[strings.Index(link, "/confirm-email/"):]
	anon := a.client()
	r = anon.get(path)
	if r.Status != http.StatusOK {
		t.Fatalf("confirm page %s: %d\n%s", path, r.Status, r.Body)
	}
	mustContain(t, "confirm page", r.Body, "ewa.home@example.pl")
	if d, _ := a.db.GetUserDetails(t.Context(), owner, u.ID); d.NotifyEmail != "" {
		t.Fatal("opening the link changed the address; only the confirmation may")
	}
	if r := anon.post(path, url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", r.Status, r.Body)
	}
	if d, _ := a.db.GetUserDetails(t.Context(), owner, u.ID); d.NotifyEmail != "ewa.home@example.pl" {
		t.Fatalf("notify_email %q after its link", d.NotifyEmail)
	}
	if n := lastMailTo(t, a.db, owner, u.Email); !strings.Contains(n.Body, "ewa.home@example.pl") {
		t.Fatalf("the old address was not told:\n%s", n.Body)
	}
	if r := anon.post(path, url.Values{}); r.Status != http.StatusNotFound {
		t.Fatalf("a used link: %d", r.Status)
	}
	// A link expires.
	c.get("/profile")
	c.post("/profile/details", url.Values{"full_name": {"Ewa"}, "email": {u.Email}, "lang": {"pl"},
		"notify_email": {"ewa.work@example.pl"}, "current_password": {dbtest.OwnerPassword}})
	link = linkRe.FindString(lastMailTo(t, a.db, owner, "ewa.work@example.pl").Body)
	clock.Advance(db.NotifyEmailTTL + time.Minute)
	if r := anon.get(link[strings.Index(link, "/confirm-email/"):]); r.Status != http.StatusNotFound {
		t.Fatalf("an expired link: %d", r.Status)
	}
	if d, _ := a.db.GetUserDetails(t.Context(), owner, u.ID); d.NotifyEmail != "ewa.home@example.pl" {
		t.Fatalf("notify_email %q after an expired link", d.NotifyEmail)
	}
}
