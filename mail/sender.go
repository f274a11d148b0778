package mail

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"kadra/db"
)

// Outbox is the part of *db.DB the sender uses.
type Outbox interface {
	DueMail(ctx context.Context, limit int) ([]db.OutboxMail, error)
	MarkMailSent(ctx context.Context, id int64) error
	MarkMailFailed(ctx context.Context, id int64, reason string, retryAt time.Time) error
	MailQueued() <-chan struct{}
	// MailTransport is Settings → Poczta, read on every round.
	MailTransport(ctx context.Context) (db.MailSettings, error)
	// SetMailOverride records that --smtp-url overrides the settings.
	SetMailOverride(server string)
}

// Config is where and how the sender delivers.
type Config struct {
	// URL is the SMTP server of --smtp-url: smtp://user:pass@host:587
	// (STARTTLS when offered) or smtps://user:pass@host:465 (implicit TLS).
	// It overrides Settings → Poczta; empty means the settings, read
	// afresh on every round.
	URL string
	// From is the sender address with URL; empty means the SMTP user when
	// it is an address, else kadra@ the SMTP host.
	From string
	// Poll is how often the outbox is read besides the wake-ups that new
	// mail sends; zero means 30 s.
	Poll time.Duration
	// Timeout bounds connecting and each SMTP exchange; zero means 30 s.
	Timeout time.Duration
	// Backoff is the wait after a message's n-th failed attempt; nil means
	// 30 s doubling up to an hour. A message is retried for ever.
	Backoff func(attempts int) time.Duration
	Logger  *slog.Logger
}

// batchSize is how many messages one connection sends at most.
const batchSize = 50

// Sender delivers the outbox through SMTP.
type Sender struct {
	box      Outbox
	override *server // from --smtp-url; nil: Settings → Poczta
	poll     time.Duration
	timeout  time.Duration
	backoff  func(int) time.Duration
	log      *slog.Logger
	now      func() time.Time

	mu   sync.Mutex
	next map[int64]time.Time // when a failed message may be tried again
	last server              // the server of the last round, to see a change
}

// NewSender checks cfg and returns a Sender; Run starts it.
func NewSender(box Outbox, cfg Config) (*Sender, error) {
	s := &Sender{box: box, poll: cfg.Poll, timeout: cfg.Timeout,
		backoff: cfg.Backoff, log: cfg.Logger, now: time.Now, next: map[int64]time.Time{}}
	if strings.TrimSpace(cfg.URL) != "" {
		srv, err := parseURL(cfg.URL)
		if err != nil {
			return nil, err
		}
		srv.from = strings.TrimSpace(cfg.From)
		if err := gomail.NewMsg().From(srv.sender()); err != nil {
			return nil, fmt.Errorf("smtp from %q: %w", srv.sender(), err)
		}
		s.override = &srv
		box.SetMailOverride(srv.String())
	}
	if s.poll <= 0 {
		s.poll = 30 * time.Second
	}
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	if s.backoff == nil {
		s.backoff = DefaultBackoff
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// DefaultBackoff waits 30 s after the first failure, doubling up to an hour.
func DefaultBackoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// String describes the --smtp-url server without its password; "" when
// the settings give the server (or for a nil Sender).
func (s *Sender) String() string {
	if s == nil || s.override == nil {
		return ""
	}
	return s.override.String()
}

// server is the SMTP server of this round: --smtp-url, or the settings as
// they are now. When the settings changed, failed mail is tried again at
// once rather than after its back-off. It reports false when no server is
// set up: mail waits in the outbox.
func (s *Sender) server(ctx context.Context) (server, bool) {
	if s.override != nil {
		return *s.override, true
	}
	m, err := s.box.MailTransport(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("mail: read settings", "err", err)
		}
		return server{}, false
	}
	if !m.Configured() {
		return server{}, false
	}
	srv := fromSettings(m)
	s.mu.Lock()
	defer s.mu.Unlock()
	if srv != s.last {
		s.log.Info("mail: delivering through the settings' SMTP server", "smtp", srv.String(), "from", srv.sender())
		s.last = srv
		clear(s.next)
	}
	return srv, true
}

// Run delivers due mail until ctx ends: at start, whenever mail is queued
// (or the settings change), and every Poll. While no SMTP server is set up,
// mail stays in the outbox. A nil Sender only waits.
func (s *Sender) Run(ctx context.Context) {
	if s == nil {
		<-ctx.Done()
		return
	}
	if s.override != nil {
		s.log.Info("mail: delivering the outbox", "smtp", s.override.String(), "from", s.override.sender())
	}
	tick := time.NewTicker(s.poll)
	defer tick.Stop()
	for {
		s.DeliverDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.box.MailQueued():
		}
	}
}

