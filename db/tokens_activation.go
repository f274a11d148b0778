package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// How long the links in activation and reset mail work (R-USER-11).
const (
	ActivationTTL = 72 * time.Hour
	ResetTTL      = 2 * time.Hour
)

// The forgot-password form's limits: per address (whether or not anyone
// has it) and per client IP, within forgotWindow.
const (
	forgotPerAddress = 3
	forgotPerIP      = 20
	forgotWindow     = time.Hour
)

// errTokenInvalid is the one answer for an unknown, expired, used or voided
// link, so that none is told from another.
var errTokenInvalid = Errorf(ENOTFOUND, "token.invalid")

// issueToken replaces the user's tokens of kind with a new one valid for
// ttl, and returns its secret; only the SHA-256 is stored.
func (t *tx) issueToken(userID int64, kind string, ttl time.Duration) (string, error) {
	raw, hash, err := newSecret("")
	if err != nil {
		return "", err
	}
	if err := t.DeleteUserTokensOfKind(t.ctx, sqlcdb.DeleteUserTokensOfKindParams{UserID: userID, Kind: kind}); err != nil {
		return "", err
	}
	now := t.d.now()
	err = t.CreateToken(t.ctx, sqlcdb.CreateTokenParams{IDHash: hash, UserID: userID, Kind: kind,
		CreatedAt: now.Unix(), ExpiresAt: sql.NullInt64{Int64: now.Add(ttl).Unix(), Valid: true}})
	return raw, err
}

// sendTokenMail issues a token of kind (mailActivation or mailReset) for u
// and queues the mail carrying its link. It says which mail went where,
// and how it leaves.
func (t *tx) sendTokenMail(u sqlcdb.User, kind, lang string) (QueuedMail, error) {
	ttl, path := ActivationTTL, "/activate/"
	if kind == mailReset {
		ttl, path = ResetTTL, "/reset-password/"
	}
	raw, err := t.issueToken(u.ID, kind, ttl)
	if err != nil {
		return QueuedMail{}, err
	}
	link := t.d.mail.baseURL + path + raw
	q := QueuedMail{Kind: kind, To: mailTo(u)}
	if q.ID, err = t.queueMail(u, kind, lang, link, int(ttl/time.Hour)); err != nil {
		return QueuedMail{}, err
	}
	q.Delivery, err = t.d.mailDelivery(t.ctx, t.Queries)
	return q, err
}

// QueuedMail says which mail an action queued, where it goes, and whether
// anything will send it (R-MAIL-1): the handler's message must not say
// "sent" of a mail that only waits in the outbox.
type QueuedMail struct {
	Kind string `json:"kind"` // "activation", "reset" or "test"
	To   string `json:"to"`
	// Delivery is MailViaSMTP (handed to the sender) or MailToOutbox (no
	// SMTP server: it waits in the outbox for the owner).
	Delivery string `json:"delivery"`
	ID       int64  `json:"-"` // the outbox row, for AwaitMail
}

// ResetPassword is "Reset password" of the user list's row menu and the API
// (R-USER-12): an invited user gets the activation mail again, with a new
// link (the old one stops working); an active user gets a single-use reset
// link; a user who was neither invited nor given a password becomes invited
// and gets the activation mail. The mail goes to the notification e-mail
// when set (R-USER-3). Needs users.manage. Returns ENOTFOUND for a user
// outside the acting account, ECONFLICT for a blocked user.
func (d *DB) ResetPassword(ctx context.Context, a Actor, userID int64) (QueuedMail, error) {
	if err := requireAct(a, ActResetPassword); err != nil {
		return QueuedMail{}, err
	}
	var sent QueuedMail
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.GetUser(ctx, userID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && u.AccountID != a.AccountID && !a.system) {
			return nil, Errorf(ENOTFOUND, "error.user_not_found")
		} else if err != nil {
			return nil, err
		}
		if err := t.mayActOnUser(ActResetPassword, u); err != nil {
			return nil, err
		}
		c := change{TargetType: "user", TargetID: u.ID, TargetLabel: u.Email, AccountID: u.AccountID}
		switch u.Status {
		case StatusBlocked:
			return nil, Errorf(ECONFLICT, "reset.blocked")
		case StatusActive:
			sent.Kind, c.Action = mailReset, "user.reset_mail"
		case StatusInactive:
			if err := t.SetUserStatus(ctx, sqlcdb.SetUserStatusParams{ID: u.ID, Status: StatusInvited,
				UpdatedAt: d.unix()}); err != nil {
				return nil, err
			}
			c.Before = map[string]string{"status": StatusInactive}
			fallthrough
		default: // invited
			sent.Kind, c.Action = mailActivation, "user.activation_mail"
		}
		if sent, err = t.sendTokenMail(u, sent.Kind, ""); err != nil {
			return nil, err
		}
		c.After = map[string]string{"status": statusAfter(u.Status), "mail_to": sent.To}
		return one(c), nil
	})
	if err != nil {
		return QueuedMail{}, err
	}
	d.wakeMailer()
	return sent, nil
}

