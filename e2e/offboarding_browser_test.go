package e2e

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-GOV-4 in a real browser against a real Kamailio: an admin offboards a
// leaver with a successor; afterwards the successor holds the extension
// (registering with the new password shown once on the report, while the
// leaver's old password is refused), the licence seat moved, and the
// printable report lists it all.
func TestBrowserOffboardingWithSuccessor(t *testing.T) {
	kamailio := requireProgram(t, "kamailio", "/usr/sbin/kamailio")
	sipsak := requireProgram(t, "sipsak", "/usr/bin/sipsak")
	requireKamailioModule(t, "db_sqlite.so", "kamailio-sqlite-modules")
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kadra.db")
	d, err := db.Open(ctx, path, db.Options{Hash: db.TestHashParams})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Setup(ctx, db.SetupInput{AccountName: "Biuro", Email: ownerEmail, Password: ownerPassword,
		PasswordConfirm: ownerPassword, SIPDomain: "127.0.0.1"}, ""); err != nil {
		t.Fatal(err)
	}
	owner := dbtest.Login(t, d, ownerEmail, ownerPassword)
	leaver := dbtest.AddUser(t, d, owner, "leaver@example.pl", func(in *db.UserInput) { in.FullName = "Jan Odchodzący" })
	succ := dbtest.AddUser(t, d, owner, "ola@example.pl", func(in *db.UserInput) { in.FullName = "Ola Następczyni" })
	ld, _ := d.GetUserDetails(ctx, owner, leaver.ID)
	old, err := d.RegenerateSIPSecret(ctx, owner, ld.SIPAccountID, db.SIPSecretInput{})
	if err != nil {
		t.Fatal(err)
	}
	lic, err := d.CreateLicense(ctx, owner, db.LicenseInput{Product: "Office 365", Seats: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.AssignLicense(ctx, owner, lic.ID, leaver.ID); err != nil {
		t.Fatal(err)
	}

	k := startKamailio(t, kamailio, path)
	register := func(ext, password string) (bool, string) {
		return sipRegister(t, sipsak, "127.0.0.1", k.port, ext, password)
	}
	if ok, out := register(ld.Extension, old.Password); !ok {
		t.Fatalf("the leaver's phone does not register before:\n%s\n%s", out, k.log())
	}

	b := newBrowser(t, serve(t, d).URL)
	b.signIn(ownerEmail, ownerPassword)
	b.open(fmt.Sprintf("/users/%d", leaver.ID))
	if st := b.submit(`a[href$="/offboard"]`); st != http.StatusOK {
		t.Fatalf("offboarding form answered %d", st)
	}
	b.fill("o-succ", succ.Email)
	b.click(`input[name=sip][value=successor]`)
	b.click(`input[name=licenses][value=successor]`)
	b.shot("offboard-form")
	if st := b.submit(`form.offboard button.primary`); st != http.StatusOK {
		t.Fatalf("summary answered %d", st)
	}
	b.wantText("main", "Ola Następczyni takes over extension "+ld.Extension)
	b.shot("offboard-summary")
	if st := b.submit(`form.offboard button.danger`); st != http.StatusOK {
		t.Fatalf("offboarding answered %d", st)
	}
	if msg := b.dialog(); !strings.Contains(msg, leaver.Email) {
		t.Fatalf("confirmation says %q", msg)
	}
	if !strings.HasPrefix(b.path(), "/offboardings/") {
		t.Fatalf("after the offboarding: %s", b.path())
	}
	password := b.text(".secret-value")
	report := b.text("article.report")
	for _, want := range []string{"Ola Następczyni", "took over extension " + ld.Extension, "took over the licence Office 365", "Account blocked"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	b.shot("offboard-report")

	// The successor holds the extension; the registrar sees its new password.
	sd, _ := d.GetUserDetails(ctx, owner, succ.ID)
	if sd.Extension != ld.Extension || sd.SIPAccountID != ld.SIPAccountID {
		t.Fatalf("successor holds %q (%d), want %q (%d)", sd.Extension, sd.SIPAccountID, ld.Extension, ld.SIPAccountID)
	}
	if after, _ := d.GetUserDetails(ctx, owner, leaver.ID); after.SIPAccountID != 0 || after.Status != db.StatusBlocked {
		t.Fatalf("leaver after %+v", after)
	}
	subs, err := d.SIPSubscribers(ctx, db.System(), "")
	sum := md5.Sum([]byte(ld.Extension + ":127.0.0.1:" + password))
	found := false
	for _, s := range subs {
		found = found || s.Username == ld.Extension && s.HA1 == hex.EncodeToString(sum[:])
	}
	if err != nil || !found {
		t.Fatalf("the subscriber view does not hold %s with the password shown to the successor: %v", ld.Extension, err)
	}
	if ok, out := register(ld.Extension, password); !ok {
		t.Fatalf("the successor's REGISTER was refused:\n%s\n%s", out, k.log())
	}
	if ok, out := register(ld.Extension, old.Password); ok || !strings.Contains(out, "403") {
		t.Fatalf("the leaver's old password still registers:\n%s", out)
	}
	// The seat moved.
	ls, _ := d.UserLicenses(ctx, owner, succ.ID)
	if len(ls) != 1 || !ls[0].Held {
		t.Fatalf("seat not moved: %+v", ls)
	}
	if ls, _ := d.UserLicenses(ctx, owner, leaver.ID); ls[0].Held {
		t.Fatal("the leaver keeps the seat")
	}
	// The report stays reachable from the audit log.
	b.open("/audit")
	if n := b.count(`a[href^="/offboardings/"]`); n == 0 {
		t.Fatal("no link to the report in the audit log")
	}
}
