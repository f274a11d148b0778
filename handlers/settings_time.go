package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// zoneForm is the Settings page's "Strefa czasowa" section: the
// installation's time zone (R-I18N-2), the owner's.
type zoneForm struct {
	TimeZone string `form:"time_zone"`
	Error    string
}

// settingsTimeZone saves the installation's time zone; a refused name
// comes back in the section with its message.
func (s *Server) settingsTimeZone(c echo.Context) error {
	var in zoneForm
	if err := bindForm(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.db.SetTimeZone(ctx, actor(c), in.TimeZone); err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		p, perr := s.db.PasswordPolicy(ctx)
		if perr != nil {
			return perr
		}
		x, xerr := s.settingsInfo(c)
		if xerr != nil {
			return xerr
		}
		x.Zone = zoneForm{TimeZone: in.TimeZone, Error: r.Fields["time_zone"]}
		if x.Zone.Error == "" {
			x.Zone.Error = r.Text()
		}
		f := formPage[policyForm]{Form: policyFormOf(p), active: "settings", Extra: x}
		return s.render(c, r.Status, "settings", f)
	}
	s.flash(c, "settings.time_zone.saved", "Zone", in.TimeZone)
	return c.Redirect(http.StatusSeeOther, "/settings#time-zone")
}

// zoneSection is the section's initial state.
func (s *Server) zoneSection(c echo.Context) (zoneForm, error) {
	name, err := s.db.TimeZone(c.Request().Context())
	return zoneForm{TimeZone: name}, err
}
