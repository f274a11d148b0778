package db

import (
	"context"
	"database/sql"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"kadra/db/internal/sqlcdb"
)

// User statuses.
const (
	StatusInvited  = "invited"
	StatusActive   = "active"
	StatusBlocked  = "blocked"
	StatusInactive = "inactive"
)

// User is a person who may sign in; field names follow DESIGN.md.
type User struct {
	ID           int64      `json:"id"`
	AccountID    int64      `json:"account_id"`
	Email        string     `json:"email"`
	NotifyEmail  string     `json:"notify_email"`
	FullName     string     `json:"full_name"`
	WorkPhone    string     `json:"work_phone"`
	Status       string     `json:"status"`
	RoleID       int64      `json:"role_id"`
	PositionID   int64      `json:"position_id,omitempty"`
	SIPAccountID int64      `json:"sip_account_id,omitempty"`
	CallNumberID int64      `json:"call_number_id,omitempty"`
	SMSSenderID  int64      `json:"sms_sender_id,omitempty"`
	IsOwner      bool       `json:"is_owner"`
	LastLoginAt  *time.Time `json:"last_login_at"`
	CreatedAt    time.Time  `json:"created_at"`
	// The user's own choices on their profile ("" = as the browser, as the
	// installation); shown only to the user themselves (GET /api/v1/me).
	Lang     string `json:"-"`
	TimeZone string `json:"-"`
}

func unixTime(s int64) time.Time { return time.Unix(s, 0).UTC() }

func unixTimePtr(s sql.NullInt64) *time.Time {
	if !s.Valid {
		return nil
	}
	t := unixTime(s.Int64)
	return &t
}

func userFrom(u sqlcdb.User) User {
	out := User{
		ID: u.ID, AccountID: u.AccountID, Email: u.Email, NotifyEmail: u.NotifyEmail,
		FullName: u.FullName, WorkPhone: u.WorkPhone, Status: u.Status, RoleID: u.RoleID,
		PositionID: u.PositionID.Int64, SIPAccountID: u.SipAccountID.Int64,
		CallNumberID: u.CallNumberID.Int64, SMSSenderID: u.SmsSenderID.Int64,
		IsOwner: u.IsOwner == 1, CreatedAt: time.Unix(u.CreatedAt, 0).UTC(),
		Lang: u.Lang, TimeZone: u.TimeZone,
	}
	if u.LastLoginAt.Valid {
		t := time.Unix(u.LastLoginAt.Int64, 0).UTC()
		out.LastLoginAt = &t
	}
	return out
}

// Me returns the actor's own user record.
// Returns EUNAUTHORIZED for an actor that is not a user.
func (d *DB) Me(ctx context.Context, a Actor) (User, error) {
	if a.UserID == 0 {
		return User{}, errUnauthorized
	}
	u, err := d.rq.GetUser(ctx, a.UserID)
	if err != nil {
		return User{}, notFound(err)
	}
	return userFrom(u), nil
}

// checkEmail validates a login or notification address, normalised by
// normalEmail, into v; look-alikes are refused (R-SEC-8).
func checkEmail(v *ValidationError, field, email string, required bool) {
	switch {
	case email == "":
		if required {
			v.Add(field, M("error.required"))
		}
	case utf8.RuneCountInString(email) > 254:
		v.Add(field, M("error.too_long", "Max", 254))
	default:
		if m, bad := emailLookalike(email); bad { // R-SEC-8
			v.Add(field, m)
			return
		}
		addr, err := mail.ParseAddress(email)
		if err != nil || addr.Address != email || addr.Name != "" ||
			!strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
			v.Add(field, M("error.email"))
		}
	}
}

// checkName validates a required, bounded name into v.
func checkName(v *ValidationError, field, name string, maxLen int) {
	switch n := utf8.RuneCountInString(name); {
	case strings.TrimSpace(name) == "":
		v.Add(field, M("error.required"))
	case n > maxLen:
		v.Add(field, M("error.too_long", "Max", maxLen))
	default:
		checkText(v, field, name, false)
	}
}
