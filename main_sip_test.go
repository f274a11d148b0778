package main

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-SIP-4: "kadra sip export asterisk" prints an endpoint, an md5 auth and
// an aor for every SIP account that may register, and never a password.
func TestSIPExportAsterisk(t *testing.T) {
	path := initDB(t)
	d, err := db.Open(t.Context(), path, db.Options{Hash: db.TestHashParams})
	if err != nil {
		t.Fatal(err)
	}
	owner := dbtest.Login(t, d, ownerEmail, ownerPassword)
	var secrets []db.SIPSecret
	for _, ext := range []string{"1001", "1002", "1003"} {
		s, err := d.CreateSIPAccount(t.Context(), owner, db.SIPAccountInput{Extension: ext})
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, s)
	}
	if _, err := d.SetSIPEnabled(t.Context(), owner, secrets[2].ID, false); err != nil {
		t.Fatal(err)
	}
	d.Close()

	code, out, stderr := cli(t, "sip", "export", "asterisk", "--db", path, "--context", "office")
	if code != 0 {
		t.Fatalf("export exited %d: %s", code, stderr)
	}
	for _, s := range secrets[:2] {
		sum := md5.Sum([]byte(s.Extension + ":localhost:" + s.Password))
		for _, want := range []string{
			"[" + s.Extension + "]\ntype=endpoint\ncontext=office\n",
			"auth=" + s.Extension + "-auth\naors=" + s.Extension + "\n",
			"[" + s.Extension + "-auth]\ntype=auth\nauth_type=md5\nusername=" + s.Extension + "\nrealm=localhost\nmd5_cred=" + hex.EncodeToString(sum[:]) + "\n",
			"[" + s.Extension + "]\ntype=aor\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("export lacks %q\n%s", want, out)
			}
		}
	}
	for _, s := range secrets {
		if strings.Contains(out, s.Password) {
			t.Fatalf("the export holds the plaintext password of %s", s.Extension)
		}
	}
	if strings.Contains(out, "[1003]") {
		t.Fatal("a disabled account was exported")
	}
	if n := strings.Count(out, "type=endpoint"); n != 2 {
		t.Fatalf("%d endpoints, want 2", n)
	}

	t.Run("Domain", func(t *testing.T) {
		code, out, _ := cli(t, "sip", "export", "asterisk", "--db", path, "--domain", "other.example.pl")
		if code != 0 || strings.Contains(out, "type=endpoint") {
			t.Fatalf("another domain: %d\n%s", code, out)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		if code, _, stderr := cli(t, "sip", "export", "kamailio", "--db", path); code == 0 || !strings.Contains(stderr, "sip export asterisk") {
			t.Fatalf("unknown format: %d %s", code, stderr)
		}
	})
}
