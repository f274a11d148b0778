package handlers

import (
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"kadra/db"
)

// Accountable "log in as" (R-GOV-3): a form asks why and for how long; the
// session returns to the admin by itself when the time is up.

type impersonatePage struct {
	User    db.UserDetails
	Choices []int
}

func (s *Server) impersonateForm(c echo.Context, id int64, f formPage[db.ImpersonationInput], err error) error {
	u, uerr := s.db.GetUserDetails(c.Request().Context(), actor(c), id)
	if uerr != nil {
		return uerr
	}
	f.active, f.Extra = "users", impersonatePage{User: u, Choices: db.ImpersonationMinuteChoices}
	if err != nil {
		return refuse(s, c, "impersonate", f, err)
	}
	return s.render(c, http.StatusOK, "impersonate", f)
}

// usersImpersonateNew asks the reason and the time limit of a "log in as".
func (s *Server) usersImpersonateNew(c echo.Context) error {
	id, err := paramID(c, "id", "error.user_not_found")
	if err != nil {
		return err
	}
	if err := s.db.MayActOnUser(c.Request().Context(), actor(c), db.ActImpersonate, id); err != nil {
		return err
	}
	return s.impersonateForm(c, id, formPage[db.ImpersonationInput]{
		Form: db.ImpersonationInput{Minutes: db.ImpersonationDefaultMinutes}}, nil)
}

// usersImpersonate starts "log in as": the admin's own session id is kept
// in the cookie, so that "back", or the end of the time limit, returns to
// it.
func (s *Server) usersImpersonate(c echo.Context) error {
	id, err := paramID(c, "id", "error.user_not_found")
	if err != nil {
		return err
	}
	var in db.ImpersonationInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	sid, err := s.db.Impersonate(c.Request().Context(), actor(c), id, in)
	if db.ErrorCode(err) == db.EINVALID {
		return s.impersonateForm(c, id, formPage[db.ImpersonationInput]{Form: in}, err)
	} else if err != nil {
		return err
	}
	sess, _ := s.store.Get(c.Request(), s.cookieName(sessionCookie))
	sess.Values["back_sid"] = sess.Values["sid"]
	sess.Values["sid"] = sid
	s.rotateCSRF(c)
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// backFromImpersonation is called when the session in the cookie is no
// longer valid: when it was a "log in as" whose time ran out and the
// admin's own session still lives, the cookie goes back to the admin and
// the request is answered with a redirect to the user list (nothing the
// request asked is done, neither as the user nor as the admin). It
// reports whether it answered.
func (s *Server) backFromImpersonation(c echo.Context, sess *sessions.Session) (bool, error) {
	back, _ := sess.Values["back_sid"].(string)
	if back == "" {
		return false, nil
	}
	if _, err := s.db.SessionActor(c.Request().Context(), back, c.RealIP()); err != nil {
		return false, nil
	}
	delete(sess.Values, "back_sid")
	sess.Values["sid"] = back
	s.rotateCSRF(c)
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return true, err
	}
	s.flash(c, "impersonation.expired")
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", "/users")
		return true, c.NoContent(http.StatusOK)
	}
	return true, c.Redirect(http.StatusSeeOther, "/users")
}

// ImpersonationLeft is how many minutes remain of the "log in as" the
// viewer is in, at least 1, for the banner; 0 outside one.
func (v view) ImpersonationLeft() int {
	if v.Actor.ImpersonatorID == 0 || v.Actor.ImpersonationEnds.IsZero() {
		return 0
	}
	return max(1, int(v.Actor.ImpersonationEnds.Sub(v.now).Minutes()+0.999))
}

// settingsImpersonation saves the owner's switch "mail the user when an
// admin logs in as them" (R-GOV-3).
func (s *Server) settingsImpersonation(c echo.Context) error {
	on := c.FormValue("notify_user") == "1"
	if err := s.db.SetImpersonationNotify(c.Request().Context(), actor(c), on); err != nil {
		return err
	}
	s.flash(c, "settings.saved")
	return c.Redirect(http.StatusSeeOther, "/settings/governance#impersonation")
}

// Now is the time of the request, for durations of things still running.
func (v view) Now() time.Time { return v.now }

// profileImpersonationsPage lists every "log in as" of the signed-in user
// (R-GOV-3): a page of its own, and the fragment the profile loads.
func (s *Server) profileImpersonationsPage(c echo.Context) error {
	list, err := s.db.OwnImpersonations(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		return s.render(c, http.StatusOK, "impersonations#list", list)
	}
	return s.render(c, http.StatusOK, "impersonations", list)
}
