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

const settingBillingDay = "billing.day"

// DefaultBillingDay is the day of the month billing periods start on, until
// the owner sets another. Days run 1..MaxBillingDay, so that every month has
// the day.
const (
	DefaultBillingDay = 1
	MaxBillingDay     = 28
)

// Period is a billing period [Start, End), in the installation's zone.
type Period struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"` // exclusive
}

// BillingPeriod is the period containing t when periods start on day of
// the month (1..28), at local midnight in loc (R-I18N-2): a seat taken at
// 23:30 UTC on 31 January is in February's period in Warsaw.
func BillingPeriod(t time.Time, day int, loc *time.Location) Period {
	t = t.In(loc)
	start := time.Date(t.Year(), t.Month(), day, 0, 0, 0, 0, loc)
	if t.Before(start) {
		start = time.Date(t.Year(), t.Month()-1, day, 0, 0, 0, 0, loc)
	}
	return Period{Start: start, End: time.Date(start.Year(), start.Month()+1, day, 0, 0, 0, 0, loc)}
}

// UsageRow is one account's billed seats in the previous and the current
// period. Deleted accounts appear while their seats are still billed.
type UsageRow struct {
	AccountID  int64  `json:"account_id"`
	Name       string `json:"name"`
	ExternalID string `json:"external_id"`
	Main       bool   `json:"main"`
	Deleted    bool   `json:"deleted"`
	Previous   int    `json:"previous"`
	Current    int    `json:"current"`
}

// Usage is the one bill of every account (R-ACC-7).
type Usage struct {
	BillingDay    int        `json:"billing_day"`
	TimeZone      string     `json:"time_zone"` // periods start at midnight here
	Previous      Period     `json:"previous_period"`
	Current       Period     `json:"current_period"`
	Accounts      []UsageRow `json:"accounts"`
	TotalPrevious int        `json:"total_previous"`
	TotalCurrent  int        `json:"total_current"`
}

// BillingDay returns the day of the month billing periods start on.
func (d *DB) BillingDay(ctx context.Context) (int, error) {
	return billingDay(ctx, d.rq)
}

func billingDay(ctx context.Context, q *sqlcdb.Queries) (int, error) {
	v, err := q.GetSetting(ctx, settingBillingDay)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultBillingDay, nil
	} else if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxBillingDay {
		return DefaultBillingDay, nil
	}
	return n, nil
}

// SetBillingDay sets the day of the month billing periods start on
// (1..28). Needs accounts.manage in the main account. Returns EINVALID
// (billing_day) out of range.
func (d *DB) SetBillingDay(ctx context.Context, a Actor, day int) error {
	if err := requireAccountsAdmin(a); err != nil {
		return err
	}
	if day < 1 || day > MaxBillingDay {
		var v ValidationError
		v.Add("billing_day", M("usage.billing_day.range", "Max", MaxBillingDay))
		return v.Err()
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := billingDay(ctx, t.Queries)
		if err != nil {
			return nil, err
		}
		if before == day {
			return nil, nil
		}
		main, err := t.MainAccount(ctx)
		if err != nil {
			return nil, err
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingBillingDay, Value: strconv.Itoa(day)}); err != nil {
			return nil, err
		}
		return one(change{Action: "settings.billing_day", TargetType: "settings", TargetLabel: "billing",
			AccountID: main.ID, Before: map[string]int{"billing_day": before},
			After: map[string]int{"billing_day": day}}), nil
	})
}

// Usage returns the billed seats of every account in the previous and the
// current billing period, and their totals (R-ACC-7). A user counts in a
// period if they existed at any moment of it, whatever their status; a
// deleted user counts until the end of the period they were deleted in,
// also when their sub-account was deleted with them. Needs accounts.manage
// in the main account.
func (d *DB) Usage(ctx context.Context, a Actor) (Usage, error) {
	if err := requireAccountsAdmin(a); err != nil {
		return Usage{}, err
	}
	day, err := d.BillingDay(ctx)
	if err != nil {
		return Usage{}, err
	}
	loc, err := d.location(ctx, d.rq)
	if err != nil {
		return Usage{}, err
	}
	cur := BillingPeriod(d.now(), day, loc)
	prev := BillingPeriod(cur.Start.Add(-time.Second), day, loc)
	u := Usage{BillingDay: day, TimeZone: loc.String(), Previous: prev, Current: cur}
	seats := func(p Period) (map[int64]int, error) {
		rows, err := d.rq.SeatsInPeriod(ctx, sqlcdb.SeatsInPeriodParams{PeriodEnd: p.End.Unix(),
			PeriodStart: sql.NullInt64{Int64: p.Start.Unix(), Valid: true}})
		out := make(map[int64]int, len(rows))
		for _, r := range rows {
			out[r.AccountID] = int(r.Seats)
		}
		return out, err
	}
	prevSeats, err := seats(prev)
	if err != nil {
		return Usage{}, err
	}
	curSeats, err := seats(cur)
	if err != nil {
		return Usage{}, err
	}
	main, err := d.rq.MainAccount(ctx)
	if err != nil {
		return Usage{}, err
	}
	subs, err := d.rq.SubAccounts(ctx)
	if err != nil {
		return Usage{}, err
	}
	for _, acc := range append([]sqlcdb.Account{main}, subs...) {
		u.Accounts = append(u.Accounts, UsageRow{AccountID: acc.ID, Name: acc.Name, ExternalID: acc.ExternalID,
			Main: !acc.ParentID.Valid, Previous: prevSeats[acc.ID], Current: curSeats[acc.ID]})
	}
	gone, err := d.rq.DeletedAccounts(ctx)
	if err != nil {
		return Usage{}, err
	}
	for _, g := range gone {
		if prevSeats[g.ID] == 0 && curSeats[g.ID] == 0 {
			continue
		}
		u.Accounts = append(u.Accounts, UsageRow{AccountID: g.ID, Name: g.Name, ExternalID: g.ExternalID,
			Deleted: true, Previous: prevSeats[g.ID], Current: curSeats[g.ID]})
	}
	// The main account first, then by name; deleted accounts last.
	slices.SortStableFunc(u.Accounts[1:], func(x, y UsageRow) int {
		if x.Deleted != y.Deleted {
			if x.Deleted {
				return 1
			}
			return -1
		}
		return strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name))
	})
	for _, r := range u.Accounts {
		u.TotalPrevious += r.Previous
		u.TotalCurrent += r.Current
	}
	return u, nil
}
