package handlers

import (
	"crypto/subtle"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/i18n"
	"kadra/tz"
)

type setupForm struct {
	db.SetupInput
	Token string `form:"token"`
}

func (s *Server) setupAllowed(c echo.Context, token string) (bool, error) {
	need, err := s.db.NeedsSetup(c.Request().Context())
	if err != nil || !need {
		return false, err
	}
	want := s.setupToken.Load()
	if want == nil || subtle.ConstantTimeCompare([]byte(token), []byte(*want)) != 1 {
		return false, db.Errorf(db.ENOTFOUND, "setup.bad_token")
	}
	return true, nil
}

func (s *Server) setupForm(c echo.Context) error {
	ok, err := s.setupAllowed(c, c.QueryParam("token"))
	if err != nil {
		return err
	}
	if !ok {
		s.flash(c, "setup.done")
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	f := setupForm{Token: c.QueryParam("token")}
	f.TimeZone = tz.Default
	return s.render(c, http.StatusOK, "setup", formPage[setupForm]{Form: f})
}

func (s *Server) setupSubmit(c echo.Context) error {
	var f setupForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	ok, err := s.setupAllowed(c, f.Token)
	if err != nil {
		return err
	}
	if !ok {
		s.flash(c, "setup.done")
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	if _, err := s.db.Setup(c.Request().Context(), f.SetupInput, c.RealIP()); err != nil {
		f.Password, f.PasswordConfirm = "", ""
		return refuse(s, c, "setup", formPage[setupForm]{Form: f}, err)
	}
	s.setupToken.Store(nil)
	s.log.Info("setup done", "account", f.AccountName, "owner", f.Email)
	s.flash(c, "setup.created")
	return c.Redirect(http.StatusSeeOther, loginWith(f.Email))
}

type loginForm struct {
	Email    string `form:"email"`
	Password string `form:"password"`
	Next     string `form:"next"`
	// The provider's button (auth_oidc.go), when sign-in with one is on.
	Provider   string `form:"-"`
	ProviderOn bool   `form:"-"`
}

func (s *Server) loginForm(c echo.Context) error {
	if need, err := s.db.NeedsSetup(c.Request().Context()); err != nil {
		return err
	} else if need {
		return s.render(c, http.StatusOK, "setup-pending", nil)
	}
	if actor(c).Valid() {
		return c.Redirect(http.StatusSeeOther, localPath(c.QueryParam("next")))
	}
	f := loginForm{Next: c.QueryParam("next"), Email: c.QueryParam("email")}
	s.withProvider(c, &f)
	return s.render(c, http.StatusOK, "login", formPage[loginForm]{Form: f, Extra: s.db.PasskeysAvailable()})
}

// loginWith is the sign-in page with the e-mail filled in: where setup and
// an activation or reset link lead next (issue 11).
func loginWith(email string) string {
	if email == "" {
		return "/login"
	}
	return "/login?" + url.Values{"email": {email}}.Encode()
}

func (s *Server) loginSubmit(c echo.Context) error {
	var f loginForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	res, err := s.db.Login(c.Request().Context(), db.LoginInput{Email: f.Email, Password: f.Password,
		IP: c.RealIP(), UserAgent: c.Request().UserAgent()})
	if err != nil {
		f.Password = ""
		s.withProvider(c, &f)
		return refuse(s, c, "login", formPage[loginForm]{Form: f, Extra: s.db.PasskeysAvailable()}, err)
	}
	if res.Challenge != "" {
		if err := s.startSecondStep(c, res.Challenge); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/login/code?next="+url.QueryEscape(localPath(f.Next)))
	}
	if err := s.startSession(c, res.Session); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, localPath(f.Next))
}

func (s *Server) logout(c echo.Context) error {
	if err := s.db.Logout(c.Request().Context(), actor(c)); err != nil {
		return err
	}
	s.clearSession(c)
	s.flash(c, "login.signed_out")
	return c.Redirect(http.StatusSeeOther, "/login")
}

// langSet remembers the chosen language in a cookie and goes back. A user
// who chose a language on their profile changes that choice too, since it
// outranks the cookie (R-PROF-1); while an admin acts as them it stays.
func (s *Server) langSet(c echo.Context) error {
	lang := c.FormValue("lang")
	if !i18n.Supported(lang) {
		return db.Errorf(db.EINVALID, "error.bad_request")
	}
	if a := actor(c); a.Valid() && a.UserLang != "" && a.ImpersonatorID == 0 {
		if err := s.db.SetOwnLang(c.Request().Context(), a, lang); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("next")))
}
