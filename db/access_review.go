package db

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// The access review (R-GOV-5): the owner's list of who can get in, and
// why, per account; the owner stamps when it was last reviewed, and the
// dashboard reminds them when that is older than the reminder's days.

const (
	settingReviewDone   = "access_review.done_at"
	settingReviewRemind = "access_review.remind_days"

	// DefaultReviewRemindDays is the reminder's default.
	DefaultReviewRemindDays = 90
)

// AccessReviewFilter narrows the review; the zero filter lists everyone.
type AccessReviewFilter struct {
	AdminsOnly   bool `query:"admins" json:"admins"`               // the owner and roles holding any permission
	InactiveDays int  `query:"inactive_days" json:"inactive_days"` // not signed in for that many days
	Page         int  `query:"page" json:"page"`
	PerPage      int  `query:"per_page" json:"per_page"`
}

// AccessReviewRow is one user and what gets them in.
type AccessReviewRow struct {
	AccountID   int64  `json:"account_id"`
	AccountName string `json:"account_name"`
	UserID      int64  `json:"user_id"`
	Email       string `json:"email"`
	FullName    string `json:"full_name"`
	Status      string `json:"status"`
	IsOwner     bool   `json:"is_owner"`
	Role        string `json:"role"`
	// RoleEndsAt: the role is given until then, and goes back after
	// (R-GOV-2); nil for a role without end.
	RoleEndsAt *time.Time `json:"role_ends_at"`
	// AllPermissions: the owner or an Administrator, who hold every
	// permission, also ones added later; Permissions then lists them all.
	AllPermissions bool     `json:"all_permissions"`
	Permissions    []string `json:"permissions"`
	Position       string   `json:"position"`
	// SubAccounts are the sub-accounts the user may act in (R-ACC-4),
	// with when that access ends (R-GOV-2).
	SubAccounts  []ReviewAccess `json:"sub_accounts"`
	SecondFactor bool           `json:"second_factor"`
	LastLoginAt  *time.Time     `json:"last_login_at"`
	CreatedAt    time.Time      `json:"created_at"`
}

// RoleLast is a moment of the last day of a role given until a day.
func (r AccessReviewRow) RoleLast() time.Time { return lastMoment(r.RoleEndsAt) }

// ReviewAccess is one sub-account a user may act in, and when that ends
// (nil: without end).
type ReviewAccess struct {
	Name   string     `json:"name"`
	EndsAt *time.Time `json:"ends_at"`
}

// Last is a moment of the last day the access holds (it ends at the
// midnight after that day), for showing the day.
func (r ReviewAccess) Last() time.Time { return lastMoment(r.EndsAt) }

// AccessReviewState is when the review was last done and whether the
// reminder is due.
type AccessReviewState struct {
	DoneAt     *time.Time `json:"done_at"`
	RemindDays int        `json:"remind_days"`
	Due        bool       `json:"due"`
}