func statusAfter(s string) string {
	if s == StatusInactive {
		return StatusInvited
	}
	return s
}

// ForgotPasswordInput is the sign-in page's "forgot password" form.
type ForgotPasswordInput struct {
	Email string `form:"email" json:"email"`
	IP    string `form:"-" json:"-"`
	Lang  string `form:"-" json:"-"` // the page's language, for the mail
}

// CheckPasswordResetRequest is the first half of "forgot password"
// (R-USER-12): it checks the address and counts the request against the
// limits, and reads nothing about the address, so that it costs the same
// whether or not anyone has it. The caller answers at once and runs
// SendPasswordReset with the returned input afterwards, off the request,
// so that the answer's timing cannot tell the addresses apart either.
// Returns EINVALID for a malformed address, and ETOOMANY past
// forgotPerAddress requests for one address or forgotPerIP from one IP
// within forgotWindow (again the same for any address).
func (d *DB) CheckPasswordResetRequest(ctx context.Context, in ForgotPasswordInput) (ForgotPasswordInput, error) {
	in.Email = normalEmail(in.Email)
	var v ValidationError
	checkEmail(&v, "email", in.Email, true)
	if err := v.Err(); err != nil {
		return in, err
	}
	now := d.now()
	for _, l := range []struct {
		key   string
		limit int
	}{{"ip:" + in.IP, forgotPerIP}, {"email:" + strings.ToLower(in.Email), forgotPerAddress}} {
		if ok, wait := d.mail.limits.allow(l.key, l.limit, forgotWindow, now); !ok {
			return in, Errorf(ETOOMANY, "forgot.too_many", "Count", max(1, int(wait.Minutes()+0.999)))
		}
	}
	return in, nil
}

// SendPasswordReset is the second half of "forgot password", for a request
// CheckPasswordResetRequest accepted: an active user gets a reset link, an
// invited user the activation mail again, and nobody else (unknown,
// blocked or inactive) gets anything. Every request is audited, so admins
// see who asked for whom.
func (d *DB) SendPasswordReset(ctx context.Context, in ForgotPasswordInput) error {
	email := normalEmail(in.Email)
	u, err := d.rq.GetUserByEmail(ctx, email)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	a := Actor{IP: in.IP, Lang: in.Lang}
	if u.ID != 0 {
		a.UserID, a.Email, a.Name, a.AccountID = u.ID, u.Email, u.FullName, u.AccountID
	}
	mailed := false
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		c := change{Action: "user.password_reset_request", TargetType: "user", TargetID: u.ID,
			TargetLabel: truncate(email, 254), AccountID: u.AccountID}
		kind := ""
		switch {
		case u.ID == 0:
			c.TargetType = "email"
		case u.Status == StatusActive:
			kind = mailReset
		case u.Status == StatusInvited:
			kind = mailActivation
		}
		result := map[string]string{"mailed": "no"}
		if kind != "" {
			q, err := t.sendTokenMail(u, kind, in.Lang)
			if err != nil {
				return nil, err
			}
			result = map[string]string{"mailed": kind, "mail_to": q.To}
			mailed = true
		} else if u.ID != 0 {
			result["status"] = u.Status
		}
		c.After = result
		return one(c), nil
	})
	if err != nil {
		return err
	}
	if mailed {
		d.wakeMailer()
	}
	return nil
}

// TokenInfo is what the page behind a link shows before the password is
// set: whose account it is and until when the link works.
type TokenInfo struct {
	Kind      string
	Email     string
	FullName  string
	ExpiresAt time.Time
}

// CheckToken tells whether a link's token of kind ("activation" or
// "reset") still works, for the page that asks for the password.
// Returns ENOTFOUND (token.invalid) for an unknown, expired, used or voided
// token, or one whose user may no longer use it.
func (d *DB) CheckToken(ctx context.Context, kind, raw string) (TokenInfo, error) {
	tok, u, err := d.liveToken(ctx, d.rq, kind, raw)
	if err != nil {
		return TokenInfo{}, err
	}
	return TokenInfo{Kind: kind, Email: u.Email, FullName: u.FullName,
		ExpiresAt: time.Unix(tok.ExpiresAt.Int64, 0).UTC()}, nil
}

