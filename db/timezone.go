package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
	"kadra/tz"
)

// settingTimeZone is the installation's time zone (R-I18N-2). The session
// and token reads name the key too, to give each actor their zone in the
// same read.
const settingTimeZone = "time.zone"

// TimeZone returns the installation's time zone name: the owner's choice,
// else tz.Default.
func (d *DB) TimeZone(ctx context.Context) (string, error) {
	return timeZone(ctx, d.rq)
}

func timeZone(ctx context.Context, q *sqlcdb.Queries) (string, error) {
	v, err := q.GetSetting(ctx, settingTimeZone)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && v == "") {
		return tz.Default, nil
	}
	return v, err
}

// location is the installation's zone, for what the domain reckons in local
// days (billing periods).
func (d *DB) location(ctx context.Context, q *sqlcdb.Queries) (*time.Location, error) {
	name, err := timeZone(ctx, q)
	if err != nil {
		return nil, err
	}
	return tz.Or(name), nil
}

// checkTimeZone validates an IANA zone name into v; "" passes when
// optional (the user follows the installation).
func checkTimeZone(v *ValidationError, field, name string, required bool) {
	if name == "" {
		if required {
			v.Add(field, M("error.required"))
		}
		return
	}
	if _, ok := tz.Location(name); !ok {
		v.Add(field, M("time_zone.unknown"))
	}
}

// SetTimeZone sets the installation's time zone, in which times are shown
// to everyone without a zone of their own and billing periods start
// (R-I18N-2). Only the owner (or the operator). Returns EFORBIDDEN,
// EINVALID (time_zone) for a name the tz database does not know.
func (d *DB) SetTimeZone(ctx context.Context, a Actor, name string) error {
	if err := requireOwnerOrSystem(a); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	var v ValidationError
	checkTimeZone(&v, "time_zone", name, true)
	if err := v.Err(); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := timeZone(ctx, t.Queries)
		if err != nil {
			return nil, err
		}
		if before == name {
			return nil, nil
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingTimeZone, Value: name}); err != nil {
			return nil, err
		}
		return one(change{Action: "settings.time_zone", TargetType: "settings", TargetLabel: "time_zone",
			Before: map[string]string{"time_zone": before}, After: map[string]string{"time_zone": name}}), nil
	})
}

// Now is the domain's clock, for pages that say how long ago something
// was.
func (d *DB) Now() time.Time { return d.now() }