// AccessReview lists every user of every account with their role, its
// permissions, position, sub-account access, second factor and last
// sign-in, the main account first. Owner only. Returns EFORBIDDEN, or
// EINVALID for a bad filter.
func (d *DB) AccessReview(ctx context.Context, a Actor, f AccessReviewFilter) (Page[AccessReviewRow], error) {
	if err := requireOwnerOrSystem(a); err != nil {
		return Page[AccessReviewRow]{}, err
	}
	if f.InactiveDays < 0 || f.InactiveDays > 36500 {
		var v ValidationError
		v.Add("inactive_days", M("dormancy.days.range", "Max", 36500))
		return Page[AccessReviewRow]{}, v.Err()
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	admins := int64(0)
	if f.AdminsOnly {
		admins = 1
	}
	var before sql.NullInt64
	if f.InactiveDays > 0 {
		before = sql.NullInt64{Int64: d.now().Add(-time.Duration(f.InactiveDays) * day).Unix(), Valid: true}
	}
	total, err := d.rq.CountAccessReviewRows(ctx, sqlcdb.CountAccessReviewRowsParams{AdminsOnly: admins, InactiveBefore: before})
	if err != nil {
		return Page[AccessReviewRow]{}, err
	}
	rows, err := d.rq.AccessReviewRows(ctx, sqlcdb.AccessReviewRowsParams{AdminsOnly: admins, InactiveBefore: before,
		Lim: int64(f.PerPage), Off: int64((f.Page - 1) * f.PerPage)})
	if err != nil {
		return Page[AccessReviewRow]{}, err
	}
	out := Page[AccessReviewRow]{Items: make([]AccessReviewRow, 0, len(rows)), Total: int(total), Page: f.Page, PerPage: f.PerPage}
	for _, r := range rows {
		row := AccessReviewRow{AccountID: r.AccountID, AccountName: r.AccountName, UserID: r.ID, Email: r.Email,
			FullName: r.FullName, Status: r.Status, IsOwner: r.IsOwner == 1,
			Role:     d.names.roleName(a.Lang, r.RoleName, r.RoleBuiltin),
			Position: d.names.groupName(a.Lang, r.Position, r.PositionBuiltin), Permissions: []string{},
			SubAccounts: []ReviewAccess{}, SecondFactor: r.SecondFactor == 1, LastLoginAt: unixTimePtr(r.LastLoginAt),
			CreatedAt: unixTime(r.CreatedAt)}
		if row.IsOwner || r.RoleBuiltin == BuiltinAdministrator {
			row.AllPermissions = true
			for _, p := range AllPermissions() {
				row.Permissions = append(row.Permissions, string(p))
			}
		} else if r.Permissions != "" {
			row.Permissions = strings.Split(r.Permissions, ",")
		}
		if r.RoleEndsAt != 0 {
			t := time.Unix(r.RoleEndsAt, 0)
			row.RoleEndsAt = &t
		}
		if r.SubAccounts != "" {
			for _, x := range strings.Split(r.SubAccounts, "\x1e") {
				name, end, _ := strings.Cut(x, "\x1f")
				acc := ReviewAccess{Name: name}
				if n, err := strconv.ParseInt(end, 10, 64); err == nil {
					t := time.Unix(n, 0)
					acc.EndsAt = &t
				}
				row.SubAccounts = append(row.SubAccounts, acc)
			}
		}
		if row.IsOwner && r.IsMain == 1 {
			row.SubAccounts = []ReviewAccess{} // the owner enters every sub-account (R-ACC-3); said by AllPermissions
		}
		out.Items = append(out.Items, row)
	}
	return out, nil
}

// GetAccessReviewState says when the owner last stamped the review and
// whether the dashboard should remind them. Owner only.
func (d *DB) GetAccessReviewState(ctx context.Context, a Actor) (AccessReviewState, error) {
	if err := requireOwnerOrSystem(a); err != nil {
		return AccessReviewState{}, err
	}
	return accessReviewState(ctx, d.rq, d.now())
}

func accessReviewState(ctx context.Context, q *sqlcdb.Queries, now time.Time) (AccessReviewState, error) {
	s := AccessReviewState{RemindDays: DefaultReviewRemindDays}
	get := func(key string) (int64, bool, error) {
		v, err := q.GetSetting(ctx, key)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil
		} else if err != nil {
			return 0, false, err
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil, nil
	}
	if n, ok, err := get(settingReviewRemind); err != nil {
		return s, err
	} else if ok {
		s.RemindDays = int(n)
	}
	done, ok, err := get(settingReviewDone)
	if err != nil {
		return s, err
	}
	if ok {
		t := unixTime(done)
		s.DoneAt = &t
	}
	s.Due = s.RemindDays > 0 && (s.DoneAt == nil || !now.Before(s.DoneAt.Add(time.Duration(s.RemindDays)*day)))
	return s, nil
}

// StampAccessReview records that the owner reviewed access on day (the
// start of a day; zero means now). A day in the future is refused.
// Audited. Owner only. Returns EFORBIDDEN, EINVALID on "reviewed_on".
func (d *DB) StampAccessReview(ctx context.Context, a Actor, on time.Time) error {
	if err := requireOwnerOrSystem(a); err != nil {
		return err
	}
	now := d.now()
	if on.IsZero() {
		on = now
	}
	if on.After(now) {
		var v ValidationError
		v.Add("reviewed_on", M("access_review.future"))
		return v.Err()
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := accessReviewState(ctx, t.Queries, now)
		if err != nil {
			return nil, err
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingReviewDone,
			Value: strconv.FormatInt(on.Unix(), 10)}); err != nil {
			return nil, err
		}
		var prev any
		if before.DoneAt != nil {
			prev = map[string]string{"reviewed_on": before.DoneAt.Format(time.DateOnly)}
		}
		return one(change{Action: "access_review.done", TargetType: "settings", TargetLabel: "access_review",
			Before: prev, After: map[string]string{"reviewed_on": on.UTC().Format(time.DateOnly)}}), nil
	})
}

// SetAccessReviewReminder sets after how many days since the last review
// the dashboard reminds the owner; 0 turns the reminder off. Audited.
// Owner only. Returns EFORBIDDEN, EINVALID on "remind_days".
func (d *DB) SetAccessReviewReminder(ctx context.Context, a Actor, days int) error {
	if err := requireOwnerOrSystem(a); err != nil {
		return err
	}
	if days < 0 || days > 3650 {
		var v ValidationError
		v.Add("remind_days", M("dormancy.days.range", "Max", 3650))
		return v.Err()
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := accessReviewState(ctx, t.Queries, d.now())
		if err != nil {
			return nil, err
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingReviewRemind, Value: strconv.Itoa(days)}); err != nil {
			return nil, err
		}
		return one(change{Action: "settings.access_review", TargetType: "settings", TargetLabel: "access_review",
			Before: map[string]int{"remind_days": before.RemindDays}, After: map[string]int{"remind_days": days}}), nil
	})
}

// ExportAccessReview writes the review f finds (every page of it) as CSV:
// the header, then one record per user as row makes it, each cell escaped
// like every exported free-text cell. Owner only. Returns EFORBIDDEN.
func (d *DB) ExportAccessReview(ctx context.Context, a Actor, f AccessReviewFilter, w io.Writer, header []string,
	row func(AccessReviewRow) []string) error {
	if err := requireOwnerOrSystem(a); err != nil {
		return err
	}
	f.PerPage = csvPageSize
	return writeCSVPages(w, header, func(n int) ([]AccessReviewRow, error) {
		f.Page = n
		page, err := d.AccessReview(ctx, a, f)
		return page.Items, err
	}, row)
}
