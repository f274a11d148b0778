package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// passwordMeterPage is the strength meter under a new-password field.
type passwordMeterPage struct {
	Typed    bool
	Strength db.Strength
}

// passwordMeter answers the password forms' htmx check with the meter
// fragment (R-MFA-5): the same PasswordPolicy.Check that refuses a
// password on submit, so the browser keeps no second copy of the rules.
// It is public because setup and the reset and activation links have no
// session; it stores nothing and logs no password.
func (s *Server) passwordMeter(c echo.Context) error {
	policy, err := s.db.PasswordPolicy(c.Request().Context())
	if err != nil {
		return err
	}
	pw := c.FormValue("new_password")
	if pw == "" {
		pw = c.FormValue("password")
	}
	if len(pw) > 4*db.MaxPasswordLength { // runes of up to 4 bytes
		pw = pw[:4*db.MaxPasswordLength]
	}
	p := passwordMeterPage{Typed: pw != ""}
	if p.Typed {
		p.Strength = policy.Strength(pw, c.FormValue("full_name"), c.FormValue("email"))
	}
	return s.render(c, http.StatusOK, "password-meter#content", p)
}
