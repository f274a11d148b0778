package db_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// withUmask runs the test under the usual umask 022, with which files are
// created group and world readable unless kadra says otherwise.
func withUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s: mode %04o, want %04o", filepath.Base(path), got, want)
	}
}

// R-SEC-7: under umask 022, a new database, its -wal and -shm, a backup
// and a scheduled backup are created 0600.
func TestFilesOwnerOnly(t *testing.T) {
	withUmask(t)
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	for _, suffix := range []string{"", "-wal", "-shm"} {
		wantMode(t, d.Path()+suffix, 0o600)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := d.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	wantMode(t, out, 0o600)
	if err := d.Backup(ctx, out); err == nil {
		t.Fatal("a backup overwrote an existing file")
	}
	dir := t.TempDir()
	if err := d.SetBackupSchedule(ctx, owner, db.BackupSchedule{Dir: dir, Keep: 2, EveryHours: 1}); err != nil {
		t.Fatal(err)
	}
	if ran, err := d.RunScheduledBackup(ctx); !ran || err != nil {
		t.Fatalf("scheduled backup: %v %v", ran, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "kadra-*.db"))
	if len(files) != 1 {
		t.Fatalf("scheduled backups: %v", files)
	}
	wantMode(t, files[0], 0o600)
}

// R-SEC-7: a database an older kadra left readable by everyone (0644,
// with its -wal and -shm) is made 0600 when opened; one shared on purpose
// with a group that may write (docs/sip.md's registrar setup, 0660) keeps
// its group and loses only what everyone else had.
func TestExistingFilesTightened(t *testing.T) {
	withUmask(t)
	for _, c := range []struct {
		name       string
		from, want os.FileMode
	}{{"Umask022", 0o644, 0o600}, {"GroupShared", 0o660, 0o660}, {"WorldWritable", 0o666, 0o660}, {"Owner", 0o600, 0o600}} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kadra.db")
			d, err := db.Open(context.Background(), path, db.Options{Hash: db.TestHashParams})
			if err != nil {
				t.Fatal(err)
			}
			d.Close()
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if suffix != "" { // as a crash would leave them
					if err := os.WriteFile(path+suffix, nil, 0o600); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.Chmod(path+suffix, c.from); err != nil {
					t.Fatal(err)
				}
			}
			d, err = db.Open(context.Background(), path, db.Options{Hash: db.TestHashParams})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			for _, suffix := range []string{"", "-wal", "-shm"} {
				wantMode(t, path+suffix, c.want)
			}
		})
	}
}
