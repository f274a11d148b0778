package e2e

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-SIP-1, R-SIP-3 in a real browser: an admin creates an extension, sees
// its password once, reloads the page and it is gone; disabling asks first.
func TestBrowserSIPPasswordShownOnce(t *testing.T) {
	d, _ := dbtest.Setup(t)
	b := signedIn(t, d, "owner@example.pl")

	b.open("/sip")
	b.wantText("main h1", "SIP accounts")
	b.fill("f-extension", "1001")
	if st := b.submit(`form[action="/sip"][method="post"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("create answered %d", st)
	}
	b.wantPath("/sip")
	b.wantText(".flash", "Extension 1001 was created")
	password := b.text(`[data-testid="sip-password"]`)
	if len(password) != db.SIPSecretLength {
		t.Fatalf("shown password %q", password)
	}
	subs, err := d.SIPSubscribers(context.Background(), db.System(), "")
	sum := md5.Sum([]byte("1001:localhost:" + password))
	if err != nil || len(subs) != 1 || subs[0].HA1 != hex.EncodeToString(sum[:]) {
		t.Fatalf("the registrar does not see the shown password: %+v, %v", subs, err)
	}
	b.docScreenshot("sip")

	b.do("reload", chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("body")))
	main := b.text("main")
	if strings.Contains(main, password) {
		t.Fatal("the password is still on the page after a reload")
	}
	b.wantText("main .alert", "shown once")
	b.wantText("#results", "1001")

	// Disabling asks first; Cancel keeps the extension enabled.
	b.dismiss.Store(true)
	b.click(`form[action$="/disable"] button[type=submit]`)
	if msg := b.dialog(); !strings.Contains(msg, "Disable 1001") {
		t.Fatalf("confirmation says %q", msg)
	}
	b.dismiss.Store(false)
	if st := b.submit(`form[action$="/disable"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("disable answered %d", st)
	}
	b.dialog()
	b.wantText(".flash", "1001 is disabled")
	b.wantText("#results", "disabled")
}
