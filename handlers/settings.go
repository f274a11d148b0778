package handlers

import (
	"errors"
	"net/http"
	"os"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/replicate"
)

type policyForm struct {
	MinLength   int `form:"min_length"`
	MinStrength int `form:"min_strength"`
}

func policyFormOf(p db.PasswordPolicy) policyForm {
	return policyForm{MinLength: p.MinLength, MinStrength: p.MinStrength}
}

type settingsExtra struct {
	Version        string
	Schema         int
	DBPath         string
	Schedule       db.BackupSchedule
	ScheduleErrors map[string]string
	Mail           *mailSection      // Settings → Poczta, the owner's only
	Zone           zoneForm          // the "Strefa czasowa" section (settings_time.go)
	MFAAdmins      bool              // a second factor required of the owner and Administrators (settings_mfa.go)
	Replica        *replicate.Status // the owner's only; nil without replication
}

func (s *Server) settingsInfo(c echo.Context) (settingsExtra, error) {
	sched, err := s.db.BackupSchedule(c.Request().Context())
	if err != nil {
		return settingsExtra{}, err
	}
	mail, err := s.mailSectionFor(c)
	if err != nil {
		return settingsExtra{}, err
	}
	zone, err := s.zoneSection(c)
	if err != nil {
		return settingsExtra{}, err
	}
	mfaAdmins, err := s.db.RequireMFAForAdmins(c.Request().Context())
	x := settingsExtra{MFAAdmins: mfaAdmins, Version: s.version, Schema: db.SchemaVersion(), DBPath: s.db.Path(),
		Schedule: sched, Mail: mail, Zone: zone}
	if s.replica != nil && actor(c).IsOwner {
		st := s.replica.Status()
		x.Replica = &st
	}
	return x, err
}

func (s *Server) settingsShow(c echo.Context) error {
	p, err := s.db.PasswordPolicy(c.Request().Context())
	if err != nil {
		return err
	}
	if err := db.MaySeeSettings(actor(c)); err != nil {
		return err
	}
	x, err := s.settingsInfo(c)
	if err != nil {
		return err
	}
	f := formPage[policyForm]{Form: policyFormOf(p), active: "settings", Extra: x}
	return s.render(c, http.StatusOK, "settings", f)
}

func (s *Server) settingsPasswordPolicy(c echo.Context) error {
	// Start from the policy in force, so that a form sent without one of
	// the settings leaves it as it is rather than loosening it to zero.
	current, err := s.db.PasswordPolicy(c.Request().Context())
	if err != nil {
		return err
	}
	in := policyFormOf(current)
	if err := bindForm(c, &in); err != nil {
		return err
	}
	err = s.db.SetPasswordPolicy(c.Request().Context(), actor(c), db.PasswordPolicy{MinLength: in.MinLength, MinStrength: in.MinStrength})
	if err != nil {
		x, xerr := s.settingsInfo(c)
		if xerr != nil {
			return xerr
		}
		f := formPage[policyForm]{Form: in, active: "settings", Extra: x}
		return refuse(s, c, "settings", f, err)
	}
	s.flash(c, "settings.saved")
	return c.Redirect(http.StatusSeeOther, "/settings")
}

// settingsBackup streams a consistent snapshot of the database (VACUUM
// INTO a temporary file) to the owner.
func (s *Server) settingsBackup(c echo.Context) error {
	dir, err := os.MkdirTemp("", "kadra-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b, err := s.db.DownloadBackup(c.Request().Context(), actor(c), dir)
	if err != nil {
		return err
	}
	return c.Attachment(b.Path, b.Name)
}

// settingsBackupSchedule saves the scheduled backup (owner only); a refused
// form comes back with the typed values and a message per field.
func (s *Server) settingsBackupSchedule(c echo.Context) error {
	var in db.BackupSchedule
	if err := bindForm(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.db.SetBackupSchedule(ctx, actor(c), in); err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		p, perr := s.db.PasswordPolicy(ctx)
		x, xerr := s.settingsInfo(c)
		if perr != nil || xerr != nil {
			return errors.Join(perr, xerr)
		}
		last := x.Schedule
		in.LastAt, in.LastFile, in.LastError = last.LastAt, last.LastFile, last.LastError
		x.Schedule, x.ScheduleErrors = in, r.Fields
		return s.render(c, r.Status, "settings",
			formPage[policyForm]{Form: policyFormOf(p), active: "settings", Extra: x})
	}
	s.flash(c, "settings.saved")
	return c.Redirect(http.StatusSeeOther, "/settings")
}
