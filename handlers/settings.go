package handlers

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

type policyForm struct {
	MinLength int `form:"min_length"`
}

type settingsExtra struct {
	Version string
	Schema  int
	DBPath  string
}

func (s *Server) settingsAllowed(a db.Actor) error {
	if !a.IsOwner && !a.Can(db.PermSettingsManage) {
		return db.Errorf(db.EFORBIDDEN, "error.forbidden")
	}
	return nil
}

func (s *Server) settingsInfo() settingsExtra {
	return settingsExtra{Version: s.version, Schema: db.SchemaVersion(), DBPath: s.db.Path()}
}

func (s *Server) settingsShow(c echo.Context) error {
	p, err := s.db.PasswordPolicy(c.Request().Context())
	if err != nil {
		return err
	}
	if err := s.settingsAllowed(actor(c)); err != nil {
		return err
	}
	f := formPage[policyForm]{Form: policyForm{MinLength: p.MinLength}, active: "settings", Extra: s.settingsInfo()}
	return s.render(c, http.StatusOK, "settings", f)
}

func (s *Server) settingsPasswordPolicy(c echo.Context) error {
	var in policyForm
	if err := bindForm(c, &in); err != nil {
		return err
	}
	err := s.db.SetPasswordPolicy(c.Request().Context(), actor(c), db.PasswordPolicy{MinLength: in.MinLength})
	if err != nil {
		f := formPage[policyForm]{Form: in, active: "settings", Extra: s.settingsInfo()}
		return refuse(s, c, "settings", f, err)
	}
	s.flash(c, "settings.saved")
	return c.Redirect(http.StatusSeeOther, "/settings")
}

// settingsBackup streams a consistent snapshot of the database (VACUUM
// INTO a temporary file) to the owner.
func (s *Server) settingsBackup(c echo.Context) error {
	if !actor(c).IsOwner {
		return db.Errorf(db.EFORBIDDEN, "settings.backup.owner_only")
	}
	dir, err := os.MkdirTemp("", "kadra-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	name := fmt.Sprintf("kadra-%s.db", time.Now().UTC().Format("2006-01-02-150405"))
	file := filepath.Join(dir, name)
	if err := s.db.Backup(c.Request().Context(), file); err != nil {
		return err
	}
	if err := s.db.RecordBackup(c.Request().Context(), actor(c), name); err != nil {
		return err
	}
	return c.Attachment(file, name)
}