// usableToken returns an unused, unexpired token of kind and its user, or
// errTokenInvalid; each kind adds what the user's state must be.
func (d *DB) usableToken(ctx context.Context, q *sqlcdb.Queries, kind, raw string) (sqlcdb.Token, sqlcdb.User, error) {
	if raw == "" || len(raw) > 100 {
		return sqlcdb.Token{}, sqlcdb.User{}, errTokenInvalid
	}
	tok, err := q.GetToken(ctx, sqlcdb.GetTokenParams{IDHash: hashSecret(raw), Kind: kind})
	if errors.Is(err, sql.ErrNoRows) {
		return tok, sqlcdb.User{}, errTokenInvalid
	} else if err != nil {
		return tok, sqlcdb.User{}, err
	}
	if tok.UsedAt.Valid || !tok.ExpiresAt.Valid || d.unix() >= tok.ExpiresAt.Int64 {
		return tok, sqlcdb.User{}, errTokenInvalid
	}
	u, err := q.GetUser(ctx, tok.UserID)
	if errors.Is(err, sql.ErrNoRows) {
		return tok, u, errTokenInvalid
	}
	return tok, u, err
}

// liveToken returns a usable token of kind and its user, or errTokenInvalid.
// An activation token needs an invited user, a reset token an active one.
func (d *DB) liveToken(ctx context.Context, q *sqlcdb.Queries, kind, raw string) (sqlcdb.Token, sqlcdb.User, error) {
	if kind != mailActivation && kind != mailReset {
		return sqlcdb.Token{}, sqlcdb.User{}, errTokenInvalid
	}
	tok, u, err := d.usableToken(ctx, q, kind, raw)
	if err != nil {
		return tok, u, err
	}
	want := StatusActive
	if kind == mailActivation {
		want = StatusInvited
	}
	if u.Status != want {
		return tok, u, errTokenInvalid
	}
	return tok, u, nil
}

// NewPasswordInput is the form behind an activation or reset link.
type NewPasswordInput struct {
	Token           string `form:"-" json:"-"`
	Password        string `form:"password" json:"password"`
	PasswordConfirm string `form:"password_confirm" json:"password_confirm"`
	IP              string `form:"-" json:"-"`
}

// Activate sets an invited user's first password through the link of the
// activation mail and makes them active (R-USER-11). The link then stops
// working. Returns ENOTFOUND (token.invalid) for a link that does not work,
// EINVALID per field for a password the policy refuses (R-USER-4).
func (d *DB) Activate(ctx context.Context, in NewPasswordInput) error {
	return d.setPasswordByToken(ctx, mailActivation, in)
}

// CompleteReset sets a new password through the link of a reset mail
// (R-USER-12), ends every session of the user and clears their sign-in
// failures. The link then stops working. Returns ENOTFOUND (token.invalid)
// for a link that does not work, EINVALID per field for a password the
// policy refuses (R-USER-4).
func (d *DB) CompleteReset(ctx context.Context, in NewPasswordInput) error {
	return d.setPasswordByToken(ctx, mailReset, in)
}

func (d *DB) setPasswordByToken(ctx context.Context, kind string, in NewPasswordInput) error {
	_, u, err := d.liveToken(ctx, d.rq, kind, in.Token)
	if err != nil {
		return err
	}
	policy, err := d.PasswordPolicy(ctx)
	if err != nil {
		return err
	}
	var v ValidationError
	checkNewPassword(&v, policy, "password", in.Password, "password_confirm", in.PasswordConfirm, u.FullName, u.Email)
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := d.hasher.Hash(ctx, in.Password)
	if err != nil {
		return err
	}
	return d.update(ctx, Actor{IP: in.IP}, func(t *tx) ([]change, error) {
		// Checked again inside the transaction: two submits of one link
		// must not both succeed.
		tok, u, err := d.liveToken(ctx, t.Queries, kind, in.Token)
		if err != nil {
			return nil, err
		}
		t.a.UserID, t.a.Email, t.a.Name, t.a.AccountID = u.ID, u.Email, u.FullName, u.AccountID
		now := d.unix()
		if n, err := t.UseToken(ctx, sqlcdb.UseTokenParams{IDHash: tok.IDHash, Kind: kind,
			UsedAt: sql.NullInt64{Int64: now, Valid: true}}); err != nil {
			return nil, err
		} else if n != 1 {
			return nil, errTokenInvalid
		}
		// The user's other links, of either kind, die with the change.
		if err := t.setPassword(u.ID, hash); err != nil {
			return nil, err
		}
		if err := t.ClearEmailFailures(ctx, u.Email); err != nil {
			return nil, err
		}
		c := change{TargetType: "user", TargetID: u.ID, TargetLabel: u.Email, AccountID: u.AccountID}
		if kind == mailActivation {
			c.Action = "user.activate"
			c.Before, c.After = map[string]string{"status": u.Status}, map[string]string{"status": StatusActive}
			return one(c), t.SetUserStatus(ctx, sqlcdb.SetUserStatusParams{ID: u.ID, Status: StatusActive,
				UpdatedAt: now})
		}
		n, err := t.DeleteUserSessions(ctx, u.ID)
		c.Action, c.After = "user.password_reset", map[string]int64{"sessions_ended": n}
		return one(c), err
	})
}
