// Package e2e holds whole-program tests: a real browser driving kadra's
// pages, the built binary taking backups under load, and (later) a real SIP
// registrar reading kadra's accounts.
package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/handlers"
)

// requireProgram returns the path of an external program a test drives: the
// first of paths that exists, else name on PATH. When it is missing the test
// skips with the reason, unless KADRA_REQUIRE_INTEGRATION=1 (set by .ci/run),
// which makes the skip a failure.
func requireProgram(t *testing.T, name string, paths ...string) string {
	t.Helper()
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	msg := fmt.Sprintf("%s is not installed (looked in %s and on PATH); install it with apt-get install %s",
		name, strings.Join(paths, ", "), name)
	if os.Getenv("KADRA_REQUIRE_INTEGRATION") == "1" {
		t.Fatal(msg + " (KADRA_REQUIRE_INTEGRATION=1 makes this a failure)")
	}
	t.Skip(msg)
	return ""
}

// server is kadra serving a database in-process.
type server struct {
	DB  *db.DB
	Srv *handlers.Server
	URL string
}

// serve starts kadra on d behind an httptest server, closed when the test
// ends. Its base URL is the server's own, so SetupURL can be opened.
func serve(t *testing.T, d *db.DB) *server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	srv, err := handlers.New(context.Background(), handlers.Config{DB: d, BaseURL: base, Version: "e2e",
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	t.Cleanup(srv.Close) // after the HTTP server, before the database
	ts.Start()
	t.Cleanup(ts.Close)
	return &server{DB: d, Srv: srv, URL: ts.URL}
}

// signedIn serves d and opens a browser signed in as email, whose
// password is dbtest.OwnerPassword.
func signedIn(t *testing.T, d *db.DB, email string) *browser {
	t.Helper()
	b := newBrowser(t, serve(t, d).URL)
	b.signIn(email, dbtest.OwnerPassword)
	return b
}

// viewport is the size of the browser window, and of the README screenshots.
const viewportW, viewportH = 1280, 800

// browser is a headless chromium tab pointed at one kadra server. Its
// methods fail the test on any error, so a flow reads as a list of steps.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	// dismiss makes the browser answer confirm() with Cancel instead of
	// OK; dialogs receives the message of every dialog answered.
	dismiss atomic.Bool
	dialogs chan string
}

// newBrowser starts a fresh headless chromium (own profile in t.TempDir())
// for the test. When the test fails, a full-page screenshot of the tab is
// saved under e2e/failures/ and its path logged.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := requireProgram(t, "chromium", "/usr/bin/chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(viewportW, viewportH),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelAlloc)
	t.Cleanup(cancelTab)
	// The first Do starts the browser and binds its life to tabCtx; the
	// steps then run under a deadline derived from it (chromedp's API note
	// 21), so a stuck step fails the test instead of hanging it.
	if err := chromedp.Do(tabCtx, chromedp.EmulateViewport(viewportW, viewportH)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, 2*time.Minute)
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: ctx, base: base, dialogs: make(chan string, 16)}
	t.Cleanup(b.screenshotOnFailure)
	go b.answerDialogs()
	return b
}

// answerDialogs answers every dialog (the data-confirm of a destructive
// form) with OK, or Cancel while b.dismiss is set. A dialog blocks the click
// that opened it until it is answered.
func (b *browser) answerDialogs() {
	for ev, err := range chromedp.Events(b.ctx, page.JavascriptDialogOpening) {
		if err != nil {
			return
		}
		select {
		case b.dialogs <- ev.Message:
		default:
		}
		_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog,
			page.HandleJavaScriptDialogParams{Accept: !b.dismiss.Load()})
	}
}

// dialog returns the message of the dialog the last action opened, failing
// the test when none opened.
func (b *browser) dialog() string {
	b.t.Helper()
	select {
	case m := <-b.dialogs:
		return m
	case <-time.After(5 * time.Second):
		b.t.Fatal("no dialog opened")
		return ""
	}
}

// signIn signs in through the form and waits for the page it leads to.
func (b *browser) signIn(email, password string) {
	b.t.Helper()
	b.open("/login")
	b.fill("f-email", email)
	b.fill("f-password", password)
	if st := b.submit(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
		b.t.Fatalf("sign in as %s answered %d", email, st)
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func (b *browser) screenshotOnFailure() {
	if !b.t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("no failure screenshot: %v", err)
		return
	}
	dir, _ := filepath.Abs("failures")
	name := unsafeName.ReplaceAllString(b.t.Name(), "_") + "-" + time.Now().Format("20060102-150405") + ".png"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("no failure screenshot: %v", err)
		return
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Logf("no failure screenshot: %v", err)
		return
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	b.t.Logf("failure screenshot of %s: %s", loc, path)
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open loads a path (or a full URL) and waits for the page.
func (b *browser) open(path string) {
	b.t.Helper()
	u := path
	if !strings.HasPrefix(u, "http") {
		u = b.base + path
	}
	b.do("open "+path, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("body")))
}

// fill types value into the input with this id, replacing what it held.
func (b *browser) fill(id, value string) {
	b.t.Helper()
	b.do("fill #"+id, chromedp.Clear(chromedp.ID(id)), chromedp.SendKeys(chromedp.ID(id), value))
}

// click clicks the element of a CSS selector, without waiting for a page.
func (b *browser) click(css string) {
	b.t.Helper()
	b.do("click "+css, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// submit clicks the element of a CSS selector (a submit button), waits for
// the page it leads to, and returns its HTTP status.
func (b *browser) submit(css string) int64 {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("submit %s: %v", css, err)
	}
	return res.Status
}

// text is the visible text of the first element of a CSS selector.
func (b *browser) text(css string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// value is the current value of the input with this id.
func (b *browser) value(id string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.ID(id)))
	if err != nil {
		b.t.Fatalf("value of #%s: %v", id, err)
	}
	return s
}

// path is the path and query of the page the tab shows.
func (b *browser) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// wantPath fails unless the tab shows path (ignoring the query).
func (b *browser) wantPath(path string) {
	b.t.Helper()
	got := b.path()
	if i := strings.IndexByte(got, '?'); i >= 0 {
		got = got[:i]
	}
	if got != path {
		b.t.Fatalf("on %s, want %s", b.path(), path)
	}
}

// wantText fails unless the element of a CSS selector contains want.
func (b *browser) wantText(css, want string) {
	b.t.Helper()
	if got := b.text(css); !strings.Contains(got, want) {
		b.t.Fatalf("%s says %q, want it to contain %q", css, got, want)
	}
}

// screenshotsWanted reports whether this run writes the README screenshots
// (KADRA_SCREENSHOTS=1).
func screenshotsWanted() bool { return os.Getenv("KADRA_SCREENSHOTS") == "1" }

// docScreenshot writes the viewport (1280x800) to docs/NAME.png for the
// README, when KADRA_SCREENSHOTS=1.
func (b *browser) docScreenshot(name string) {
	b.t.Helper()
	if !screenshotsWanted() {
		return
	}
	// Show the top of the page, without the focus ring of the last field.
	b.do("scroll to the top", chromedp.Evaluate[chromedp.Void](
		`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`))
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join("..", "docs", name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("wrote %s", path)
}
