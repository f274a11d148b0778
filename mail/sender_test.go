package mail

import (
	"context"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"kadra/db"
	"kadra/mail/mailtest"
)

// fakeBox is an in-memory outbox with the ordering and marks of the real
// one (db.DueMail, MarkMailSent, MarkMailFailed).
type fakeBox struct {
	mu       sync.Mutex
	mails    map[int64]*db.OutboxMail
	nextID   int64
	queued   chan struct{}
	settings db.MailSettings
	override string
}

func newFakeBox() *fakeBox {
	return &fakeBox{mails: map[int64]*db.OutboxMail{}, queued: make(chan struct{}, 1)}
}

func (b *fakeBox) add(to, subject, body string) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	b.mails[b.nextID] = &db.OutboxMail{ID: b.nextID, To: to, Subject: subject, Body: body, CreatedAt: time.Now()}
	select {
	case b.queued <- struct{}{}:
	default:
	}
	return b.nextID
}

func (b *fakeBox) get(id int64) db.OutboxMail {
	b.mu.Lock()
	defer b.mu.Unlock()
	return *b.mails[id]
}

// retry is what db.RetryMail does: the error goes, the attempts stay.
func (b *fakeBox) retry(id int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.mails[id].Error = ""
}

func (b *fakeBox) DueMail(_ context.Context, limit int) ([]db.OutboxMail, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []db.OutboxMail
	for _, m := range b.mails {
		if m.SentAt == nil {
			out = append(out, *m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, c := out[i], out[j]
		if (a.Error != "") != (c.Error != "") {
			return a.Error == ""
		}
		if a.Attempts != c.Attempts {
			return a.Attempts < c.Attempts
		}
		return a.ID < c.ID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (b *fakeBox) MarkMailSent(_ context.Context, id int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.mails[id].SentAt, b.mails[id].Error = &now, ""
	b.mails[id].Attempts++
	return nil
}

func (b *fakeBox) MarkMailFailed(_ context.Context, id int64, reason string, retryAt time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.mails[id].Attempts++
	b.mails[id].Error = reason
	b.mails[id].RetryAt = &retryAt
	return nil
}

func (b *fakeBox) MailTransport(context.Context) (db.MailSettings, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.settings, nil
}

func (b *fakeBox) SetMailOverride(server string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.override = server
}

func (b *fakeBox) MailQueued() <-chan struct{} { return b.queued }

func newTestSender(t *testing.T, box Outbox, url string) (*Sender, *time.Time) {
	t.Helper()
	s, err := NewSender(box, Config{URL: url, From: "kadra@example.pl", Timeout: 5 * time.Second,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	return s, &now
}

func TestSenderDeliversThroughSMTP(t *testing.T) {
	srv := mailtest.Start(t, "kadra", "sekret p@ss")
	box := newFakeBox()
	box.add("ola@example.pl", "Ustaw hasło do panelu „Biuro” (kadra)", "Dzień dobry,\n\nhttp://localhost:8080/activate/abc\n")
	box.add("jan@example.pl", "Second", "Body two\n")
	s, _ := newTestSender(t, box, srv.URL)
	sent, failed := s.DeliverDue(context.Background())
	if sent != 2 || failed != 0 {
		t.Fatalf("sent %d failed %d", sent, failed)
	}
	got := srv.Wait(t, 2, 5*time.Second)
	m := got[0]
	if m.From != "kadra@example.pl" || len(m.To) != 1 || m.To[0] != "ola@example.pl" {
		t.Fatalf("envelope %s -> %v", m.From, m.To)
	}
	if m.Subject != "Ustaw hasło do panelu „Biuro” (kadra)" || !strings.Contains(m.Body, "Dzień dobry,") ||
		!strings.Contains(m.Body, "http://localhost:8080/activate/abc") {
		t.Fatalf("message %q:\n%s", m.Subject, m.Body)
	}
	if m.Header.Get("Auto-Submitted") != "auto-generated" || !strings.HasPrefix(m.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("headers %v", m.Header)
	}
	if box.get(1).SentAt == nil || box.get(2).SentAt == nil {
		t.Fatal("not marked sent")
	}
	if sent, _ := s.DeliverDue(context.Background()); sent != 0 {
		t.Fatalf("sent %d twice", sent)
	}
}

// A refused message stays in the outbox with its error and attempts, waits
// its back-off, and goes once the server accepts: never dropped.
func TestSenderRetriesRefusedMailWithBackoff(t *testing.T) {
	srv := mailtest.Start(t, "", "")
	srv.Refuse(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"})
	box := newFakeBox()
	id := box.add("ola@example.pl", "Hello", "Body\n")
	s, now := newTestSender(t, box, srv.URL)
	ctx := context.Background()

	if sent, failed := s.DeliverDue(ctx); sent != 0 || failed != 1 {
		t.Fatalf("sent %d failed %d", sent, failed)
	}
	m := box.get(id)
	if m.Attempts != 1 || !strings.Contains(m.Error, "451") || m.SentAt != nil {
		t.Fatalf("after a refusal: %+v", m)
	}
	// Within the back-off nothing is tried.
	*now = now.Add(DefaultBackoff(1) - time.Second)
	if _, failed := s.DeliverDue(ctx); failed != 0 || srv.Refused() != 1 {
		t.Fatalf("tried again within the back-off: failed %d, refused %d", failed, srv.Refused())
	}
	*now = now.Add(time.Second)
	if _, failed := s.DeliverDue(ctx); failed != 1 || srv.Refused() != 2 || box.get(id).Attempts != 2 {
		t.Fatalf("after the back-off: failed %d, refused %d", failed, srv.Refused())
	}
	// The second back-off is longer; a retry asked for skips it.
	*now = now.Add(DefaultBackoff(1))
	if _, failed := s.DeliverDue(ctx); failed != 0 {
		t.Fatal("the back-off did not grow")
	}
	srv.Refuse(nil)
	box.retry(id)
	if sent, _ := s.DeliverDue(ctx); sent != 1 {
		t.Fatalf("retry now: sent %d", sent)
	}
	if m := box.get(id); m.SentAt == nil || m.Error != "" || m.Attempts != 3 {
		t.Fatalf("after delivery: %+v", m)
	}
	srv.Wait(t, 1, 5*time.Second)
}

// When the server cannot be reached every message waits with the reason.
func TestSenderUnreachableServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	box := newFakeBox()
	a, b := box.add("a@example.pl", "A", "a"), box.add("b@example.pl", "B", "b")
	s, _ := newTestSender(t, box, "smtp://"+addr)
	if sent, failed := s.DeliverDue(context.Background()); sent != 0 || failed != 2 {
		t.Fatalf("sent %d failed %d", sent, failed)
	}
	for _, id := range []int64{a, b} {
		if m := box.get(id); m.Attempts != 1 || !strings.Contains(m.Error, "connect to") {
			t.Fatalf("%+v", m)
		}
	}
}

// Run sends new mail as soon as it is queued, and stops with its context.
func TestSenderRunWakesOnQueuedMail(t *testing.T) {
	srv := mailtest.Start(t, "", "")
	box := newFakeBox()
	s, err := NewSender(box, Config{URL: srv.URL, Poll: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	box.add("late@example.pl", "Late", "body")
	if m := srv.Wait(t, 1, 5*time.Second); m[0].From != "kadra@127.0.0.1" {
		t.Fatalf("default From %q", m[0].From)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		in, want string
		port     int
		tls      bool
		user     string
		pass     string
	}{
		{in: "smtp://mail.example.pl", want: "smtp://mail.example.pl:587 (STARTTLS when offered)", port: 587},
		{in: "smtp://u%40x.pl:p%3Ass@mail.example.pl:2525", want: "smtp://u@x.pl@mail.example.pl:2525 (STARTTLS when offered)",
			port: 2525, user: "u@x.pl", pass: "p:ss"},
		{in: "smtps://kadra:secret@mail.example.pl", want: "smtps://kadra@mail.example.pl:465 (TLS)", port: 465, tls: true,
			user: "kadra", pass: "secret"},
	} {
		s, err := parseURL(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if s.String() != c.want || s.port != c.port || (s.tls == db.MailTLSImplicit) != c.tls || s.user != c.user || s.pass != c.pass {
			t.Fatalf("%s: %+v %q", c.in, s, s.String())
		}
		if strings.Contains(s.String(), "secret") {
			t.Fatalf("password shown: %s", s)
		}
	}
	for _, bad := range []string{"", "http://mail.example.pl", "smtp://", "smtp://h:0", "smtp://h:x", "smtp://h:70000", "::"} {
		if _, err := parseURL(bad); err == nil {
			t.Fatalf("%q accepted", bad)
		}
	}
	if _, err := NewSender(newFakeBox(), Config{URL: "smtp://h", From: "not an address"}); err == nil {
		t.Fatal("bad From accepted")
	}
}

func TestDefaultBackoff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i, w := range want {
		if got := DefaultBackoff(i + 1); got != w {
			t.Fatalf("attempt %d: %s, want %s", i+1, got, w)
		}
	}
	if got := DefaultBackoff(1000); got != time.Hour {
		t.Fatalf("cap: %s", got)
	}
}
