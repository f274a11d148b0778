package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// The dormancy rule (R-GOV-1): users who have not signed in for Days days
// (never signed in: since they were created) are blocked, after a warning
// mail WarnDays before. Users of the exempt roles and the owner are never
// blocked. The rule is installation-wide and the owner's to set.

const (
	settingDormancyEnabled = "dormancy.enabled"
	settingDormancyDays    = "dormancy.days"
	settingDormancyWarn    = "dormancy.warn_days"
	settingDormancyExempt  = "dormancy.exempt_roles"

	// dormancyPreviewDays is how far ahead the preview looks.
	dormancyPreviewDays = 7
	day                 = 24 * time.Hour
)

// DormancyRule is the owner's dormancy rule.
type DormancyRule struct {
	Enabled       bool    `json:"enabled"`
	Days          int     `json:"days"`
	WarnDays      int     `json:"warn_days"`
	ExemptRoleIDs []int64 `json:"exempt_role_ids"`
}

// DefaultDormancyRule is the rule shown before the owner sets one: off.
var DefaultDormancyRule = DormancyRule{Days: 90, WarnDays: 7, ExemptRoleIDs: []int64{}}

// DormantUser is a user the rule blocks, or will block on BlocksAt.
type DormantUser struct {
	ID          int64      `json:"id"`
	AccountID   int64      `json:"account_id"`
	AccountName string     `json:"account_name"`
	Email       string     `json:"email"`
	FullName    string     `json:"full_name"`
	LastLoginAt *time.Time `json:"last_login_at"`
	// ActiveAt is the last sign-in, or the creation for a user who never
	// signed in.
	ActiveAt time.Time `json:"active_at"`
	BlocksAt time.Time `json:"blocks_at"`
}

// DormancyPreview is who a rule would block today, and who in the next
// seven days: the first dormancyPreviewMax of each, and how many in all.
type DormancyPreview struct {
	Today         []DormantUser `json:"today"`
	NextWeek      []DormantUser `json:"next_week"`
	TodayTotal    int           `json:"today_total"`
	NextWeekTotal int           `json:"next_week_total"`
}

// dormancyPreviewMax bounds each list of the preview.
const dormancyPreviewMax = 100

// DormancyResult is what one application of the rule did.
type DormancyResult struct {
	Blocked []DormantUser `json:"blocked"`
	Warned  []DormantUser `json:"warned"`
}

// GetDormancyRule returns the rule in force. Owner only.
// Returns EFORBIDDEN for anyone else.
func (d *DB) GetDormancyRule(ctx context.Context, a Actor) (DormancyRule, error) {
	if err := requireOwnerOrSystem(a); err != nil {
		return DormancyRule{}, err
	}
	return dormancyRule(ctx, d.rq)
}

func dormancyRule(ctx context.Context, q *sqlcdb.Queries) (DormancyRule, error) {
	r := DefaultDormancyRule
	get := func(key string) (string, error) {
		v, err := q.GetSetting(ctx, key)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return v, err
	}
	v, err := get(settingDormancyEnabled)
	if err != nil {
		return r, err
	}
	r.Enabled = v == "1"
	if v, err = get(settingDormancyDays); err != nil {
		return r, err
	} else if n, err := strconv.Atoi(v); err == nil {
		r.Days = n
	}
	if v, err = get(settingDormancyWarn); err != nil {
		return r, err
	} else if n, err := strconv.Atoi(v); err == nil {
		r.WarnDays = n
	}
	if v, err = get(settingDormancyExempt); err != nil {
		return r, err
	}
	for _, s := range strings.Split(v, ",") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			r.ExemptRoleIDs = append(r.ExemptRoleIDs, id)
		}
	}
	return r, nil
}

// checkDormancyRule validates a rule: 1 to 3650 days, a warning 0 to
// Days-1 days before, roles that exist. Returns EINVALID.
func checkDormancyRule(ctx context.Context, q *sqlcdb.Queries, r DormancyRule) error {
	var v ValidationError
	if r.Days < 1 || r.Days > 3650 {
		v.Add("days", M("dormancy.days.range", "Max", 3650))
	}
	if r.WarnDays < 0 || (r.Days >= 1 && r.WarnDays >= r.Days) {
		v.Add("warn_days", M("dormancy.warn_days.range", "Max", max(r.Days-1, 0)))
	}
	for _, id := range r.ExemptRoleIDs {
		if _, err := q.GetRole(ctx, id); err != nil {
			v.Add("exempt_role_ids", M("dormancy.role_unknown"))
			break
		}
	}
	return v.Err()
}

// SetDormancyRule saves the owner's dormancy rule, audited. Owner only.
// Returns EFORBIDDEN for anyone else, EINVALID for a bad rule.
func (d *DB) SetDormancyRule(ctx context.Context, a Actor, r DormancyRule) error {
	if err := requireOwnerOrSystem(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := dormancyRule(ctx, t.Queries)
		if err != nil {
			return nil, err
		}
		return t.saveDormancyRule(before, r)
	})
}

