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

// Accountable "log in as" (R-GOV-3): each one has a reason and a time
// limit, is recorded in impersonations, ends by itself, and is listed on
// the impersonated user's profile. R-SEC-9 holds throughout
// (mayChangeOwnCredentials).

const (
	settingImpersonationNotify = "impersonation.notify_user"

	// ImpersonationDefaultMinutes and ImpersonationMaxMinutes bound the
	// time limit of a "log in as".
	ImpersonationDefaultMinutes = 30
	ImpersonationMaxMinutes     = 8 * 60
	impersonationMinReason      = 10
	impersonationMaxReason      = 500
)

// ImpersonationMinuteChoices are the limits the form offers.
var ImpersonationMinuteChoices = []int{15, 30, 60, 120, 240, 480}

// ImpersonationInput is why and for how long an admin logs in as a user.
type ImpersonationInput struct {
	Reason  string `json:"reason" form:"reason"`
	Minutes int    `json:"minutes" form:"minutes"` // 0 means ImpersonationDefaultMinutes
}

// Impersonation is one "log in as", for the impersonated user's profile.
type Impersonation struct {
	ID         int64      `json:"id"`
	AdminID    int64      `json:"admin_id,omitempty"`
	AdminEmail string     `json:"admin_email"`
	AdminName  string     `json:"admin_name"`
	UserID     int64      `json:"user_id"`
	Reason     string     `json:"reason"`
	StartedAt  time.Time  `json:"started_at"`
	EndsAt     time.Time  `json:"ends_at"`
	EndedAt    *time.Time `json:"ended_at"`
	// Running: still in progress at the time of reading.
	Running bool `json:"running"`
}

// Until is when it ended, or ends at the latest while it runs.
func (i Impersonation) Until() time.Time {
	if i.EndedAt != nil {
		return *i.EndedAt
	}
	return i.EndsAt
}

// Minutes is how long it lasted (so far), at least one.
func (i Impersonation) Minutes(now time.Time) int {
	end := i.Until()
	if i.Running && now.Before(end) {
		end = now
	}
	return max(1, int(end.Sub(i.StartedAt).Minutes()+0.5))
}

// checkImpersonationInput validates the reason (10 to 500 characters) and
// the limit (1 to 480 minutes) and fills in the default.
func checkImpersonationInput(in *ImpersonationInput) error {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Minutes == 0 {
		in.Minutes = ImpersonationDefaultMinutes
	}
	var v ValidationError
	if n := utf8.RuneCountInString(in.Reason); n < impersonationMinReason {
		v.Add("reason", M("impersonation.reason.short", "Min", impersonationMinReason))
	} else if n > impersonationMaxReason {
		v.Add("reason", M("error.too_long", "Max", impersonationMaxReason))
	} else {
		checkText(&v, "reason", in.Reason, true)
	}
	if in.Minutes < 1 || in.Minutes > ImpersonationMaxMinutes {
		v.Add("minutes", M("impersonation.minutes.range", "Max", ImpersonationMaxMinutes))
	}
	return v.Err()
}

// ImpersonationNotify says whether the owner requires a mail to the user
// when an admin logs in as them.
func (d *DB) ImpersonationNotify(ctx context.Context) (bool, error) {
	return impersonationNotify(ctx, d.rq)
}

func impersonationNotify(ctx context.Context, q *sqlcdb.Queries) (bool, error) {
	v, err := q.GetSetting(ctx, settingImpersonationNotify)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return v == "1", err
}

// SetImpersonationNotify lets the owner require a mail to the user at the
// start of every "log in as" (R-GOV-3). Audited. Returns EFORBIDDEN for
// anyone but the owner.
func (d *DB) SetImpersonationNotify(ctx context.Context, a Actor, on bool) error {
	if err := requireOwnerOrSystem(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := impersonationNotify(ctx, t.Queries)
		if err != nil {
			return nil, err
		}
		v := "0"
		if on {
			v = "1"
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingImpersonationNotify, Value: v}); err != nil {
			return nil, err
		}
		return one(change{Action: "settings.impersonation", TargetType: "settings", TargetLabel: "impersonation",
			Before: map[string]bool{"notify_user": before}, After: map[string]bool{"notify_user": on}}), nil
	})
}

// impersonationLimit is the session expiry of a "log in as" of in.Minutes,
// never beyond the installation's own session limits.
func (d *DB) impersonationLimit(in ImpersonationInput) time.Duration {
	return min(time.Duration(in.Minutes)*time.Minute, d.maxAge, d.idle)
}

// recordImpersonation writes the record of a "log in as" that starts now
// in session hash, and the mail to the user when the owner requires it.
func (t *tx) recordImpersonation(hash string, u sqlcdb.User, in ImpersonationInput, ends int64) error {
	now := t.d.unix()
	name := t.a.Name
	if err := t.CreateImpersonation(t.ctx, sqlcdb.CreateImpersonationParams{SessionHash: hash,
		AdminID: nullID(t.a.UserID), AdminEmail: t.a.Email, AdminName: name, UserID: u.ID,
		AccountID: t.a.AccountID, Reason: in.Reason, StartedAt: now, EndsAt: ends}); err != nil {
		return err
	}
	notify, err := impersonationNotify(t.ctx, t.Queries)
	if err != nil || !notify {
		return err
	}
	_, err = t.queueUserMail(u, mailTo(u), mailImpersonation, "", mailData{Reason: in.Reason, Minutes: in.Minutes})
	return err
}

// expireImpersonation ends the record of a "log in as" whose session ran
// out (its limit, or the idle timeout), audited as the system: the
// session read found it expired.
func (d *DB) expireImpersonation(ctx context.Context, hash string, s sqlcdb.SessionActorOfRow) error {
	end := min(s.ExpiresAt, s.LastSeenAt+int64(d.idle.Seconds()))
	a := System()
	a.AccountID = s.ActingAccountID
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		if err := t.DeleteSession(ctx, hash); err != nil {
			return nil, err
		}
		rec, err := t.ImpersonationBySession(ctx, hash)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && rec.EndedAt.Valid) {
			return nil, nil // a session from before R-GOV-3, or ended already
		} else if err != nil {
			return nil, err
		}
		if err := t.EndImpersonation(ctx, sqlcdb.EndImpersonationParams{SessionHash: hash,
			EndedAt: sql.NullInt64{Int64: end, Valid: true}}); err != nil {
			return nil, err
		}
		return one(change{Action: "user.impersonate_expired", TargetType: "user", TargetID: s.ID,
			TargetLabel: s.Email, After: map[string]any{"minutes": (end - rec.StartedAt + 30) / 60}}), nil
	})
}

// OwnImpersonations lists every "log in as" of the actor, newest first
// (R-GOV-3): who, when, for how long and why. Shown on the profile, also
// while an admin acts as the user.
func (d *DB) OwnImpersonations(ctx context.Context, a Actor) ([]Impersonation, error) {
	if !a.Valid() || a.UserID == 0 {
		return nil, errUnauthorized
	}
	rows, err := d.rq.UserImpersonations(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	now := d.unix()
	out := make([]Impersonation, 0, len(rows))
	for _, r := range rows {
		out = append(out, Impersonation{ID: r.ID, AdminID: r.AdminID.Int64, AdminEmail: r.AdminEmail,
			AdminName: r.AdminName, UserID: r.UserID, Reason: r.Reason, StartedAt: unixTime(r.StartedAt),
			EndsAt: unixTime(r.EndsAt), EndedAt: unixTimePtr(r.EndedAt),
			Running: !r.EndedAt.Valid && r.EndsAt > now})
	}
	return out, nil
}
