package db_test

import (
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// rawDB opens the test's database file directly, for what the domain layer
// deliberately cannot do (a second account, writes that bypass the rules).
func rawDB(t *testing.T, d *db.DB) *sql.DB {
	t.Helper()
	r, err := sql.Open("sqlite", "file:"+d.Path()+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
func exec(t *testing.T, r *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := r.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// subscriber returns the HA1 the registrar sees for ext@domain, or "".
func subscriber(t *testing.T, d *db.DB, ext, domain string) string {
	t.Helper()
	subs, err := d.SIPSubscribers(context.Background(), db.System(), domain)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if s.Username == ext {
			return s.HA1
		}
	}
	return ""
}

// readFile returns a database file with its WAL, as text.
func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	wal, _ := os.ReadFile(path + "-wal")
	return string(b) + string(wal), nil
}

// fieldOf is the message on field of a refused value: bad (EINVALID) or
// taken (ECONFLICT, R-API-1).
func fieldOf(err error, field string) string {
	if e := db.AsError(err); e != nil && (e.Code == db.EINVALID || e.Code == db.ECONFLICT) {
		return e.Fields[field].ID
	}
	return ""
}

// R-SIP-1, R-SIP-3: an extension is created with a strong generated
// password, shown once and stored only as HA1/HA1B; extensions follow the
// account's pattern and are unique within the SIP domain.
func TestCreateSIPAccount(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		d, owner := dbtest.Setup(t)
		s, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: " 1001 "})
		if err != nil {
			t.Fatal(err)
		}
		if s.Extension != "1001" || s.Domain != "localhost" || !s.Enabled || s.NeedsPassword || s.UserID != 0 {
			t.Fatalf("created %+v", s.SIPAccount)
		}
		if len(s.Password) != db.SIPSecretLength || !strings.ContainsAny(s.Password, "23456789") {
			t.Fatalf("generated password %q is not strong", s.Password)
		}
		if got, want := subscriber(t, d, "1001", "localhost"), md5hex("1001:localhost:"+s.Password); got != want {
			t.Fatalf("HA1 = %s, want %s", got, want)
		}
		subs, _ := d.SIPSubscribers(ctx, db.System(), "")
		if subs[0].HA1B != md5hex("1001@localhost:localhost:"+s.Password) {
			t.Fatalf("HA1B = %s", subs[0].HA1B)
		}
		again, _ := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1002"})
		if again.Password == s.Password {
			t.Fatal("two generated passwords are equal")
		}
	})
	// R-SIP-3: the password is never stored, nor written to the audit log.
	t.Run("PasswordNeverStored", func(t *testing.T) {
		d, owner := dbtest.Setup(t)
		s, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.RegenerateSIPSecret(ctx, owner, s.ID, db.SIPSecretInput{}); err != nil {
			t.Fatal(err)
		}
		d.Close()
		raw, err := readFile(d.Path())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(raw, s.Password) {
			t.Fatal("the plaintext SIP password is in the database file")
		}
	})
	t.Run("TypedPassword", func(t *testing.T) {
		d, owner := dbtest.Setup(t)
		s, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001",
			PasswordMode: db.SIPPasswordTyped, Password: "Correct-horse-9"})
		if err != nil {
			t.Fatal(err)
		}
		if s.Password != "Correct-horse-9" || subscriber(t, d, "1001", "") != md5hex("1001:localhost:Correct-horse-9") {
			t.Fatalf("typed password not used: %+v", s)
		}
	})
	t.Run("ErrWeakTypedPassword", func(t *testing.T) {
		d, owner := dbtest.Setup(t)
		for pw, want := range map[string]string{
			"":                   "error.required",
			"short1a":            "sip.password.length",
			"only letters here":  "sip.password.chars",
			"onlylettershere":    "sip.password.mix",
			"has1001inside-abcd": "sip.password.extension",
			"zażółć-gęślą-1234":  "sip.password.chars",
		} {
			_, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001",
				PasswordMode: db.SIPPasswordTyped, Password: pw})
			if got := fieldOf(err, "password"); got != want {
				t.Errorf("password %q: %v, want %s", pw, err, want)
			}
		}
		if p, _ := d.SearchSIPAccounts(ctx, owner, db.SIPFilter{}); p.Total != 0 {
			t.Fatal("a refused create wrote an account")
		}
	})
	// R-SIP-1: unique within the domain.
	t.Run("ErrDuplicateExtension", func(t *testing.T) {
		d, owner := dbtest.Setup(t)
		if _, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001"}); err != nil {
			t.Fatal(err)
		}
		_, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001"})
		if got := fieldOf(err, "extension"); got != "sip.extension.taken" {
			t.Fatalf("duplicate: %v", err)
		}
	})
	// R-SIP-1: the default pattern is 3 to 6 digits; the account may set
	// its own.
	t.Run("ErrBadPattern", func(t *testing.T) {
		d, owner := dbtest.Setup(t)
		// The default pattern is said in words (ui.extension.digits).
		for ext, want := range map[string]string{"": "error.required", "12": "ui.extension.digits",
			"1234567": "ui.extension.digits", "10a1": "ui.extension.digits", "10 1": "sip.extension.chars",
			"1001@x": "sip.extension.chars"} {
			_, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: ext})
			if got := fieldOf(err, "extension"); got != want {
				t.Errorf("extension %q: %v, want %s", ext, err, want)
			}
		}
		for _, ext := range []string{"100", "123456"} {
			if _, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: ext}); err != nil {
				t.Errorf("extension %q refused: %v", ext, err)
			}
		}
		if _, err := d.SetSIPSettings(ctx, owner, db.SIPSettingsInput{Domain: "localhost",
			ExtensionPattern: `2[0-9]{3}`}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001"}); fieldOf(err, "extension") != "sip.extension.pattern" {
			t.Errorf("1001 under 2[0-9]{3}: %v", err)
		}
		if _, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "2001"}); err != nil {
			t.Errorf("2001 under 2[0-9]{3}: %v", err)
		}
	})
	// R-ROLE-7: without sip.manage nothing is created.
	t.Run("ErrForbidden", func(t *testing.T) {
		d, owner := dbtest.Setup(t)
		staff := staffActor(t, d, owner, "staff@example.pl")
		if _, err := d.CreateSIPAccount(ctx, staff, db.SIPAccountInput{Extension: "1001"}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("staff create: %v", err)
		}
		if _, err := d.SearchSIPAccounts(ctx, staff, db.SIPFilter{}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("staff list: %v", err)
		}
	})
}

