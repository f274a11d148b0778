package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"kadra/db/internal/sqlcdb"
)

// Mail statuses in the outbox.
const (
	MailPending = "pending" // not sent yet, no failure (or a retry was asked for)
	MailFailed  = "failed"  // the last attempt failed; the sender retries
	MailSent    = "sent"
)

// OutboxMail is one message in the outbox.
type OutboxMail struct {
	ID        int64      `json:"id"`
	AccountID int64      `json:"account_id"`
	To        string     `json:"to"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
	Attempts  int        `json:"attempts"`
	Error     string     `json:"error"`
	RetryAt   *time.Time `json:"retry_at"` // when a failed message is tried again
}

// Status is MailSent, MailFailed or MailPending.
func (m OutboxMail) Status() string {
	switch {
	case m.SentAt != nil:
		return MailSent
	case m.Error != "":
		return MailFailed
	default:
		return MailPending
	}
}

func outboxFrom(o sqlcdb.Outbox) OutboxMail {
	m := OutboxMail{ID: o.ID, AccountID: o.AccountID, To: o.ToAddr, Subject: o.Subject, Body: o.Body,
		CreatedAt: time.Unix(o.CreatedAt, 0).UTC(), Attempts: int(o.Attempts), Error: o.Error}
	if o.SentAt.Valid {
		t := time.Unix(o.SentAt.Int64, 0).UTC()
		m.SentAt = &t
	}
	if o.RetryAt.Valid {
		t := time.Unix(o.RetryAt.Int64, 0).UTC()
		m.RetryAt = &t
	}
	return m
}

// OutboxQuery is the outbox page's search, filter, order and page.
type OutboxQuery struct {
	Q       string `query:"q"`
	Status  string `query:"status"` // "", MailPending, MailFailed or MailSent
	Sort    string `query:"sort"`   // "newest" (default) or "oldest"
	Page    int    `query:"page"`
	PerPage int    `query:"per_page"`
}

// OutboxPage is one page of the outbox with the counts per status of the
// search (before the status filter).
type OutboxPage struct {
	Page[OutboxMail]
	Counts map[string]int // MailPending, MailFailed, MailSent and "all"
}

// requireMailReader lets only the owner read mail: it holds live activation and
// reset links.
func requireMailReader(a Actor) error {
	if !a.Valid() {
		return errUnauthorized
	}
	if !a.IsOwner && !a.system {
		return Errorf(EFORBIDDEN, "outbox.owner_only")
	}
	return nil
}

// ListOutbox returns a page of the acting account's outbox, newest first.
// Only the owner may read it. Returns EFORBIDDEN for anyone else.
func (d *DB) ListOutbox(ctx context.Context, a Actor, q OutboxQuery) (OutboxPage, error) {
	if err := requireMailReader(a); err != nil {
		return OutboxPage{}, err
	}
	q.Q = strings.ToLower(strings.TrimSpace(q.Q))
	if utf8.RuneCountInString(q.Q) > 200 {
		q.Q = string([]rune(q.Q)[:200])
	}
	switch q.Status {
	case "", MailPending, MailFailed, MailSent:
	default:
		q.Status = ""
	}
	q.Page, q.PerPage = normalPage(q.Page, q.PerPage, 50)
	counts, err := d.rq.CountMailByStatus(ctx, sqlcdb.CountMailByStatusParams{AccountID: a.AccountID, Q: q.Q})
	if err != nil {
		return OutboxPage{}, err
	}
	p := OutboxPage{Page: Page[OutboxMail]{Page: q.Page, PerPage: q.PerPage}, Counts: map[string]int{
		"all": int(counts.Total), MailPending: int(counts.Pending), MailFailed: int(counts.Failed),
		MailSent: int(counts.Sent)}}
	p.Total = p.Counts["all"]
	if q.Status != "" {
		p.Total = p.Counts[q.Status]
	}
	newest := int64(1)
	if q.Sort == "oldest" {
		newest = 0
	}
	rows, err := d.rq.ListMail(ctx, sqlcdb.ListMailParams{Newest: newest, AccountID: a.AccountID, Q: q.Q,
		Status: q.Status, Off: int64((q.Page - 1) * q.PerPage), Lim: int64(q.PerPage)})
	if err != nil {
		return OutboxPage{}, err
	}
	p.Items = make([]OutboxMail, len(rows))
	for i, r := range rows {
		p.Items[i] = outboxFrom(r)
	}
	return p, nil
}

// GetOutboxMail returns one message of the acting account's outbox, for
// the owner to read. Returns EFORBIDDEN for anyone else, ENOTFOUND for a
// message of another account.
func (d *DB) GetOutboxMail(ctx context.Context, a Actor, id int64) (OutboxMail, error) {
	if err := requireMailReader(a); err != nil {
		return OutboxMail{}, err
	}
	m, err := d.rq.GetMail(ctx, sqlcdb.GetMailParams{ID: id, AccountID: a.AccountID})
	if err != nil {
		return OutboxMail{}, notFound(err)
	}
	return outboxFrom(m), nil
}

// RetryMail asks the sender to try a failed message again now rather than
// after its back-off. Owner only. Returns ENOTFOUND for a message of another
// account, ECONFLICT for one that is sent or has not failed.
func (d *DB) RetryMail(ctx context.Context, a Actor, id int64) error {
	if err := requireMailReader(a); err != nil {
		return err
	}
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		m, err := t.GetMail(ctx, sqlcdb.GetMailParams{ID: id, AccountID: a.AccountID})
		if err != nil {
			return nil, err
		}
		n, err := t.Queries.RetryMail(ctx, sqlcdb.RetryMailParams{ID: id, AccountID: a.AccountID})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, Errorf(ECONFLICT, "outbox.not_failed")
		}
		return one(change{Action: "mail.retry", TargetType: "mail", TargetID: m.ID, TargetLabel: m.ToAddr,
			Before: map[string]any{"error": m.Error, "attempts": m.Attempts}}), nil
	})
	if err != nil {
		return err
	}
	d.wakeMailer()
	return nil
}

// DueMail returns up to limit unsent messages of every account for the
// sender: those never tried or whose retry was asked for first, then failed
// ones, the least tried first. It is the sender's, not a person's: no Actor.
func (d *DB) DueMail(ctx context.Context, limit int) ([]OutboxMail, error) {
	rows, err := d.rq.DueMail(ctx, int64(limit))
	if err != nil {
		return nil, err
	}
	out := make([]OutboxMail, len(rows))
	for i, r := range rows {
		out[i] = outboxFrom(r)
	}
	return out, nil
}

// MarkMailSent records a delivered message.
func (d *DB) MarkMailSent(ctx context.Context, id int64) error {
	defer d.mail.delivered()
	return sqlcdb.New(d.write).MarkMailSent(ctx, sqlcdb.MarkMailSentParams{ID: id,
		SentAt: sql.NullInt64{Int64: d.unix(), Valid: true}})
}

// MarkMailFailed records a failed attempt, why, and when the sender tries
// again; the message stays in the outbox for that attempt.
func (d *DB) MarkMailFailed(ctx context.Context, id int64, reason string, retryAt time.Time) error {
	defer d.mail.delivered()
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "unknown error"
	}
	if len(reason) > 1000 {
		reason = strings.ToValidUTF8(reason[:1000], "")
	}
	err := sqlcdb.New(d.write).MarkMailFailed(ctx, sqlcdb.MarkMailFailedParams{ID: id, Error: reason,
		RetryAt: sql.NullInt64{Int64: retryAt.Unix(), Valid: !retryAt.IsZero()}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// UnsentMailCount is how many mails of the acting account wait or failed,
// for the owner's navigation. Returns EFORBIDDEN for anyone but the owner.
func (d *DB) UnsentMailCount(ctx context.Context, a Actor) (int, error) {
	if err := requireMailReader(a); err != nil {
		return 0, err
	}
	n, err := d.rq.CountUnsentMail(ctx, a.AccountID)
	return int(n), err
}