// DormancyRulePatch changes the fields it sets (R-API-1).
type DormancyRulePatch struct {
	Enabled       *bool    `json:"enabled"`
	Days          *int     `json:"days"`
	WarnDays      *int     `json:"warn_days"`
	ExemptRoleIDs *[]int64 `json:"exempt_role_ids"`
}

// PatchDormancyRule is SetDormancyRule for the fields p sets, merged onto
// the saved rule inside the write. It returns the rule saved.
func (d *DB) PatchDormancyRule(ctx context.Context, a Actor, p DormancyRulePatch) (DormancyRule, error) {
	if err := requireOwnerOrSystem(a); err != nil {
		return DormancyRule{}, err
	}
	var out DormancyRule
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := dormancyRule(ctx, t.Queries)
		if err != nil {
			return nil, err
		}
		out = before
		out.ExemptRoleIDs = slices.Clone(before.ExemptRoleIDs)
		if p.Enabled != nil {
			out.Enabled = *p.Enabled
		}
		if p.Days != nil {
			out.Days = *p.Days
		}
		if p.WarnDays != nil {
			out.WarnDays = *p.WarnDays
		}
		if p.ExemptRoleIDs != nil {
			out.ExemptRoleIDs = *p.ExemptRoleIDs
		}
		return t.saveDormancyRule(before, out)
	})
	if err != nil {
		return DormancyRule{}, err
	}
	return dormancyRule(ctx, d.rq)
}

// saveDormancyRule validates and writes rule r over before.
func (t *tx) saveDormancyRule(before, r DormancyRule) ([]change, error) {
	if r.ExemptRoleIDs == nil {
		r.ExemptRoleIDs = []int64{}
	}
	slices.Sort(r.ExemptRoleIDs)
	r.ExemptRoleIDs = slices.Compact(r.ExemptRoleIDs)
	if err := checkDormancyRule(t.ctx, t.Queries, r); err != nil {
		return nil, err
	}
	ids := make([]string, len(r.ExemptRoleIDs))
	for i, id := range r.ExemptRoleIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	enabled := "0"
	if r.Enabled {
		enabled = "1"
	}
	for _, kv := range [][2]string{{settingDormancyEnabled, enabled}, {settingDormancyDays, strconv.Itoa(r.Days)},
		{settingDormancyWarn, strconv.Itoa(r.WarnDays)}, {settingDormancyExempt, strings.Join(ids, ",")}} {
		if err := t.SetSetting(t.ctx, sqlcdb.SetSettingParams{Key: kv[0], Value: kv[1]}); err != nil {
			return nil, err
		}
	}
	return one(change{Action: "settings.dormancy", TargetType: "settings", TargetLabel: "dormancy",
		Before: before, After: r}), nil
}

// dormantCandidates reads the users of every account last active at or
// before activeBefore, without the rule's exempt roles (the owner is never
// among them).
func dormantCandidates(ctx context.Context, q *sqlcdb.Queries, r DormancyRule, activeBefore time.Time) ([]sqlcdb.DormantCandidatesRow, error) {
	rows, err := q.DormantCandidates(ctx, sql.NullInt64{Int64: activeBefore.Unix(), Valid: true})
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, u := range rows {
		if !slices.Contains(r.ExemptRoleIDs, u.RoleID) {
			out = append(out, u)
		}
	}
	return out, nil
}

func dormantUser(u sqlcdb.DormantCandidatesRow, r DormancyRule) DormantUser {
	active := unixTime(u.ActiveAt)
	return DormantUser{ID: u.ID, AccountID: u.AccountID, AccountName: u.AccountName, Email: u.Email,
		FullName: u.FullName, LastLoginAt: unixTimePtr(u.LastLoginAt), ActiveAt: active,
		BlocksAt: active.Add(time.Duration(r.Days) * day)}
}

// PreviewDormancy says whom rule r (not necessarily saved, nor turned on)
// would block now, and whom in the next seven days, so that the owner sees
// it before turning it on. Owner only. Returns EFORBIDDEN, or EINVALID for
// a bad rule.
func (d *DB) PreviewDormancy(ctx context.Context, a Actor, r DormancyRule) (DormancyPreview, error) {
	if err := requireOwnerOrSystem(a); err != nil {
		return DormancyPreview{}, err
	}
	if err := checkDormancyRule(ctx, d.rq, r); err != nil {
		return DormancyPreview{}, err
	}
	now := d.now()
	rows, err := dormantCandidates(ctx, d.rq, r, now.Add(-time.Duration(r.Days-dormancyPreviewDays)*day))
	if err != nil {
		return DormancyPreview{}, err
	}
	p := DormancyPreview{Today: []DormantUser{}, NextWeek: []DormantUser{}}
	for _, u := range rows {
		du := dormantUser(u, r)
		if !du.BlocksAt.After(now) {
			if p.TodayTotal++; p.TodayTotal <= dormancyPreviewMax {
				p.Today = append(p.Today, du)
			}
		} else if p.NextWeekTotal++; p.NextWeekTotal <= dormancyPreviewMax {
			p.NextWeek = append(p.NextWeek, du)
		}
	}
	return p, nil
}