// R-SIP-1: two accounts sharing a SIP domain cannot hold the same
// extension, whatever writes the file.
func TestSIPExtensionUniqueInSharedDomain(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	r := rawDB(t, d)
	exec(t, r, `INSERT INTO accounts (id, parent_id, name, sip_domain, created_at) VALUES (50, ?, 'Branch', 'branch.example.pl', 0)`, owner.AccountID)
	exec(t, r, `INSERT INTO sip_accounts (account_id, extension, ha1, ha1b, realm, created_at) VALUES (50, '1001', 'x', 'y', 'branch.example.pl', 0)`)
	if _, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001"}); err != nil {
		t.Fatalf("1001 in another domain: %v", err)
	}
	t.Run("ErrDomainClash", func(t *testing.T) {
		_, err := d.SetSIPSettings(ctx, owner, db.SIPSettingsInput{Domain: "Branch.example.pl", ExtensionPattern: db.DefaultExtensionPattern})
		if got := fieldOf(err, "sip_domain"); got != "sip.domain.clash" {
			t.Fatalf("domain change onto a clash: %v", err)
		}
		if set, _ := d.SIPSettings(ctx, owner); set.Domain != "localhost" {
			t.Fatalf("refused change wrote %q", set.Domain)
		}
	})
	t.Run("ErrSchemaTrigger", func(t *testing.T) {
		if _, err := r.Exec(`INSERT INTO sip_accounts (account_id, extension, ha1, ha1b, realm, created_at)
			VALUES (?, '1001', 'x', 'y', 'localhost', 0)`, owner.AccountID); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
			t.Fatalf("duplicate insert: %v", err)
		}
		if _, err := r.Exec(`UPDATE accounts SET sip_domain = 'localhost' WHERE id = 50`); err == nil {
			t.Fatal("moving the branch into a domain where 1001 exists was allowed")
		}
	})
}

// R-SIP-3: regenerating sets a new password under the current domain; the
// old one stops working at once.
func TestRegenerateSIPSecret(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	s, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		n, err := d.RegenerateSIPSecret(ctx, owner, s.ID, db.SIPSecretInput{})
		if err != nil {
			t.Fatal(err)
		}
		if n.Password == s.Password || subscriber(t, d, "1001", "") != md5hex("1001:localhost:"+n.Password) {
			t.Fatalf("regenerated %+v", n)
		}
	})
	t.Run("Typed", func(t *testing.T) {
		if _, err := d.RegenerateSIPSecret(ctx, owner, s.ID, db.SIPSecretInput{Password: "Another-pass-77"}); err != nil {
			t.Fatal(err)
		}
		if subscriber(t, d, "1001", "") != md5hex("1001:localhost:Another-pass-77") {
			t.Fatal("typed password not stored")
		}
	})
	t.Run("ErrWeak", func(t *testing.T) {
		before := subscriber(t, d, "1001", "")
		_, err := d.RegenerateSIPSecret(ctx, owner, s.ID, db.SIPSecretInput{PasswordMode: db.SIPPasswordTyped, Password: "abc"})
		if fieldOf(err, "password") != "sip.password.length" || subscriber(t, d, "1001", "") != before {
			t.Fatalf("weak typed password: %v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := d.RegenerateSIPSecret(ctx, owner, 999, db.SIPSecretInput{}); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("unknown id: %v", err)
		}
	})
}

