package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kadra/db/dbtest"
)

// waitText waits until the element of a CSS selector exists and contains
// want (the import page polls for progress, then reloads).
func (b *browser) waitText(css, want string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
			`(document.querySelector(`+"`"+css+"`"+`)||{}).innerText||""`))
		if err == nil && strings.Contains(s, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("%s never said %q", css, want)
}

// R-USER-13, R-SEC-1: the admin uploads a file, reads the dry run's report
// (the page polls while the check runs), confirms, and sees the import's
// report; the refused row is explained at its line.
func TestBrowserImportUsers(t *testing.T) {
	d, owner := dbtest.Setup(t)
	dbtest.CSVNames(t, d, owner)
	var file strings.Builder
	file.WriteString("email;full_name;role;position;groups;extension;caller_id;sms_sender;send_invite\n")
	file.WriteString("cyd@example.pl;Cyd;Boss;Consultant;;1101;;;\n")
	for i := range 1200 { // enough rows for the progress to show
		file.WriteString("user" + strconv.Itoa(i) + "@example.pl;User " + strconv.Itoa(i) + ";Staff member;Consultant;Foreign branches / France;" +
			strconv.Itoa(5000+i) + ";+48 22 123 45 67;Kadra;yes\n")
	}
	path := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	b := signedIn(t, d, "owner@example.pl")

	b.open("/users")
	b.submit(`a[href="/users/import"]`)
	b.wantPath("/users/import")
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{path}))
	b.docScreenshot("users-import")
	b.submit(`form[action="/users/import"] button[type=submit]`)
	b.waitText("h2#sum-title", "Check finished")
	b.wantText("main", "Would be created: 1200. Refused: 1.")
	b.wantText("tbody", "No role is named “Boss”.")
	b.docScreenshot("users-import-report")

	b.click(`form[action$="/confirm"] button[type=submit]`)
	if m := b.dialog(); !strings.Contains(m, "Users to create: 1200") {
		t.Fatalf("confirmation: %q", m)
	}
	b.waitText("h2#sum-title", "Import finished")
	b.wantText("main", "Created: 1200. Refused: 1.")
}