// SweepDormant applies the saved dormancy rule when it is on: the hourly
// job of R-GOV-1. It returns how many users it blocked.
func (d *DB) SweepDormant(ctx context.Context) (int, error) {
	r, err := dormancyRule(ctx, d.rq)
	if err != nil || !r.Enabled {
		return 0, err
	}
	res, err := d.ApplyDormancy(ctx, System(), r)
	return len(res.Blocked), err
}

// dormancyBatch is how many users one transaction of ApplyDormancy
// handles, so that a first sweep over many users never holds the one
// writer for long.
const dormancyBatch = 500

// ApplyDormancy applies rule r now: it blocks the users inactive for
// r.Days days or more, ending their sessions (their phones keep working,
// as with any block: R-USER-8), and mails a warning to those it will block
// within r.WarnDays days, once per dormancy period. Each block and warning
// is audited, as the actor (the system for the hourly job and the command
// line), with the rule named. Users are read first, then handled in
// transactions of dormancyBatch, each reading every user again so that one
// who signed in, changed role or was blocked meanwhile is left alone.
// Running it again does nothing new. Owner or system only. Returns
// EFORBIDDEN, or EINVALID for a bad rule.
func (d *DB) ApplyDormancy(ctx context.Context, a Actor, r DormancyRule) (DormancyResult, error) {
	res := DormancyResult{Blocked: []DormantUser{}, Warned: []DormantUser{}}
	if err := requireOwnerOrSystem(a); err != nil {
		return res, err
	}
	if err := checkDormancyRule(ctx, d.rq, r); err != nil {
		return res, err
	}
	now := d.now()
	rows, err := dormantCandidates(ctx, d.rq, r, now.Add(-time.Duration(r.Days-r.WarnDays)*day))
	if err != nil {
		return res, err
	}
	for start := 0; start < len(rows); start += dormancyBatch {
		batch := rows[start:min(start+dormancyBatch, len(rows))]
		var blocked, warned []DormantUser
		err := d.update(ctx, a, func(t *tx) ([]change, error) {
			blocked, warned = nil, nil
			var changes []change
			for _, u := range batch {
				cur, err := t.GetUser(ctx, u.ID)
				if errors.Is(err, sql.ErrNoRows) {
					continue // deleted meanwhile
				} else if err != nil {
					return nil, err
				}
				active := cur.CreatedAt
				if cur.LastLoginAt.Valid {
					active = cur.LastLoginAt.Int64
				}
				if cur.Status != StatusActive || cur.IsOwner == 1 || active != u.ActiveAt ||
					slices.Contains(r.ExemptRoleIDs, cur.RoleID) {
					continue // changed since it was read
				}
				du := dormantUser(u, r)
				if !du.BlocksAt.After(now) {
					n, err := t.DeleteUserSessions(ctx, u.ID)
					if err != nil {
						return nil, err
					}
					if err := t.SetUserStatus(ctx, sqlcdb.SetUserStatusParams{ID: u.ID, Status: StatusBlocked,
						UpdatedAt: now.Unix()}); err != nil {
						return nil, err
					}
					blocked = append(blocked, du)
					changes = append(changes, change{Action: "user.dormant_block", TargetType: "user", TargetID: u.ID,
						TargetLabel: u.Email, AccountID: u.AccountID, Before: map[string]any{"status": StatusActive},
						After: map[string]any{"status": StatusBlocked, "dormancy_days": r.Days, "sessions_ended": n}})
					continue
				}
				if r.WarnDays == 0 || u.WarnedFor == u.ActiveAt {
					continue // warned already in this dormancy period
				}
				days := int((du.BlocksAt.Sub(now) + day - 1) / day)
				if _, err := t.queueUserMail(cur, mailTo(cur), mailDormancyWarning, "", mailData{Days: days}); err != nil {
					return nil, err
				}
				if err := t.SetDormancyWarning(ctx, sqlcdb.SetDormancyWarningParams{UserID: u.ID, ActiveAt: u.ActiveAt,
					WarnedAt: now.Unix()}); err != nil {
					return nil, err
				}
				warned = append(warned, du)
				changes = append(changes, change{Action: "user.dormant_warn", TargetType: "user", TargetID: u.ID,
					TargetLabel: u.Email, AccountID: u.AccountID, After: map[string]any{"dormancy_days": r.Days}})
			}
			return changes, nil
		})
		if err != nil {
			return res, err
		}
		res.Blocked, res.Warned = append(res.Blocked, blocked...), append(res.Warned, warned...)
	}
	return res, nil
}
