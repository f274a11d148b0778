package db

import (
	"context"
	"time"

	"kadra/db/internal/sqlcdb"
)

// Session is one live sign-in of a user, as the lists of sessions show it
// (R-MFA-4). ID is the SHA-256 of the cookie's secret: a handle to end the
// session with, useless to sign in with.
type Session struct {
	ID         string    `json:"id"`
	Device     Device    `json:"-"`
	UserAgent  string    `json:"user_agent"`
	IP         string    `json:"ip"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	Current    bool      `json:"current"` // the session of this request
	// ImpersonatedBy is the admin behind a "log in as" session, or "".
	ImpersonatedBy string `json:"impersonated_by,omitempty"`
}

// sessionsOf lists userID's live sessions, marking the actor's own.
func (d *DB) sessionsOf(ctx context.Context, a Actor, userID int64) ([]Session, error) {
	now := d.now()
	rows, err := d.rq.ListUserSessions(ctx, sqlcdb.ListUserSessionsParams{UserID: userID, Now: now.Unix(),
		IdleBefore: now.Add(-d.idle).Unix()})
	if err != nil {
		return nil, err
	}
	out := make([]Session, len(rows))
	for i, r := range rows {
		out[i] = Session{ID: r.IDHash, Device: ParseUserAgent(r.UserAgent), UserAgent: r.UserAgent, IP: r.Ip,
			CreatedAt: unixTime(r.CreatedAt), LastSeenAt: unixTime(r.LastSeenAt),
			Current: r.IDHash == a.SessionHash, ImpersonatedBy: r.ImpersonatorEmail}
	}
	return out, nil
}

// MySessions lists the actor's own live sessions, the most recently seen
// first (R-MFA-4). Returns EUNAUTHORIZED without a user.
func (d *DB) MySessions(ctx context.Context, a Actor) ([]Session, error) {
	if !a.Valid() || a.UserID == 0 {
		return nil, errUnauthorized
	}
	return d.sessionsOf(ctx, a, a.UserID)
}

// EndMySession ends one of the actor's own sessions, perhaps the current
// one (the caller then clears the cookie). Returns ENOTFOUND for a session
// that is not theirs or has ended, EFORBIDDEN while an admin acts as the
// user (R-SEC-9): whoever logged in as them does not sign them out.
func (d *DB) EndMySession(ctx context.Context, a Actor, id string) error {
	if err := mayChangeOwnCredentials(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		n, err := t.DeleteUserSession(ctx, sqlcdb.DeleteUserSessionParams{IDHash: id, UserID: a.UserID})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, Errorf(ENOTFOUND, "sessions.not_found")
		}
		return one(change{Action: "user.session_end", TargetType: "user", TargetID: a.UserID, TargetLabel: a.Email,
			After: map[string]bool{"current": id == a.SessionHash}}), nil
	})
}

// EndMyOtherSessions ends every session of the actor but the current one
// ("Wyloguj pozostałe"). Returns EFORBIDDEN while an admin acts as the user
// (R-SEC-9).
func (d *DB) EndMyOtherSessions(ctx context.Context, a Actor) (int64, error) {
	if err := mayChangeOwnCredentials(a); err != nil {
		return 0, err
	}
	var n int64
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		var err error
		n, err = t.DeleteUserSessionsExcept(ctx, sqlcdb.DeleteUserSessionsExceptParams{UserID: a.UserID,
			KeepIDHash: a.SessionHash})
		return one(change{Action: "user.sessions_end_others", TargetType: "user", TargetID: a.UserID,
			TargetLabel: a.Email, After: map[string]int64{"sessions_ended": n}}), err
	})
	return n, err
}

// UserSessions lists the live sessions of user id of the acting account,
// for an admin who may end them (ActEndSessions, R-SEC-2): where someone
// signs in from is theirs to see only for those the admin may act on.
// Returns ENOTFOUND outside the account, EFORBIDDEN with the reason.
func (d *DB) UserSessions(ctx context.Context, a Actor, id int64) ([]Session, error) {
	if err := d.MayActOnUser(ctx, a, ActEndSessions, id); err != nil {
		return nil, err
	}
	return d.sessionsOf(ctx, a, id)
}

// EndUserSessions ends one session (sessionID) or, with sessionID "", every
// session of user id, for an admin allowed by R-SEC-2 (ActEndSessions).
// It is audited, and the user gets a mail saying who signed them out.
// Returns the number ended; ENOTFOUND outside the account or for a session
// not the user's, EFORBIDDEN with the reason.
func (d *DB) EndUserSessions(ctx context.Context, a Actor, id int64, sessionID string) (int64, error) {
	if err := requireAct(a, ActEndSessions); err != nil {
		return 0, err
	}
	var n int64
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.targetUser(ActEndSessions, id)
		if err != nil {
			return nil, err
		}
		if sessionID == "" {
			n, err = t.DeleteUserSessions(ctx, u.ID)
		} else {
			n, err = t.DeleteUserSession(ctx, sqlcdb.DeleteUserSessionParams{IDHash: sessionID, UserID: u.ID})
			if err == nil && n == 0 {
				err = Errorf(ENOTFOUND, "sessions.not_found")
			}
		}
		if err != nil || n == 0 {
			return nil, err
		}
		if _, err := t.queueUserMail(u, mailTo(u), mailSessionsEnded, "", mailData{Count: int(n)}); err != nil {
			return nil, err
		}
		return one(change{Action: "user.sessions_end", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			AccountID: u.AccountID, After: map[string]int64{"sessions_ended": n}}), nil
	})
	return n, err
}
