package db

import (
	"context"
	"database/sql"
	"time"

	"kadra/db/internal/sqlcdb"
)

// NotifyEmailTTL is how long the link confirming a new notification
// address works.
const NotifyEmailTTL = 48 * time.Hour

const tokenNotifyEmail = "notify_email"

// sendNotifyConfirm issues the link confirming to as u's notification
// address (replacing any earlier one) and mails it there, in lang when the
// user chose one.
func (t *tx) sendNotifyConfirm(u sqlcdb.User, to, lang string) error {
	raw, hash, err := newSecret("")
	if err != nil {
		return err
	}
	if err := t.DeleteUserTokensOfKind(t.ctx, sqlcdb.DeleteUserTokensOfKindParams{UserID: u.ID,
		Kind: tokenNotifyEmail}); err != nil {
		return err
	}
	now := t.d.now()
	if err := t.CreateEmailToken(t.ctx, sqlcdb.CreateEmailTokenParams{IDHash: hash, UserID: u.ID,
		CreatedAt: now.Unix(), ExpiresAt: sql.NullInt64{Int64: now.Add(NotifyEmailTTL).Unix(), Valid: true},
		Email: to}); err != nil {
		return err
	}
	_, err = t.queueUserMail(u, to, mailNotifyConfirm, lang, mailData{Link: t.d.mail.baseURL + "/confirm-email/" + raw,
		Hours: int(NotifyEmailTTL / time.Hour), NewEmail: to})
	return err
}

// PendingNotifyEmail is the notification address the actor asked for and
// has not confirmed yet, or "" (the link expired, was used, or none was
// sent).
func (d *DB) PendingNotifyEmail(ctx context.Context, a Actor) (string, error) {
	if a.UserID == 0 {
		return "", errUnauthorized
	}
	rows, err := d.rq.ListUserTokens(ctx, sqlcdb.ListUserTokensParams{UserID: a.UserID, Kind: tokenNotifyEmail})
	if err != nil {
		return "", err
	}
	for _, r := range rows {
		if !r.UsedAt.Valid && r.ExpiresAt.Valid && d.unix() < r.ExpiresAt.Int64 {
			return r.Email, nil
		}
	}
	return "", nil
}

// NotifyLink is what the confirmation page says about a link.
type NotifyLink struct {
	FullName, Email, NewEmail string
}

// CheckNotifyLink tells whether a confirmation link still works, for the
// page that asks to confirm (a GET changes nothing: mail scanners open
// links). Returns ENOTFOUND (token.invalid) otherwise.
func (d *DB) CheckNotifyLink(ctx context.Context, raw string) (NotifyLink, error) {
	tok, u, err := d.liveNotifyToken(ctx, d.rq, raw)
	if err != nil {
		return NotifyLink{}, err
	}
	return NotifyLink{FullName: u.FullName, Email: u.Email, NewEmail: tok.Email}, nil
}

// liveNotifyToken is a usable notification-address link of a user who is
// not blocked, or errTokenInvalid.
func (d *DB) liveNotifyToken(ctx context.Context, q *sqlcdb.Queries, raw string) (sqlcdb.Token, sqlcdb.User, error) {
	tok, u, err := d.usableToken(ctx, q, tokenNotifyEmail, raw)
	if err == nil && u.Status == StatusBlocked {
		return tok, u, errTokenInvalid
	}
	return tok, u, err
}

// ConfirmNotifyEmail makes the address a link was sent to the user's
// notification e-mail (R-PROF-1). The link works once; the old address
// gets a notice. Audited as the user. lang is the page's language, for the
// notice when the user chose none. Returns ENOTFOUND (token.invalid) for a
// link that does not work.
func (d *DB) ConfirmNotifyEmail(ctx context.Context, raw, ip, lang string) (string, error) {
	tok, u, err := d.liveNotifyToken(ctx, d.rq, raw)
	if err != nil {
		return "", err
	}
	a := Actor{UserID: u.ID, Email: u.Email, Name: u.FullName, AccountID: u.AccountID, IP: ip, Lang: u.Lang}
	if a.Lang == "" {
		a.Lang = lang
	}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		// Used in this transaction, so that two clicks confirm once.
		if n, err := t.UseToken(ctx, sqlcdb.UseTokenParams{IDHash: tok.IDHash, Kind: tokenNotifyEmail,
			UsedAt: sql.NullInt64{Int64: d.unix(), Valid: true}}); err != nil {
			return nil, err
		} else if n == 0 {
			return nil, errTokenInvalid
		}
		before, err := t.GetUser(ctx, u.ID)
		if err != nil {
			return nil, notFound(err)
		}
		if err := t.SetUserNotifyEmail(ctx, sqlcdb.SetUserNotifyEmailParams{ID: u.ID, NotifyEmail: tok.Email,
			UpdatedAt: d.unix()}); err != nil {
			return nil, err
		}
		if old := mailTo(before); !equalFoldASCII(old, tok.Email) {
			if _, err := t.queueUserMail(before, old, mailNotifyChanged, a.Lang, mailData{NewEmail: tok.Email}); err != nil {
				return nil, err
			}
		}
		return one(change{Action: "user.notify_email", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			AccountID: u.AccountID, Before: map[string]string{"notify_email": before.NotifyEmail},
			After: map[string]string{"notify_email": tok.Email}}), nil
	})
	return tok.Email, err
}
