package e2e

import (
	"context"
	"log/slog"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/mail"
	"kadra/mail/mailtest"
)

// R-MAIL-1: in Polish, the owner sets up mail in Settings → Poczta, sends
// the test message and reads the server's answer on the page; the mail
// that waited (counted in the navigation) then goes out.
func TestBrowserMailSettings(t *testing.T) {
	srv := mailtest.Start(t, "", "")
	d, owner := dbtest.Setup(t)
	snd, err := mail.NewSender(d, mail.Config{Logger: slog.New(slog.DiscardHandler), Poll: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { snd.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	dbtest.NewUser(t, d, owner, db.UserInput{Email: "jan@example.pl", SendInvite: true})

	b := signedIn(t, d, "owner@example.pl")
	b.submit(`button[name=lang][value=pl]`)
	b.open("/settings")
	b.wantText(`.main-nav a[href="/outbox"]`, "Skrzynka nadawcza 1")
	b.wantText("#mail", "Nie ustawiono serwera SMTP")
	u, _ := url.Parse(srv.URL)
	host, port, _ := net.SplitHostPort(u.Host)
	b.fill("f-host", host)
	b.do("tls", chromedp.SetValue(chromedp.ID("f-tls"), "none"))
	b.fill("f-port", port)
	b.fill("f-from", "biuro@example.pl")
	b.fill("f-from_name", "Biuro Rachunkowe Nowak")
	b.submit(`form[action="/settings/mail"] button[type=submit]`)
	b.wantText(".flash", "Zapisano ustawienia poczty.")
	srv.Wait(t, 1, 10*time.Second)

	b.fill("f-test_to", "proba@example.pl")
	b.submit(`form[action^="/settings/mail/test"] button[type=submit]`)
	b.wantText("#mail .answer.ok", "Serwer SMTP przyjął wiadomość testową do proba@example.pl.")
	b.shot("mail-settings")
	srv.Wait(t, 2, 10*time.Second)
}
