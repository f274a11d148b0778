package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// settingsMFA saves the owner's switch "second factor for the owner and
// Administrators" (R-MFA-3).
func (s *Server) settingsMFA(c echo.Context) error {
	on := c.FormValue("require_admins") == "1"
	if err := s.db.SetRequireMFAForAdmins(c.Request().Context(), actor(c), on); err != nil {
		return err
	}
	s.flash(c, "mfa.settings.saved")
	return c.Redirect(http.StatusSeeOther, "/settings#mfa")
}