// DeliverDue sends every message that is due: never tried, retry asked
// for, or past its back-off. It returns how many were sent and how many
// failed.
func (s *Sender) DeliverDue(ctx context.Context) (sent, failed int) {
	srv, ok := s.server(ctx)
	if !ok {
		return 0, 0
	}
	for ctx.Err() == nil {
		rows, err := s.box.DueMail(ctx, batchSize)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("mail: read outbox", "err", err)
			}
			return sent, failed
		}
		due := s.due(rows)
		if len(due) == 0 {
			return sent, failed
		}
		ok, bad := s.sendBatch(ctx, srv, due)
		sent, failed = sent+ok, failed+bad
		if len(rows) < batchSize || ok == 0 {
			return sent, failed
		}
	}
	return sent, failed
}

// due keeps the messages whose time has come. A message without an error
// is always due: new, or the owner asked for a retry.
func (s *Sender) due(rows []db.OutboxMail) []db.OutboxMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var out []db.OutboxMail
	for _, m := range rows {
		if at, ok := s.next[m.ID]; m.Error != "" && ok && now.Before(at) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// sendBatch sends msgs over one connection, opening a new one after a
// failed message (the old one may be unusable). When the server cannot be
// reached, every message left counts as failed.
func (s *Sender) sendBatch(ctx context.Context, srv server, msgs []db.OutboxMail) (sent, failed int) {
	var c *gomail.Client
	defer func() {
		if c != nil {
			_ = c.Close()
		}
	}()
	for i, m := range msgs {
		if ctx.Err() != nil {
			break
		}
		if c == nil {
			var err error
			if c, err = s.dial(ctx, srv); err != nil {
				// The server is out of reach: every message waits.
				c = nil
				for _, m := range msgs[i:] {
					s.failed(ctx, m, err)
				}
				return sent, failed + len(msgs) - i
			}
		}
		msg, err := s.message(srv, m)
		if err == nil {
			err = c.Send(msg)
		}
		if err != nil {
			s.failed(ctx, m, err)
			failed++
			_ = c.Close()
			c = nil
			continue
		}
		if err := s.box.MarkMailSent(ctx, m.ID); err != nil {
			s.log.Warn("mail: record sent", "id", m.ID, "err", err)
		}
		s.mu.Lock()
		delete(s.next, m.ID)
		s.mu.Unlock()
		sent++
	}
	return sent, failed
}

func (s *Sender) dial(ctx context.Context, srv server) (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(srv.port), gomail.WithTimeout(s.timeout)}
	switch srv.tls {
	case db.MailTLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case db.MailTLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case db.MailTLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if srv.user != "" {
		// PLAIN and LOGIN refuse to send the password without TLS unless
		// the server is this machine.
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256,
			gomail.SMTPAuthPlain, gomail.SMTPAuthLogin, gomail.SMTPAuthCramMD5),
			gomail.WithUsername(srv.user), gomail.WithPassword(srv.pass))
	}
	c, err := gomail.NewClient(srv.host, opts...)
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := c.DialWithContext(dctx); err != nil {
		return nil, fmt.Errorf("connect to %s: %w", srv.String(), err)
	}
	return c, nil
}

// message builds the MIME message of an outbox row: plain text, UTF-8,
// quoted-printable.
func (s *Sender) message(srv server, m db.OutboxMail) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	var err error
	if srv.fromName != "" {
		err = msg.FromFormat(srv.fromName, srv.sender())
	} else {
		err = msg.From(srv.sender())
	}
	if err != nil {
		return nil, fmt.Errorf("sender %q: %w", srv.sender(), err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	return msg, nil
}

// failed records a failed attempt and when to try again.
func (s *Sender) failed(ctx context.Context, m db.OutboxMail, err error) {
	attempts := m.Attempts + 1
	wait := s.backoff(attempts)
	s.log.Warn("mail: send failed, will retry", "id", m.ID, "attempt", attempts, "retry_in", wait.String(), "err", err)
	if err := s.box.MarkMailFailed(ctx, m.ID, err.Error(), s.now().Add(wait)); err != nil && ctx.Err() == nil {
		s.log.Warn("mail: record failure", "id", m.ID, "err", err)
	}
	s.mu.Lock()
	s.next[m.ID] = s.now().Add(wait)
	s.mu.Unlock()
}
