package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
