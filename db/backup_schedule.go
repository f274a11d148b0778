package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// BackupSchedule is the scheduled backup setting: every EveryHours a
// consistent copy goes to Dir, keeping the newest Keep files. An empty Dir
// turns it off.
type BackupSchedule struct {
	Dir        string `form:"dir" json:"dir"`
	Keep       int    `form:"keep" json:"keep"`
	EveryHours int    `form:"every_hours" json:"every_hours"`
	// Set by the runs, shown on the Settings page.
	LastAt    time.Time `form:"-" json:"last_at"`
	LastFile  string    `form:"-" json:"last_file"`
	LastError string    `form:"-" json:"last_error"`
	// LastVerify is the verification of the last copy (R-OPS-2); nil
	// before the first copy, or when the copy could not be written.
	LastVerify *VerifyReport `form:"-" json:"last_verify"`
}

const (
	settingBackupDir   = "backup.dir"
	settingBackupKeep  = "backup.keep"
	settingBackupEvery = "backup.every_hours"
	settingBackupLast  = "backup.last_at"
	settingBackupFile  = "backup.last_file"
	settingBackupError = "backup.last_error"
	settingBackupCheck = "backup.last_verify" // a VerifyReport as JSON
	backupPrefix       = "kadra-"
)

// BackupSchedule returns the scheduled backup setting (off by default).
func (d *DB) BackupSchedule(ctx context.Context) (BackupSchedule, error) {
	get := func(key string) (string, error) {
		v, err := d.rq.GetSetting(ctx, key)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return v, err
	}
	var s BackupSchedule
	var err error
	vals := map[string]string{}
	for _, k := range []string{settingBackupDir, settingBackupKeep, settingBackupEvery, settingBackupLast,
		settingBackupFile, settingBackupError, settingBackupCheck} {
		if vals[k], err = get(k); err != nil {
			return s, err
		}
	}
	s.Dir, s.LastFile, s.LastError = vals[settingBackupDir], vals[settingBackupFile], vals[settingBackupError]
	s.Keep, _ = strconv.Atoi(vals[settingBackupKeep])
	s.EveryHours, _ = strconv.Atoi(vals[settingBackupEvery])
	if s.Keep == 0 {
		s.Keep = 7
	}
	if s.EveryHours == 0 {
		s.EveryHours = 24
	}
	if last, err := strconv.ParseInt(vals[settingBackupLast], 10, 64); err == nil && last > 0 {
		s.LastAt = time.Unix(last, 0).UTC()
	}
	if v := vals[settingBackupCheck]; v != "" {
		var r VerifyReport
		if err := json.Unmarshal([]byte(v), &r); err != nil {
			return s, fmt.Errorf("setting %s: %w", settingBackupCheck, err)
		}
		s.LastVerify = &r
	}
	return s, nil
}

// SetBackupSchedule saves the schedule; the owner only. The folder must be
// an absolute path of an existing folder kadra can write to.
// Returns EFORBIDDEN, EINVALID per field.
func (d *DB) SetBackupSchedule(ctx context.Context, a Actor, in BackupSchedule) error {
	if !a.IsOwner && !a.system {
		return Errorf(EFORBIDDEN, "settings.backup.owner_only")
	}
	in.Dir = strings.TrimSpace(in.Dir)
	var v ValidationError
	if in.Dir != "" {
		if !filepath.IsAbs(in.Dir) {
			v.Add("dir", M("backup.dir.absolute"))
		} else if err := writableDir(in.Dir); err != nil {
			v.Add("dir", M("backup.dir.unwritable"))
		}
	}
	if in.Keep < 1 || in.Keep > 1000 {
		v.Add("keep", M("backup.keep.range", "Min", 1, "Max", 1000))
	}
	if in.EveryHours < 1 || in.EveryHours > 720 {
		v.Add("every_hours", M("backup.every.range", "Min", 1, "Max", 720))
	}
	if err := v.Err(); err != nil {
		return err
	}
	before, err := d.BackupSchedule(ctx)
	if err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		for k, val := range map[string]string{settingBackupDir: in.Dir, settingBackupKeep: strconv.Itoa(in.Keep),
			settingBackupEvery: strconv.Itoa(in.EveryHours)} {
			if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: k, Value: val}); err != nil {
				return nil, err
			}
		}
		return one(change{Action: "settings.backup_schedule", TargetType: "settings", TargetLabel: "backup",
			Before: map[string]any{"dir": before.Dir, "keep": before.Keep, "every_hours": before.EveryHours},
			After:  map[string]any{"dir": in.Dir, "keep": in.Keep, "every_hours": in.EveryHours}}), nil
	})
}

// writableDir checks that dir is a folder kadra can create files in.
func writableDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return errors.New("not a folder")
	}
	f, err := os.CreateTemp(dir, ".kadra-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// RunScheduledBackup takes the scheduled backup when one is due: a copy
// named kadra-YYYYMMDD-HHMMSS.db in the folder, verified (R-OPS-2), then
// the oldest of kadra's copies there beyond Keep are deleted. A copy that
// fails verification deletes none: the older copies may be the only good
// ones. The outcome and the verification are kept for the Settings page
// and audited. Returns whether a backup was attempted, and an error when
// it failed or its copy did not verify.
func (d *DB) RunScheduledBackup(ctx context.Context) (bool, error) {
	s, err := d.BackupSchedule(ctx)
	if err != nil || s.Dir == "" {
		return false, err
	}
	now := d.now().UTC()
	if !s.LastAt.IsZero() && now.Before(s.LastAt.Add(time.Duration(s.EveryHours)*time.Hour)) {
		return false, nil
	}
	name := filepath.Join(s.Dir, backupPrefix+now.Format("20060102-150405")+".db")
	check := ""
	runErr := d.Backup(ctx, name)
	var verifyErr error
	if runErr == nil {
		var r VerifyReport
		if r, runErr = Verify(ctx, name); runErr == nil {
			b, _ := json.Marshal(r)
			check, verifyErr = string(b), r.Err()
		}
	}
	if runErr == nil && verifyErr == nil {
		runErr = pruneBackups(s.Dir, s.Keep)
	}
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	after := map[string]string{"error": msg}
	if verifyErr != nil {
		after["verify"] = verifyErr.Error()
	}
	err = d.update(ctx, System(), func(t *tx) ([]change, error) {
		for k, val := range map[string]string{settingBackupLast: strconv.FormatInt(now.Unix(), 10),
			settingBackupFile: name, settingBackupError: msg, settingBackupCheck: check} {
			if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: k, Value: val}); err != nil {
				return nil, err
			}
		}
		return one(change{Action: "backup.scheduled", TargetType: "database", TargetLabel: name,
			After: after}), nil
	})
	if err != nil {
		return true, err
	}
	return true, errors.Join(runErr, verifyErr)
}

// pruneBackups deletes kadra's oldest copies in dir beyond keep; other
// files in the folder are left alone.
func pruneBackups(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var ours []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, ".db") {
			ours = append(ours, n)
		}
	}
	slices.Sort(ours) // the timestamp in the name sorts by age
	for len(ours) > keep {
		if err := os.Remove(filepath.Join(dir, ours[0])); err != nil {
			return err
		}
		ours = ours[1:]
	}
	return nil
}
