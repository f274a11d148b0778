package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"kadra/db"
	"kadra/handlers"
)

const (
	ownerEmail    = "owner@example.pl"
	ownerPassword = "Lipa-Sosna-4!"
)

// cli runs kadra as the shell would, in-process.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(t.Context(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// dbPath is a database file name in a fresh folder.
func dbPath(t *testing.T) string {
	return filepath.Join(t.TempDir(), "kadra.db")
}

// initDB sets up a new database with "kadra init" and returns its path.
func initDB(t *testing.T) string {
	t.Helper()
	path := dbPath(t)
	code, _, stderr := cli(t, "init", "--db", path, "--account", "Biuro", "--owner-email", ownerEmail,
		"--owner-password", ownerPassword, "--owner-name", "Ola Owner")
	if code != 0 {
		t.Fatalf("init exited %d: %s", code, stderr)
	}
	return path
}

// openDB opens a database file in-process, closed when the test ends.
func openTestDB(t *testing.T, path string) *db.DB {
	t.Helper()
	d, err := db.Open(t.Context(), path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// R-ACC-1: "kadra init" creates the main account and its owner, once.
func TestInit(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		path := dbPath(t)
		code, stdout, stderr := cli(t, "init", "--db", path, "--account", "Biuro Łódź",
			"--owner-email", ownerEmail, "--owner-password", ownerPassword)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, `"Biuro Łódź"`) || !strings.Contains(stdout, ownerEmail) {
			t.Errorf("stdout does not name the account and owner: %q", stdout)
		}
		d := openTestDB(t, path)
		if need, err := d.NeedsSetup(t.Context()); err != nil || need {
			t.Fatalf("after init, needs setup = %v (%v)", need, err)
		}
		if _, err := d.Login(t.Context(), db.LoginInput{Email: ownerEmail, Password: ownerPassword, IP: "127.0.0.1"}); err != nil {
			t.Fatalf("the owner cannot sign in: %v", err)
		}
	})
	// R-I18N-2: the installation's time zone is asked at init; a name the
	// tz database does not know is refused.
	t.Run("TimeZone", func(t *testing.T) {
		path := dbPath(t)
		code, _, stderr := cli(t, "init", "--db", path, "--account", "Biuro", "--owner-email", ownerEmail,
			"--owner-password", ownerPassword, "--time-zone", "Europe/Atlantis")
		if code != 1 || !strings.Contains(stderr, "time_zone:") {
			t.Fatalf("unknown zone: exit %d, stderr %q", code, stderr)
		}
		if code, _, stderr := cli(t, "init", "--db", path, "--account", "Biuro", "--owner-email", ownerEmail,
			"--owner-password", ownerPassword, "--time-zone", "Europe/Lisbon"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if z, err := openTestDB(t, path).TimeZone(t.Context()); err != nil || z != "Europe/Lisbon" {
			t.Fatalf("zone %q (%v)", z, err)
		}
	})
	t.Run("ErrAlreadySetUp", func(t *testing.T) {
		path := initDB(t)
		code, _, stderr := cli(t, "init", "--db", path, "--account", "Other", "--owner-email", "other@example.pl",
			"--owner-password", ownerPassword)
		if code != 1 || !strings.Contains(stderr, "already set up") {
			t.Fatalf("second init: exit %d, stderr %q", code, stderr)
		}
	})
	// R-USER-4, R-SEC-1: each refused field is named with every unmet
	// condition, and nothing is created.
	t.Run("ErrWeakPassword", func(t *testing.T) {
		path := dbPath(t)
		code, _, stderr := cli(t, "init", "--db", path, "--account", "Biuro", "--owner-email", ownerEmail,
			"--owner-password", "weakpass")
		if code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
		for _, want := range []string{"password:", "an uppercase letter", "a digit", "a special character"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, stderr)
			}
		}
		if strings.Contains(stderr, "lowercase") {
			t.Errorf("stderr names a condition the password meets:\n%s", stderr)
		}
		if need, err := openTestDB(t, path).NeedsSetup(t.Context()); err != nil || !need {
			t.Fatalf("a refused init set kadra up (%v)", err)
		}
	})
	t.Run("ErrMissingFlags", func(t *testing.T) {
		code, _, stderr := cli(t, "init", "--db", dbPath(t))
		if code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
		for _, field := range []string{"account_name:", "email:", "password:"} {
			if !strings.Contains(stderr, field) {
				t.Errorf("stderr does not name %s:\n%s", field, stderr)
			}
		}
	})
}

