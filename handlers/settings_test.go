package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kadra/db"
)

// R-SEC-1: the scheduled backup form keeps what was typed when refused.
func TestBackupScheduleForm(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	c.get("/settings")
	r := c.post("/settings/backup-schedule", url.Values{"dir": {"backups"}, "keep": {"5"}, "every_hours": {"0"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Give an absolute path") ||
		!strings.Contains(r.Body, `value="backups"`) || !strings.Contains(r.Body, "from 1 to 720") {
		t.Fatalf("refused: %d", r.Status)
	}
	dir := t.TempDir()
	if r := c.post("/settings/backup-schedule", url.Values{"dir": {dir}, "keep": {"5"}, "every_hours": {"12"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	if r := c.get("/settings"); !strings.Contains(r.Body, `value="`+dir+`"`) {
		t.Fatal("saved folder not shown")
	}
}

// R-OPS-2: the owner's Settings page shows the verification of the last
// scheduled copy, with what it holds.
func TestBackupVerificationShown(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	c.get("/settings")
	dir := t.TempDir()
	if r := c.post("/settings/backup-schedule", url.Values{"dir": {dir}, "keep": {"5"}, "every_hours": {"12"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	if r := c.get("/settings"); strings.Contains(r.Body, `id="backup-verify"`) {
		t.Fatal("a verification shown before any copy")
	}
	if ran, err := a.db.RunScheduledBackup(t.Context()); !ran || err != nil {
		t.Fatalf("scheduled backup: %v %v", ran, err)
	}
	r := c.get("/settings")
	want := "Verification of the last copy: Verified: intact, schema " + strconv.Itoa(db.SchemaVersion()) + ", 1 accounts, 1 users"
	if !strings.Contains(r.Body, want) {
		t.Fatalf("Settings does not say %q:\n%s", want, r.Body)
	}
}
