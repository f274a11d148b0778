package db_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// Scheduled backups: refused settings name their field; a due run writes a
// copy and keeps only the newest N of kadra's files.
func TestScheduledBackup(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	dir := t.TempDir()

	err := d.SetBackupSchedule(ctx, owner, db.BackupSchedule{Dir: "relative/dir", Keep: 0, EveryHours: 0})
	e := db.AsError(err)
	if e == nil || e.Fields["dir"].ID != "backup.dir.absolute" || e.Fields["keep"].ID == "" || e.Fields["every_hours"].ID == "" {
		t.Fatalf("%v", err)
	}
	if err := d.SetBackupSchedule(ctx, owner, db.BackupSchedule{Dir: filepath.Join(dir, "missing"), Keep: 2, EveryHours: 1}); db.AsError(err).Fields["dir"].ID != "backup.dir.unwritable" {
		t.Fatalf("%v", err)
	}
	staff := dbtest.Login(t, d, dbtest.AddUser(t, d, owner, "s@example.pl").Email, dbtest.OwnerPassword)
	if err := d.SetBackupSchedule(ctx, staff, db.BackupSchedule{Dir: dir, Keep: 2, EveryHours: 1}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("staff: %v", err)
	}
	if ran, err := d.RunScheduledBackup(ctx); ran || err != nil {
		t.Fatalf("ran while off: %v %v", ran, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not ours"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.SetBackupSchedule(ctx, owner, db.BackupSchedule{Dir: dir, Keep: 2, EveryHours: 1}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if ran, err := d.RunScheduledBackup(ctx); !ran || err != nil {
			t.Fatalf("run %d: %v %v", i, ran, err)
		}
		if ran, _ := d.RunScheduledBackup(ctx); ran {
			t.Fatal("ran again before it was due")
		}
		clock.Advance(61 * time.Minute)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 3 || !strings.Contains(strings.Join(names, " "), "notes.txt") {
		t.Fatalf("files: %v", names)
	}
	s, _ := d.BackupSchedule(ctx)
	if s.LastError != "" || !strings.HasPrefix(filepath.Base(s.LastFile), "kadra-") {
		t.Fatalf("schedule: %+v", s)
	}
	// R-OPS-2: each copy is verified, and the outcome kept for Settings.
	if v := s.LastVerify; v == nil || !v.OK() || v.Path != s.LastFile || v.Users != 2 || v.Accounts != 1 {
		t.Fatalf("verification of the last copy: %+v", v)
	}
	b, _ := os.ReadFile(s.LastFile)
	if !strings.HasPrefix(string(b), "SQLite format 3") {
		t.Fatal("the copy is not a database")
	}
}

// R-OPS-2: a scheduled copy that fails verification is reported, kept for
// Settings, and deletes none of the older copies. The damage is real: a
// row whose account is gone, written past the foreign keys by another
// program, which VACUUM INTO copies faithfully.
func TestScheduledBackupVerifyFails(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	dbtest.AddUser(t, d, owner, "a@example.pl")
	dir := t.TempDir()
	if err := d.SetBackupSchedule(ctx, owner, db.BackupSchedule{Dir: dir, Keep: 1, EveryHours: 1}); err != nil {
		t.Fatal(err)
	}
	if ran, err := d.RunScheduledBackup(ctx); !ran || err != nil {
		t.Fatalf("good run: %v %v", ran, err)
	}
	good, _ := d.BackupSchedule(ctx)
	alter(t, d.Path(), "UPDATE users SET account_id = 999 WHERE email = 'a@example.pl'")
	clock.Advance(61 * time.Minute)
	ran, err := d.RunScheduledBackup(ctx)
	if !ran || err == nil || !strings.Contains(err.Error(), db.VerifyForeignKey) {
		t.Fatalf("bad run: %v %v", ran, err)
	}
	s, _ := d.BackupSchedule(ctx)
	if v := s.LastVerify; v == nil || v.OK() || v.Problems[0].Code != db.VerifyForeignKey || s.LastFile == good.LastFile {
		t.Fatalf("verification of the bad copy: %+v", v)
	}
	if _, err := os.Stat(good.LastFile); err != nil {
		t.Fatalf("the good copy was pruned after a bad one (keep 1): %v", err)
	}
}