// R-SIP-3, R-SIP-4: a new SIP domain invalidates every HA1 of the account:
// its accounts leave the registrar's view until they get a new password.
func TestSIPDomainChange(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	a, _ := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001"})
	if _, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1002"}); err != nil {
		t.Fatal(err)
	}
	set, err := d.SetSIPSettings(ctx, owner, db.SIPSettingsInput{Domain: " SIP.Example.PL ", ExtensionPattern: db.DefaultExtensionPattern})
	if err != nil {
		t.Fatal(err)
	}
	if set.Domain != "sip.example.pl" || set.StaleAccounts != 2 {
		t.Fatalf("settings after change: %+v", set)
	}
	if subs, _ := d.SIPSubscribers(ctx, db.System(), ""); len(subs) != 0 {
		t.Fatalf("stale hashes still offered to the registrar: %+v", subs)
	}
	got, _ := d.GetSIPAccount(ctx, owner, a.ID)
	if !got.NeedsPassword || got.Registers() {
		t.Fatalf("account after domain change: %+v", got)
	}
	if p, _ := d.SearchSIPAccounts(ctx, owner, db.SIPFilter{State: "stale"}); p.Total != 2 {
		t.Fatalf("stale filter: %d", p.Total)
	}
	n, err := d.RegenerateSIPSecret(ctx, owner, a.ID, db.SIPSecretInput{})
	if err != nil {
		t.Fatal(err)
	}
	if subscriber(t, d, "1001", "sip.example.pl") != md5hex("1001:sip.example.pl:"+n.Password) {
		t.Fatal("regenerated account not back in the view under the new realm")
	}
	all, err := d.RegenerateStaleSIPSecrets(ctx, owner)
	if err != nil || len(all) != 1 || all[0].Extension != "1002" {
		t.Fatalf("regenerate stale: %+v, %v", all, err)
	}
	if subscriber(t, d, "1002", "sip.example.pl") != md5hex("1002:sip.example.pl:"+all[0].Password) {
		t.Fatal("bulk-regenerated account not in the view")
	}
	if set, _ := d.SIPSettings(ctx, owner); set.StaleAccounts != 0 {
		t.Fatalf("still stale: %+v", set)
	}
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := d.SetSIPSettings(ctx, owner, db.SIPSettingsInput{Domain: "bad domain", ExtensionPattern: "[0-9"})
		if fieldOf(err, "sip_domain") != "error.domain" || fieldOf(err, "extension_pattern") != "sip.pattern.invalid" {
			t.Fatalf("bad settings: %v", err)
		}
		_, err = d.SetSIPSettings(ctx, owner, db.SIPSettingsInput{Domain: "x.pl", ExtensionPattern: "[0-9]*"})
		if fieldOf(err, "extension_pattern") != "sip.pattern.empty" {
			t.Fatalf("pattern accepting empty: %v", err)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		staff := staffActor(t, d, owner, "staff@example.pl")
		if _, err := d.SetSIPSettings(ctx, staff, db.SIPSettingsInput{Domain: "x.pl", ExtensionPattern: "[0-9]{3}"}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("staff: %v", err)
		}
	})
}

// R-SIP-4: a disabled account leaves the registrar's view at once and comes
// back when enabled; deleting is refused while a user has the account.
func TestSIPEnableDelete(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	s, _ := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1001"})
	if got, err := d.SetSIPEnabled(ctx, owner, s.ID, false); err != nil || got.Enabled {
		t.Fatalf("disable: %+v, %v", got, err)
	}
	if subscriber(t, d, "1001", "") != "" {
		t.Fatal("disabled account still in the view")
	}
	if _, err := d.SetSIPEnabled(ctx, owner, s.ID, true); err != nil {
		t.Fatal(err)
	}
	if subscriber(t, d, "1001", "") == "" {
		t.Fatal("enabled account not in the view")
	}
	u := bareUser(t, d, owner, "ala@example.pl")
	if err := d.AssignSIPAccount(ctx, owner, u.ID, s.ID); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrAssigned", func(t *testing.T) {
		_, err := d.DeleteSIPAccount(ctx, owner, s.ID)
		e := db.AsError(err)
		if e == nil || e.Code != db.ECONFLICT || e.Msg.ID != "sip.delete.assigned" || e.Msg.Data["User"] != u.FullName {
			t.Fatalf("delete assigned: %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		free, _ := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1002"})
		if _, err := d.DeleteSIPAccount(ctx, owner, free.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.GetSIPAccount(ctx, owner, free.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("deleted account: %v", err)
		}
		page, _ := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "sip.delete"})
		if page.Total != 1 {
			t.Fatalf("audit of delete: %+v", page)
		}
	})
}
