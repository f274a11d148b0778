package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kadra/db"
)

// R-OPS-2: "kadra verify" through the built binary exits 0 on a good
// backup and says what it holds, and exits 1 with the problem named on a
// damaged, newer, foreign or missing file; "kadra backup" verifies the
// copy it writes.
func TestVerifyCommand(t *testing.T) {
	path := initDB(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	r := runKadra(t, "backup", "--db", path, good)
	if r.Code != 0 || !strings.Contains(r.Stdout, "Result:       OK") {
		t.Fatalf("backup exited %d:\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	copyOf := func(name string) string {
		b, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newer := copyOf("newer.db")
	s := openSQL(t, newer)
	if _, err := s.Exec(fmt.Sprintf("PRAGMA user_version = %d", db.SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	text := filepath.Join(dir, "text.db")
	if err := os.WriteFile(text, []byte(strings.Repeat("not a database\n", 20)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		file string
		code int
		want []string
	}{
		{"OK", good, 0, []string{"Accounts:     1", "Users:        1", "Audit rows:", "Result:       OK"}},
		{"ErrNewerSchema", newer, 1, []string{"written by a newer kadra", "Result:       FAILED"}},
		{"ErrNotDatabase", text, 1, []string{"not an SQLite database", "Result:       FAILED"}},
		{"ErrMissing", filepath.Join(dir, "none.db"), 1, []string{"cannot be read", "Result:       FAILED"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runKadra(t, "verify", tc.file)
			if r.Code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s%s", r.Code, tc.code, r.Stdout, r.Stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Stdout, w) {
					t.Errorf("output does not say %q:\n%s", w, r.Stdout)
				}
			}
		})
	}
}
