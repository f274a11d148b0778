package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"

	"kadra/db/internal/sqlcdb"
)

const (
	settingPasswordMinLength   = "password.min_length"
	settingPasswordMinStrength = "password.min_strength"
	settingSessionKey          = "session.key"
)

// PasswordPolicy returns the policy in force (R-USER-4).
func (d *DB) PasswordPolicy(ctx context.Context) (PasswordPolicy, error) {
	return passwordPolicy(ctx, d.rq)
}

func passwordPolicy(ctx context.Context, q *sqlcdb.Queries) (PasswordPolicy, error) {
	p := DefaultPasswordPolicy
	v, err := q.GetSetting(ctx, settingPasswordMinLength)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	if n, err := strconv.Atoi(v); err == nil && n > p.MinLength {
		p.MinLength = n
	}
	v, err = q.GetSetting(ctx, settingPasswordMinStrength)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= MaxStrength {
		p.MinStrength = n
	}
	return p, nil
}

// SetPasswordPolicy lets the owner set the policy: the minimum length may be
// raised above the default, never lowered below it; the minimum strength is
// zxcvbn's score 0–4 (R-MFA-5).
// Returns EFORBIDDEN for anyone but the owner, EINVALID for a bad length or
// strength.
func (d *DB) SetPasswordPolicy(ctx context.Context, a Actor, p PasswordPolicy) error {
	if !a.IsOwner && !a.system {
		return errForbidden
	}
	var v ValidationError
	if p.MinLength < DefaultPasswordPolicy.MinLength || p.MinLength > 64 {
		v.Add("min_length", M("settings.min_length.range", "Min", DefaultPasswordPolicy.MinLength, "Max", 64))
	}
	if p.MinStrength < 0 || p.MinStrength > MaxStrength {
		v.Add("min_strength", M("settings.min_strength.range", "Max", MaxStrength))
	}
	if err := v.Err(); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := passwordPolicy(ctx, t.Queries)
		if err != nil {
			return nil, err
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingPasswordMinLength,
			Value: strconv.Itoa(p.MinLength)}); err != nil {
			return nil, err
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingPasswordMinStrength,
			Value: strconv.Itoa(p.MinStrength)}); err != nil {
			return nil, err
		}
		return one(change{Action: "settings.password_policy", TargetType: "settings",
			TargetLabel: "password", Before: before, After: p}), nil
	})
}

// SessionKey returns the secret that signs session cookies, creating it on
// first use, so that cookies survive restarts.
func (d *DB) SessionKey(ctx context.Context) ([]byte, error) {
	v, err := d.rq.GetSetting(ctx, settingSessionKey)
	if err == nil {
		return hex.DecodeString(v)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	q := sqlcdb.New(d.write)
	if err := q.InsertSettingIfMissing(ctx, sqlcdb.InsertSettingIfMissingParams{
		Key: settingSessionKey, Value: hex.EncodeToString(key)}); err != nil {
		return nil, err
	}
	v, err = q.GetSetting(ctx, settingSessionKey)
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}
