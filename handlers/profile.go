package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

type profileExtra struct {
	Me     db.User
	Policy []db.Msg
}

func (s *Server) profilePage(c echo.Context, f formPage[db.PasswordChange]) (formPage[db.PasswordChange], error) {
	ctx := c.Request().Context()
	me, err := s.db.Me(ctx, actor(c))
	if err != nil {
		return f, err
	}
	policy, err := s.db.PasswordPolicy(ctx)
	if err != nil {
		return f, err
	}
	f.Extra, f.active = profileExtra{Me: me, Policy: policy.Rules()}, "profile"
	return f, nil
}

func (s *Server) profile(c echo.Context) error {
	f, err := s.profilePage(c, formPage[db.PasswordChange]{})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "profile", f)
}

func (s *Server) profilePassword(c echo.Context) error {
	var in db.PasswordChange
	if err := bindForm(c, &in); err != nil {
		return err
	}
	if err := s.db.ChangeOwnPassword(c.Request().Context(), actor(c), in); err != nil {
		f, perr := s.profilePage(c, formPage[db.PasswordChange]{})
		if perr != nil {
			return perr
		}
		return refuse(s, c, "profile", f, err)
	}
	s.flash(c, "profile.password.changed")
	return c.Redirect(http.StatusSeeOther, "/profile")
}

func (s *Server) profileSignOutEverywhere(c echo.Context) error {
	if err := s.db.SignOutEverywhere(c.Request().Context(), actor(c)); err != nil {
		return err
	}
	s.clearSession(c)
	s.flash(c, "profile.signed_out_everywhere")
	return c.Redirect(http.StatusSeeOther, "/login")
}
