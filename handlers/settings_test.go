package handlers_test

import (
	"database/sql"
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
// scheduled copy: what it holds, or the problem.
func TestBackupVerificationShown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage string // run on the live file before the copy, foreign keys off
		want   []string
	}{
		{"OK", "", []string{"Verification of the last copy: Verified: intact, schema " + strconv.Itoa(db.SchemaVersion()) + ", 1 accounts, 1 users"}},
		{"ErrForeignKey", "INSERT INTO sip_accounts (account_id, extension, ha1, ha1b, created_at) VALUES (999, '999', 'x', 'x', 0)",
			[]string{`<strong class="error">The file breaks a link between tables: row `, " of sip_accounts refers to a missing row of accounts.</strong>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
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
			if tc.damage != "" {
				s, err := sql.Open("sqlite", "file:"+a.db.Path()+"?_pragma=foreign_keys(0)")
				if err != nil {
					t.Fatal(err)
				}
				_, err = s.Exec(tc.damage)
				s.Close()
				if err != nil {
					t.Fatal(err)
				}
			}
			if ran, err := a.db.RunScheduledBackup(t.Context()); !ran || (err != nil) != (tc.damage != "") {
				t.Fatalf("scheduled backup: %v %v", ran, err)
			}
			r := c.get("/settings")
			for _, w := range tc.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("Settings does not say %q", w)
				}
			}
		})
	}
}