// A token printed by "kadra token create" signs API requests in as its user.
func TestTokenCreate(t *testing.T) {
	path := initDB(t)
	t.Run("OK", func(t *testing.T) {
		code, stdout, stderr := cli(t, "token", "create", "--db", path, "--user", ownerEmail, "--name", "ci")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		token := strings.TrimSpace(stdout)
		if token == "" || strings.ContainsAny(token, " \n") {
			t.Fatalf("stdout is not one token: %q", stdout)
		}

		srv, err := handlers.New(t.Context(), handlers.Config{DB: openTestDB(t, path),
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		me := func(token string) (int, map[string]any) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var body map[string]any
			json.NewDecoder(res.Body).Decode(&body)
			return res.StatusCode, body
		}
		status, body := me(token)
		if status != http.StatusOK || body["email"] != ownerEmail {
			t.Fatalf("GET /api/v1/me with the token: %d %v", status, body)
		}
		if status, _ := me(token + "x"); status != http.StatusUnauthorized {
			t.Errorf("a wrong token answered %d, want 401", status)
		}
		if code, stdout, stderr := cli(t, "token", "revoke", "--db", path, "--user", ownerEmail, "--name", "ci"); code != 0 ||
			!strings.Contains(stdout, "Revoked") {
			t.Fatalf("revoke: exit %d: %s %s", code, stdout, stderr)
		}
		if status, _ := me(token); status != http.StatusUnauthorized {
			t.Errorf("a revoked token answered %d, want 401", status)
		}
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		code, stdout, stderr := cli(t, "token", "create", "--db", path, "--user", "nobody@example.pl", "--name", "ci")
		if code != 1 || stdout != "" || !strings.Contains(stderr, "No user has this e-mail address") {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("ErrNoName", func(t *testing.T) {
		code, _, stderr := cli(t, "token", "create", "--db", path, "--user", ownerEmail)
		if code != 1 || !strings.Contains(stderr, "name:") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("ErrUnknownSubcommand", func(t *testing.T) {
		if code, _, _ := cli(t, "token", "rotate", "--db", path); code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
	})
}

var newPasswordRe = regexp.MustCompile(`New password for \S+: (\S+)`)

// R-SEC-5: "kadra user reset-password" voids the reset link mailed before
// it, so that an old mail cannot undo the operator's reset.
func TestUserResetPasswordVoidsLinks(t *testing.T) {
	ctx := context.Background()
	path := initDB(t)
	d := openTestDB(t, path)
	login, err := d.Login(ctx, db.LoginInput{Email: ownerEmail, Password: ownerPassword, IP: "127.0.0.1"})
	sid := login.Session
	if err != nil {
		t.Fatal(err)
	}
	owner, err := d.SessionActor(ctx, sid, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ResetPassword(ctx, db.System(), owner.UserID); err != nil {
		t.Fatal(err)
	}
	mail, err := d.ListOutbox(ctx, owner, db.OutboxQuery{Q: ownerEmail})
	if err != nil || len(mail.Items) == 0 {
		t.Fatalf("no reset mail: %v", err)
	}
	m := regexp.MustCompile(`/reset-password/([A-Za-z0-9_-]+)`).FindStringSubmatch(mail.Items[0].Body)
	if m == nil {
		t.Fatalf("no link in %q", mail.Items[0].Body)
	}
	if _, err := d.CheckToken(ctx, "reset", m[1]); err != nil {
		t.Fatalf("fresh link: %v", err)
	}
	if code, _, stderr := cli(t, "user", "reset-password", "--db", path, ownerEmail); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := d.CheckToken(ctx, "reset", m[1]); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("the link mailed before the reset still works (err %v)", err)
	}
}

// "kadra user reset-password" sets a new password (generated or given),
// ends the user's sessions, and the new password signs in.
func TestUserResetPassword(t *testing.T) {
	ctx := context.Background()
	path := initDB(t)
	d := openTestDB(t, path)
	login := func(password string) (string, error) {
		res, err := d.Login(ctx, db.LoginInput{Email: ownerEmail, Password: password, IP: "127.0.0.1"})
		return res.Session, err
	}

	t.Run("Generated", func(t *testing.T) {
		sid, err := login(ownerPassword)
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := cli(t, "user", "reset-password", "--db", path, ownerEmail)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		m := newPasswordRe.FindStringSubmatch(stdout)
		if m == nil {
			t.Fatalf("no password printed: %q", stdout)
		}
		if _, err := d.SessionActor(ctx, sid, "127.0.0.1"); db.ErrorCode(err) != db.EUNAUTHORIZED {
			t.Errorf("the session from before the reset still works (err %v)", err)
		}
		if _, err := login(m[1]); err != nil {
			t.Errorf("the printed password does not sign in: %v", err)
		}
		if _, err := login(ownerPassword); err == nil {
			t.Errorf("the old password still signs in")
		}
	})
	t.Run("Given", func(t *testing.T) {
		// Flags may follow the e-mail.
		code, stdout, stderr := cli(t, "user", "reset-password", ownerEmail, "--db", path, "--password", ownerPassword)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if strings.Contains(stdout, ownerPassword) {
			t.Errorf("a given password was echoed: %q", stdout)
		}
		if _, err := login(ownerPassword); err != nil {
			t.Errorf("the given password does not sign in: %v", err)
		}
	})
	// R-USER-4: the policy holds for the operator too.
	t.Run("ErrWeakPassword", func(t *testing.T) {
		code, _, stderr := cli(t, "user", "reset-password", "--db", path, "--password", "short", ownerEmail)
		if code != 1 || !strings.Contains(stderr, "password:") || !strings.Contains(stderr, "at least 8 characters") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		if _, err := login(ownerPassword); err != nil {
			t.Errorf("a refused reset changed the password: %v", err)
		}
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		code, _, stderr := cli(t, "user", "reset-password", "--db", path, "nobody@example.pl")
		if code != 1 || !strings.Contains(stderr, "No user has this e-mail address") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("ErrNoEmail", func(t *testing.T) {
		code, _, stderr := cli(t, "user", "reset-password", "--db", path)
		if code != 1 || !strings.Contains(stderr, "e-mail") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
}

func TestBackup(t *testing.T) {
	path := initDB(t)
	out := filepath.Join(t.TempDir(), "copy.db")
	t.Run("OK", func(t *testing.T) {
		code, stdout, stderr := cli(t, "backup", out, "--db", path)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, out) {
			t.Errorf("stdout does not name the file: %q", stdout)
		}
		// R-OPS-2: the copy is verified once written.
		if !strings.Contains(stdout, "Result:       OK") {
			t.Errorf("the copy was not verified: %q", stdout)
		}
		d := openTestDB(t, out)
		if _, err := d.Login(t.Context(), db.LoginInput{Email: ownerEmail, Password: ownerPassword, IP: "127.0.0.1"}); err != nil {
			t.Errorf("the owner cannot sign in on the copy: %v", err)
		}
	})
	t.Run("ErrExists", func(t *testing.T) {
		code, _, stderr := cli(t, "backup", "--db", path, out)
		if code != 1 || !strings.Contains(stderr, "already exists") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("ErrNoFile", func(t *testing.T) {
		if code, _, _ := cli(t, "backup", "--db", path); code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
	})
}

func TestVersion(t *testing.T) {
	code, stdout, _ := cli(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "kadra ") || !strings.Contains(stdout, "schema ") {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"help", "--help", "-h"} {
		t.Run(arg, func(t *testing.T) {
			code, stdout, _ := cli(t, arg)
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			for _, want := range []string{"Usage:", "serve", "init", "backup", "token create", "user reset-password", "verify", "version", "KADRA_DB"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("help does not mention %q:\n%s", want, stdout)
				}
			}
		})
	}
}

func TestUnknownCommand(t *testing.T) {
	code, _, stderr := cli(t, "frobnicate")
	if code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) || !strings.Contains(stderr, "Usage:") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// Every command's --help exits 0 and lists its flags with their
// environment twins.
func TestCommandHelp(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		flags []string
	}{
		{[]string{"serve", "--help"}, []string{"db", "addr", "base-url", "log-format", "log-level", "session-idle", "session-max"}},
		{[]string{"init", "--help"}, []string{"db", "account", "owner-email", "owner-password", "owner-name", "sip-domain", "time-zone"}},
		{[]string{"backup", "--help"}, []string{"db"}},
		{[]string{"verify", "--help"}, []string{"db"}},
		{[]string{"token", "create", "--help"}, []string{"db", "user", "name"}},
		{[]string{"token", "--help"}, []string{"db", "user", "name"}},
		{[]string{"user", "reset-password", "--help"}, []string{"db", "password"}},
		{[]string{"user", "-h"}, []string{"db", "password"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			text := stdout + stderr
			if !strings.Contains(text, "Usage: kadra ") {
				t.Errorf("no usage line:\n%s", text)
			}
			for _, f := range tc.flags {
				want := "--" + f + " (" + envName(f) + ")"
				if !strings.Contains(text, want) {
					t.Errorf("help does not list %q:\n%s", want, text)
				}
			}
		})
	}
	if envName("owner-email") != "KADRA_OWNER_EMAIL" {
		t.Errorf("envName(owner-email) = %s", envName("owner-email"))
	}
}

// Every flag has a KADRA_* environment twin; a flag on the command line
// wins over it.
func TestEnvironmentTwin(t *testing.T) {
	path := dbPath(t)
	t.Setenv("KADRA_DB", path)
	t.Setenv("KADRA_OWNER_PASSWORD", ownerPassword)
	code, _, stderr := cli(t, "init", "--account", "Biuro", "--owner-email", ownerEmail)
	if code != 0 {
		t.Fatalf("init from the environment: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("KADRA_DB was not used: %v", err)
	}
	if code, _, stderr := cli(t, "token", "create", "--user", ownerEmail, "--name", "env"); code != 0 {
		t.Fatalf("token create on KADRA_DB: exit %d: %s", code, stderr)
	}

	// The flag wins: the owner exists only in path, not in KADRA_DB's file.
	t.Setenv("KADRA_DB", dbPath(t))
	if code, _, stderr := cli(t, "token", "create", "--db", path, "--user", ownerEmail, "--name", "flag"); code != 0 {
		t.Fatalf("--db did not win over KADRA_DB: exit %d: %s", code, stderr)
	}

	// A bad value in the environment is refused, naming the variable.
	t.Setenv("KADRA_SESSION_IDLE", "soon")
	code, _, stderr = cli(t, "serve", "--db", path, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "KADRA_SESSION_IDLE") {
		t.Fatalf("bad KADRA_SESSION_IDLE: exit %d, stderr %q", code, stderr)
	}
}

// R-SEC-4: --trusted-proxies (and KADRA_TRUSTED_PROXIES) takes ranges and
// bare addresses; anything else stops the start with a message naming the
// value, before the server listens.
func TestTrustedProxiesFlag(t *testing.T) {
	var l cidrList
	if err := l.Set(" 127.0.0.1, 10.0.0.0/8,::1,,2001:db8::/32"); err != nil {
		t.Fatal(err)
	}
	if got := l.String(); got != "127.0.0.1/32,10.0.0.0/8,::1/128,2001:db8::/32" {
		t.Fatalf("parsed as %s", got)
	}
	path := initDB(t)
	for _, bad := range []string{"10.0.0/8", "proxy.example.pl", "10.0.0.0/33"} {
		code, _, stderr := cli(t, "serve", "--db", path, "--addr", "127.0.0.1:0", "--trusted-proxies", bad)
		if code != 1 || !strings.Contains(stderr, "trusted-proxies") || !strings.Contains(stderr, bad) {
			t.Errorf("--trusted-proxies %s: exit %d, stderr %q", bad, code, stderr)
		}
	}
	t.Setenv("KADRA_TRUSTED_PROXIES", "nope")
	code, _, stderr := cli(t, "serve", "--db", path, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "KADRA_TRUSTED_PROXIES") || !strings.Contains(stderr, "nope") {
		t.Fatalf("bad KADRA_TRUSTED_PROXIES: exit %d, stderr %q", code, stderr)
	}
}

// R-SEC-7: under umask 022, "kadra init" makes the database 0600 and
// "kadra backup FILE" writes the copy 0600.
func TestCommandFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := initDB(t)
	out := filepath.Join(t.TempDir(), "copy.db")
	if code, _, stderr := cli(t, "backup", out, "--db", path); code != 0 {
		t.Fatalf("backup: exit %d: %s", code, stderr)
	}
	for _, p := range []string{path, out} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %04o, want 0600", p, st.Mode().Perm())
		}
	}
}

// R-OPS-2: "kadra verify" without a file checks the --db file; two files
// are refused.
func TestVerifyDefaultsToDB(t *testing.T) {
	path := initDB(t)
	if code, stdout, stderr := cli(t, "verify", "--db", path); code != 0 || !strings.Contains(stdout, "File:         "+path) {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	if code, _, _ := cli(t, "verify", path, path); code != 1 {
		t.Fatalf("two files: exit %d, want 1", code)
	}
}

// Issue 13 item 7: `kadra user reset-2fa` is the way back for a user (or
// owner) who lost their second factor.
func TestUserReset2FA(t *testing.T) {
	path := initDB(t)
	t.Run("OK", func(t *testing.T) {
		code, stdout, stderr := cli(t, "user", "reset-2fa", "--db", path, ownerEmail)
		if code != 0 || !strings.Contains(stdout, "Second factor removed for "+ownerEmail) {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		code, _, stderr := cli(t, "user", "reset-2fa", "--db", path, "nobody@example.pl")
		if code != 1 || !strings.Contains(stderr, "No user has this e-mail address") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("ErrNoEmail", func(t *testing.T) {
		code, _, stderr := cli(t, "user", "reset-2fa", "--db", path)
		if code != 1 || !strings.Contains(stderr, "e-mail") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
}
