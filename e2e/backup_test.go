package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, to read backups as a stranger would

	"kadra/db"
)

const (
	ownerEmail    = "owner@example.pl"
	ownerPassword = "Lipa-Sosna-4!"
)

// initDB runs "kadra init" on a new file in the test's temporary folder.
func initDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kadra.db")
	r := runKadra(t, "init", "--db", path, "--account", "Biuro", "--owner-email", ownerEmail,
		"--owner-password", ownerPassword)
	if r.Code != 0 {
		t.Fatalf("kadra init exited %d:\n%s", r.Code, r.Stderr)
	}
	return path
}

// openSQL opens a database file with the plain sqlite driver.
func openSQL(t *testing.T, path string) *sql.DB {
	t.Helper()
	s, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A backup taken by the binary while another process keeps writing passes
// SQLite's integrity check, holds everything written before it started,
// and is a database the binary serves; stopping that server with SIGTERM
// exits 0 and checkpoints the WAL into the file.
func TestBackupWhileWriting(t *testing.T) {
	ctx := t.Context()
	path := initDB(t)

	d, err := db.Open(ctx, path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	firstToken, err := d.CreateAPIToken(ctx, db.System(), ownerEmail, db.TokenInput{Name: "before the backup"})
	if err != nil {
		t.Fatal(err)
	}

	// The writer: API tokens, and now and then a sign-in (a session row, the
	// last sign-in time and an audit row), each its own transaction.
	var writes, tokensMade atomic.Int64
	tokensMade.Add(1) // firstToken
	var writeErr error
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			var err error
			if i%10 == 9 {
				_, err = d.Login(ctx, db.LoginInput{Email: ownerEmail, Password: ownerPassword, IP: "127.0.0.1"})
			} else {
				_, err = d.CreateAPIToken(ctx, db.System(), ownerEmail, db.TokenInput{Name: fmt.Sprintf("load %d", i)})
				if err == nil {
					tokensMade.Add(1)
				}
			}
			if err != nil {
				writeErr = err
				return
			}
			writes.Add(1)
		}
	})
	waitFor(t, "the writer to start", func() bool { return writes.Load() >= 20 })

	out := filepath.Join(t.TempDir(), "backup.db")
	before, tokensBefore := writes.Load(), tokensMade.Load()
	r := runKadra(t, "backup", "--db", path, out)
	during := writes.Load() - before
	waitFor(t, "writes after the backup", func() bool { return writes.Load() > before+during+5 })
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("the writer failed: %v", writeErr)
	}
	if r.Code != 0 {
		t.Fatalf("kadra backup exited %d:\n%s", r.Code, r.Stderr)
	}
	t.Logf("%d writes while the backup ran, %d in all", during, writes.Load())

	b := openSQL(t, out)
	var check string
	if err := b.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil {
		t.Fatal(err)
	}
	if check != "ok" {
		t.Fatalf("integrity_check of the backup: %s", check)
	}
	var version, tokens int64
	if err := b.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != int64(db.SchemaVersion()) {
		t.Errorf("backup has schema version %d, want %d", version, db.SchemaVersion())
	}
	if err := b.QueryRowContext(ctx, "SELECT count(*) FROM tokens WHERE kind = 'api'").Scan(&tokens); err != nil {
		t.Fatal(err)
	}
	if tokens < tokensBefore {
		t.Errorf("backup holds %d API tokens, but %d were written before it started", tokens, tokensBefore)
	}
	b.Close()

	// The binary serves the backup, and what was in it works.
	p := startServe(t, "--db", out)
	if status, _ := (apiClient{t: t, base: p.URL, token: firstToken}).call("GET", "/api/v1/me", nil); status != http.StatusOK {
		t.Errorf("GET /api/v1/me on the backup with a token made before it: %d", status)
	}
	// That request wrote (the token's last use), so the WAL holds pages now.
	if st, err := os.Stat(out + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("while serving, %s-wal is missing or empty (%v); the shutdown check below would prove nothing", out, err)
	}
	if code := p.stop(); code != 0 {
		t.Fatalf("kadra serve exited %d after SIGTERM:\n%s", code, p.stderr)
	}
	if st, err := os.Stat(out + "-wal"); err == nil && st.Size() > 0 {
		t.Errorf("after shutdown %s-wal holds %d bytes; the WAL was not checkpointed", out, st.Size())
	}
}

// A file written by a newer kadra is refused by every command with a
// message naming both schema versions.
func TestNewerSchemaRefused(t *testing.T) {
	path := initDB(t)
	newer := db.SchemaVersion() + 1
	s := openSQL(t, path)
	if _, err := s.Exec(fmt.Sprintf("PRAGMA user_version = %d", newer)); err != nil {
		t.Fatal(err)
	}
	s.Close()

	for _, args := range [][]string{
		{"serve", "--db", path, "--addr", "127.0.0.1:0"},
		{"backup", "--db", path, filepath.Join(t.TempDir(), "out.db")},
		{"token", "create", "--db", path, "--user", ownerEmail, "--name", "x"},
	} {
		t.Run(args[0], func(t *testing.T) {
			r := runKadra(t, args...)
			if r.Code == 0 {
				t.Fatalf("kadra %s on a newer file exited 0", args[0])
			}
			for _, want := range []string{fmt.Sprintf("schema version %d", newer), fmt.Sprintf("up to %d", db.SchemaVersion())} {
				if !strings.Contains(r.Stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.Stderr)
				}
			}
		})
	}
}

// waitFor polls cond for up to 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
