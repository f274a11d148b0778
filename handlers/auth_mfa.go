package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// secondStepCookie carries the id of a sign-in's second step (R-MFA-1):
// state of its own, short-lived, and no session until the code is right.
const secondStepCookie = "kadra_mfa"

type codeForm struct {
	Code string `form:"code"`
	Next string `form:"next"`
}

func (s *Server) startSecondStep(c echo.Context, challenge string) error {
	sess, _ := s.store.New(c.Request(), s.cookieName(secondStepCookie))
	sess.Values["challenge"] = challenge
	return sess.Save(c.Request(), c.Response())
}

func (s *Server) secondStep(c echo.Context) string {
	sess, _ := s.store.Get(c.Request(), s.cookieName(secondStepCookie))
	v, _ := sess.Values["challenge"].(string)
	return v
}

func (s *Server) clearSecondStep(c echo.Context) {
	sess, _ := s.store.New(c.Request(), s.cookieName(secondStepCookie))
	sess.Options.MaxAge = -1
	_ = sess.Save(c.Request(), c.Response())
}

// loginCodeForm asks for the code of the second step, or goes back to the
// password when there is no step waiting.
func (s *Server) loginCodeForm(c echo.Context) error {
	step, ok := s.db.SecondStepOf(c.Request().Context(), s.secondStep(c))
	if !ok {
		s.clearSecondStep(c)
		s.flash(c, "mfa.login.expired")
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return s.render(c, http.StatusOK, "login-code", formPage[codeForm]{Form: codeForm{Next: localPath(c.QueryParam("next"))},
		Extra: step})
}

func (s *Server) loginCodeSubmit(c echo.Context) error {
	var f codeForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	sid, err := s.db.LoginSecondStep(c.Request().Context(), db.SecondStepInput{Challenge: s.secondStep(c),
		Code: f.Code, IP: c.RealIP(), UserAgent: c.Request().UserAgent()})
	if db.ErrorCode(err) == db.ENOTFOUND {
		s.clearSecondStep(c)
		s.flash(c, "mfa.login.expired")
		return c.Redirect(http.StatusSeeOther, "/login")
	} else if err != nil {
		f.Code = ""
		step, _ := s.db.SecondStepOf(c.Request().Context(), s.secondStep(c))
		return refuse(s, c, "login-code", formPage[codeForm]{Form: f, Extra: step}, err)
	}
	s.clearSecondStep(c)
	if err := s.startSession(c, sid); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, localPath(f.Next))
}

// enrolmentPaths are all a user may reach while their role requires a
// second factor they have not set up (R-MFA-3): the enrolment itself, the
// language switch and signing out.
var enrolmentPaths = map[string]bool{
	"/profile/2fa":             true,
	"/profile/2fa/confirm":     true,
	"/profile/2fa/codes":       true,
	"/profile/passkeys/begin":  true,
	"/profile/passkeys/finish": true,
	"/logout":                  true,
	"/lang":                    true,
}

// requireEnrolled sends a user who must enrol a second factor to the
// enrolment page, from every page but those of enrolmentPaths.
func (s *Server) requireEnrolled(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a := actor(c)
		if !a.Valid() || !a.MustEnrol || enrolmentPaths[c.Path()] {
			return next(c)
		}
		if c.Request().Method != http.MethodGet {
			return db.Errorf(db.EFORBIDDEN, "mfa.must_enrol")
		}
		if c.Request().Header.Get("HX-Request") == "true" {
			c.Response().Header().Set("HX-Redirect", "/profile/2fa")
			return c.NoContent(http.StatusForbidden)
		}
		return c.Redirect(http.StatusSeeOther, "/profile/2fa")
	}
}
