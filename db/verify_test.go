package db_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// verifiedBackup writes a backup of a database with the owner and two
// users (each with an extension) and returns its path.
func verifiedBackup(t *testing.T) string {
	t.Helper()
	d, owner := dbtest.Setup(t)
	dbtest.AddUser(t, d, owner, "a@example.pl")
	dbtest.AddUser(t, d, owner, "b@example.pl")
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := d.Backup(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	return path
}

// alter changes a copy with the plain driver, as damage or another program
// would, foreign keys unenforced.
func alter(t *testing.T, path string, stmts ...string) {
	t.Helper()
	s, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range stmts {
		if _, err := s.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func codes(r db.VerifyReport) []string {
	var cs []string
	for _, p := range r.Problems {
		cs = append(cs, p.Code)
	}
	return cs
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// R-OPS-2: a backup verifies, says what it holds, and is left as it was:
// no byte changed, no -wal or -shm beside it.
func TestVerifyOK(t *testing.T) {
	path := verifiedBackup(t)
	before := sum(t, path)
	r, err := db.Verify(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Err() != nil {
		t.Fatalf("problems: %v", r.Problems)
	}
	if r.Schema != db.SchemaVersion() || r.Binary != db.SchemaVersion() || r.Older() {
		t.Errorf("schema %d, binary %d, older %v", r.Schema, r.Binary, r.Older())
	}
	if r.Accounts != 1 || r.Users != 3 || r.Extensions != 2 || r.AuditRows == 0 || r.NewestAudit.IsZero() {
		t.Errorf("report: %+v", r)
	}
	if sum(t, path) != before {
		t.Error("verify changed the file")
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("verify left %s%s behind", path, suffix)
		}
	}
}

// R-OPS-2: a file of an older schema verifies and is reported as one that
// kadra would migrate at start; it is not migrated by verifying.
func TestVerifyOlderSchema(t *testing.T) {
	path := verifiedBackup(t)
	alter(t, path, fmt.Sprintf("PRAGMA user_version = %d", db.SchemaVersion()-1))
	r, err := db.Verify(context.Background(), path)
	if err != nil || !r.OK() || !r.Older() || r.Schema != db.SchemaVersion()-1 {
		t.Fatalf("%v %+v", err, r)
	}
	r, _ = db.Verify(context.Background(), path)
	if r.Schema != db.SchemaVersion()-1 {
		t.Fatalf("verifying migrated the file to %d", r.Schema)
	}
}

// R-OPS-2: each kind of damage fails verification with its own code.
func TestVerifyProblems(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		make func(t *testing.T) string
		want string
	}{
		{"ErrFlippedByte", func(t *testing.T) string {
			path := verifiedBackup(t)
			flipDataPage(t, path, "users")
			return path
		}, db.VerifyIntegrity},
		{"ErrForeignKey", func(t *testing.T) string {
			path := verifiedBackup(t)
			alter(t, path, "UPDATE users SET account_id = 999 WHERE email = 'a@example.pl'")
			return path
		}, db.VerifyForeignKey},
		{"ErrNewerSchema", func(t *testing.T) string {
			path := verifiedBackup(t)
			alter(t, path, fmt.Sprintf("PRAGMA user_version = %d", db.SchemaVersion()+1))
			return path
		}, db.VerifyNewerSchema},
		{"ErrNotDatabase", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "notes.db")
			if err := os.WriteFile(path, []byte("this is a text file, long enough to have a header of sorts.\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}, db.VerifyNotSQLite},
		{"ErrNotKadra", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "other.db")
			alter(t, path, "CREATE TABLE notes (body TEXT)")
			return path
		}, db.VerifyNotKadra},
		{"ErrMissing", func(t *testing.T) string {
			return filepath.Join(t.TempDir(), "none.db")
		}, db.VerifyMissing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := db.Verify(ctx, tc.make(t))
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() || r.Err() == nil || !slices.Contains(codes(r), tc.want) {
				t.Fatalf("want %s, got %v", tc.want, r.Problems)
			}
		})
	}
}

// flipDataPage inverts the page-type byte of the first page of table's
// b-tree, as a failing disk might.
func flipDataPage(t *testing.T, path, table string) {
	t.Helper()
	s, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	var root, size int64
	err = s.QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = ?", table).Scan(&root)
	if err == nil {
		err = s.QueryRow("PRAGMA page_size").Scan(&size)
	}
	s.Close()
	if err != nil || root < 2 {
		t.Fatalf("root page %d: %v", root, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	off := (root - 1) * size
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xFF
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}
