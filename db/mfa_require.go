package db

import (
	"context"
	"database/sql"
	"errors"

	"kadra/db/internal/sqlcdb"
)

// settingMFAAdmins is the owner's one switch (R-MFA-3): the owner and every
// Administrator must have a second factor. Roles are marked one by one
// (RolePatch.RequireMFA).
const settingMFAAdmins = "mfa.require_admins"

// RequireMFAForAdmins says whether the owner and the Administrators must
// have a second factor.
func (d *DB) RequireMFAForAdmins(ctx context.Context) (bool, error) {
	v, err := d.rq.GetSetting(ctx, settingMFAAdmins)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return v == "1", err
}

// SetRequireMFAForAdmins turns the owner's switch on or off. Owner only;
// audited. Whoever it covers and has no second factor is sent to enrol at
// their next request (R-MFA-3): the session read checks it every time.
func (d *DB) SetRequireMFAForAdmins(ctx context.Context, a Actor, on bool) error {
	if err := requireOwner(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		v, err := t.GetSetting(ctx, settingMFAAdmins)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		if before := v == "1"; before == on {
			return nil, nil
		}
		val := "0"
		if on {
			val = "1"
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingMFAAdmins, Value: val}); err != nil {
			return nil, err
		}
		return one(change{Action: "settings.mfa_admins", TargetType: "settings", TargetLabel: "mfa_admins",
			Before: map[string]bool{"require_mfa": !on}, After: map[string]bool{"require_mfa": on}}), nil
	})
}
