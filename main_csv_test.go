package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// csvNames gives the database at path the names a users file refers to.
func csvNames(t *testing.T, path string) {
	t.Helper()
	d := openTestDB(t, path)
	a, err := d.SystemIn(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.CSVNames(t, d, a)
	d.Close()
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func userCount(t *testing.T, path string) int {
	t.Helper()
	d := openTestDB(t, path)
	a, _ := d.SystemIn(t.Context(), "")
	p, err := d.ListUsers(t.Context(), a, db.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	return p.Total
}

const cliFile = "email,full_name,role,position,groups,extension,send_invite\n" +
	"ala@example.pl,Ala,Staff member,Consultant,Foreign branches / France,1001,yes\n" +
	"bob@example.pl,Bob,Staff member,Manager,,1100,no\n" +
	"cyd@example.pl,Cyd,Boss,Consultant,,1101,\n"

// R-USER-13: "kadra import" reports every row with its line and reasons,
// writes nothing with --dry-run, saves the good rows otherwise, and exits 1
// when a row was refused; "kadra export users" writes a file that imports
// back.
func TestImportExportCLI(t *testing.T) {
	path := initDB(t)
	csvNames(t, path)
	file := writeFile(t, cliFile)

	t.Run("DryRun", func(t *testing.T) {
		code, stdout, stderr := cli(t, "import", file, "--db", path, "--dry-run")
		if code != 1 || !strings.Contains(stderr, "refused") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"line 2\tala@example.pl\twould be created\n", "line 4\tcyd@example.pl\trefused\trole: No role is named “Boss”.",
			"Dry run: 2 of 3 rows would be created, 1 refused; nothing was written."} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, stdout)
			}
		}
		if n := userCount(t, path); n != 1 {
			t.Fatalf("the dry run wrote: %d users", n)
		}
	})
	t.Run("Import", func(t *testing.T) {
		code, stdout, _ := cli(t, "import", "--db", path, file)
		if code != 1 || !strings.Contains(stdout, "Created 2 users from 3 rows; 1 rows refused.") ||
			!strings.Contains(stdout, "line 3\tbob@example.pl\tcreated\n") {
			t.Fatalf("exit %d:\n%s", code, stdout)
		}
		if n := userCount(t, path); n != 3 {
			t.Fatalf("users = %d", n)
		}
	})
	t.Run("AllGood", func(t *testing.T) {
		good := writeFile(t, "email;full_name;role;position;extension\ndee@example.pl;Dee;Staff member;Consultant;1200\n")
		if code, stdout, stderr := cli(t, "import", good, "--db", path, "--lang", "pl"); code != 0 {
			t.Fatalf("exit %d: %s %s", code, stdout, stderr)
		}
	})
	t.Run("Export", func(t *testing.T) {
		code, stdout, stderr := cli(t, "export", "users", "--db", path, "--sort", "email")
		if code != 0 || !strings.HasPrefix(stdout, "\ufeffemail,notify_email,full_name,") ||
			!strings.Contains(stdout, "ala@example.pl,,Ala,,Staff member,Consultant,Foreign branches / France,1001,,,true\r\n") {
			t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
		}
		other := initDB(t)
		csvNames(t, other)
		// The owner exists there already: that row alone is refused.
		code, out, _ := cli(t, "import", writeFile(t, stdout), "--db", other)
		if code != 1 || !strings.Contains(out, "Created 3 users from 4 rows; 1 rows refused.") {
			t.Fatalf("re-import exit %d:\n%s", code, out)
		}
		code, again, _ := cli(t, "export", "users", "--db", other, "--sort", "email")
		if code != 0 || again != stdout {
			t.Fatalf("round trip differs:\n%s\n---\n%s", stdout, again)
		}
		code, filtered, _ := cli(t, "export", "users", "--db", path, "--q", "bob")
		if code != 0 || strings.Count(filtered, "\r\n") != 2 {
			t.Fatalf("filtered export:\n%s", filtered)
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		if code, _, stderr := cli(t, "import", file, "--db", path, "--account", "Nowhere"); code != 1 || !strings.Contains(stderr, "No account is named “Nowhere”.") {
			t.Fatalf("unknown account: %d %s", code, stderr)
		}
		bad := writeFile(t, "email,full_name,password\n")
		if code, _, stderr := cli(t, "import", bad, "--db", path); code != 1 || !strings.Contains(stderr, `Unknown columns: "password"`) {
			t.Fatalf("bad header: %d %s", code, stderr)
		}
		if code, _, _ := cli(t, "import", "--db", path); code != 1 {
			t.Fatalf("no file: %d", code)
		}
		if code, _, stderr := cli(t, "export", "groups", "--db", path); code != 1 || !strings.Contains(stderr, "Usage: kadra export users") {
			t.Fatalf("export groups: %d %s", code, stderr)
		}
		if code, _, _ := cli(t, "export", "users", "--db", path, "--sort", "password"); code != 1 {
			t.Fatalf("bad sort: %d", code)
		}
	})
	t.Run("Help", func(t *testing.T) {
		for _, args := range [][]string{{"import", "--help"}, {"export", "users", "--help"}, {"export", "--help"}} {
			if code, _, stderr := cli(t, args...); code != 0 || !strings.Contains(stderr, "Usage: kadra") {
				t.Errorf("%v: exit %d %s", args, code, stderr)
			}
		}
	})
}
