package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"kadra/db/dbtest"
)

// pick chooses value in the select with this id.
func (b *browser) pick(id, value string) {
	b.t.Helper()
	b.do("pick #"+id, chromedp.SetValue(chromedp.ID(id), value))
}

// R-I18N-2, R-PROF-1: in a browser, a user picks Polish and their own time
// zone on the profile; the owner sees the installation's zone in Settings;
// the users list says how long ago, and the audit filter takes dd.mm.rrrr.
func TestBrowserTimeAndProfile(t *testing.T) {
	d, owner := dbtest.Setup(t)
	dbtest.AddUser(t, d, owner, "ewa@example.pl")
	b := signedIn(t, d, "owner@example.pl")

	b.open("/profile")
	b.pick("f-lang", "pl")
	b.pick("f-time_zone", "Asia/Tokyo")
	b.fill("f-notify_email", "ola.dom@example.pl")
	b.fill("f-current_password", dbtest.OwnerPassword)
	if status := b.submit("#details button[type=submit]"); status != 200 {
		t.Fatalf("profile: %d", status)
	}
	b.wantText("html", "Czeka na potwierdzenie: ola.dom@example.pl")
	if got := b.value("f-time_zone"); got != "Asia/Tokyo" {
		t.Fatalf("zone %q after saving", got)
	}
	b.shot("profile-time")

	b.open("/settings")
	b.wantText("#time-zone", "Strefa czasowa")
	if got := b.value("f-time_zone"); got != "Europe/Warsaw" {
		t.Fatalf("installation zone %q", got)
	}
	b.shot("settings-time-zone")

	b.open("/users")
	b.wantText("table", "przed chwilą")
	b.shot("users-time")

	b.open("/audit?from=01.12.2026&to=31.12.2099")
	if got := b.value("f-from"); got != "01.12.2026" {
		t.Fatalf("from %q", got)
	}
	b.shot("audit-dates")

	b.open("/usage")
	b.wantText("main", "Europe/Warsaw")
	b.shot("usage-periods")
}
