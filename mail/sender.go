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
	MarkMailFailed(ctx context.Context, id int64, reason string) error
	MailQueued() <-chan struct{}
}

// Config is where and how the sender delivers.
type Config struct {
	// URL is the SMTP server: smtp://user:pass@host:587 (STARTTLS when
	// offered) or smtps://user:pass@host:465 (implicit TLS).
	URL string
	// From is the sender address; empty means the SMTP user when it is an
	// address, else kadra@ the SMTP host.
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
	box     Outbox
	srv     server
	from    string
	poll    time.Duration
	timeout time.Duration
	backoff func(int) time.Duration
	log     *slog.Logger
	now     func() time.Time

	mu   sync.Mutex
	next map[int64]time.Time // when a failed message may be tried again
}

// NewSender checks cfg and returns a Sender; Run starts it.
func NewSender(box Outbox, cfg Config) (*Sender, error) {
	srv, err := parseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	s := &Sender{box: box, srv: srv, from: strings.TrimSpace(cfg.From), poll: cfg.Poll, timeout: cfg.Timeout,
		backoff: cfg.Backoff, log: cfg.Logger, now: time.Now, next: map[int64]time.Time{}}
	if s.from == "" {
		s.from = "kadra@" + srv.host
		if strings.Contains(srv.user, "@") {
			s.from = srv.user
		}
	}
	if err := gomail.NewMsg().From(s.from); err != nil {
		return nil, fmt.Errorf("smtp from %q: %w", s.from, err)
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

// String describes the server without its password; "" for a nil Sender.
func (s *Sender) String() string {
	if s == nil {
		return ""
	}
	return s.srv.String()
}

// Run delivers due mail until ctx ends: at start, whenever mail is queued,
// and every Poll. A nil Sender (no SMTP server configured) only waits, and
// mail stays in the outbox.
func (s *Sender) Run(ctx context.Context) {
	if s == nil {
		<-ctx.Done()
		return
	}
	s.log.Info("mail: delivering the outbox", "smtp", s.srv.String(), "from", s.from)
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
		ok, bad := s.sendBatch(ctx, due)
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
func (s *Sender) sendBatch(ctx context.Context, msgs []db.OutboxMail) (sent, failed int) {
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
			if c, err = s.dial(ctx); err != nil {
				// The server is out of reach: every message waits.
				c = nil
				for _, m := range msgs[i:] {
					s.failed(ctx, m, err)
				}
				return sent, failed + len(msgs) - i
			}
		}
		msg, err := s.message(m)
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

func (s *Sender) dial(ctx context.Context) (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.srv.port), gomail.WithTimeout(s.timeout)}
	if s.srv.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.srv.user != "" {
		// PLAIN and LOGIN refuse to send the password without TLS unless
		// the server is this machine.
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256,
			gomail.SMTPAuthPlain, gomail.SMTPAuthLogin, gomail.SMTPAuthCramMD5),
			gomail.WithUsername(s.srv.user), gomail.WithPassword(s.srv.pass))
	}
	c, err := gomail.NewClient(s.srv.host, opts...)
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := c.DialWithContext(dctx); err != nil {
		return nil, fmt.Errorf("connect to %s: %w", s.srv.String(), err)
	}
	return c, nil
}

// message builds the MIME message of an outbox row: plain text, UTF-8,
// quoted-printable.
func (s *Sender) message(m db.OutboxMail) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.from); err != nil {
		return nil, err
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
	if err := s.box.MarkMailFailed(ctx, m.ID, err.Error()); err != nil && ctx.Err() == nil {
		s.log.Warn("mail: record failure", "id", m.ID, "err", err)
	}
	s.mu.Lock()
	s.next[m.ID] = s.now().Add(wait)
	s.mu.Unlock()
}
