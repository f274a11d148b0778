package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

type forgotForm struct {
	Email string `form:"email"`
}

// forgotForm is the sign-in page's "Forgot password?" (R-USER-12).
func (s *Server) forgotForm(c echo.Context) error {
	return s.render(c, http.StatusOK, "forgot-password", formPage[forgotForm]{Form: forgotForm{Email: c.QueryParam("email")}})
}

// forgotSubmit answers alike whether or not the address exists, and in the
// same time: it checks the form and the limits, which read nothing about
// the address, queues the look-up and the mail for after the answer, and
// goes on to the same "a link is on its way, if..." page.
func (s *Server) forgotSubmit(c echo.Context) error {
	var f forgotForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	in, err := s.db.CheckPasswordResetRequest(c.Request().Context(), db.ForgotPasswordInput{Email: f.Email,
		IP: c.RealIP(), Lang: requestLang(c)})
	if err != nil {
		return refuse(s, c, "forgot-password", formPage[forgotForm]{Form: f}, err)
	}
	s.resets.add(in)
	return c.Redirect(http.StatusSeeOther, "/forgot-password/sent")
}

// forgotSent says a link is on its way, if the address is known; without
// an SMTP server it says instead that the mail waits in the outbox, which
// is true of every address alike (R-MAIL-1).
func (s *Server) forgotSent(c echo.Context) error {
	delivery, err := s.db.MailDelivery(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "forgot-sent", forgotSentPage{Outbox: delivery == db.MailToOutbox})
}

type forgotSentPage struct {
	Outbox bool // no SMTP server: mail waits in the outbox
}

type newPasswordForm struct {
	Password        string `form:"password"`
	PasswordConfirm string `form:"password_confirm"`
}

// tokenPage is what the page behind an activation or reset link shows.
type tokenPage struct {
	Kind   string // "activation" or "reset"
	Action string // the form's URL: the link itself
	Info   db.TokenInfo
	Policy []db.Msg
}

// tokenForm shows the password form behind a link of kind, or one clear
// page when the link does not work.
func (s *Server) tokenForm(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		page, err := s.tokenPage(c, kind)
		if err != nil {
			return s.tokenRefused(c, kind, err)
		}
		return s.render(c, http.StatusOK, "set-password", formPage[newPasswordForm]{Extra: page})
	}
}

// tokenSubmit sets the password through a link of kind: Activate for an
// invitation (R-USER-11), CompleteReset for a reset (R-USER-12).
func (s *Server) tokenSubmit(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var f newPasswordForm
		if err := bindForm(c, &f); err != nil {
			return err
		}
		in := db.NewPasswordInput{Token: c.Param("token"), Password: f.Password,
			PasswordConfirm: f.PasswordConfirm, IP: c.RealIP()}
		// Whose link it is, read before it is used up: the sign-in form
		// then comes pre-filled with their e-mail (issue 11).
		info, _ := s.db.CheckToken(c.Request().Context(), kind, in.Token)
		var err error
		if kind == "activation" {
			err = s.db.Activate(c.Request().Context(), in)
		} else {
			err = s.db.CompleteReset(c.Request().Context(), in)
		}
		if err != nil {
			if db.ErrorCode(err) == db.ENOTFOUND {
				return s.tokenRefused(c, kind, err)
			}
			page, perr := s.tokenPage(c, kind)
			if perr != nil {
				return s.tokenRefused(c, kind, perr)
			}
			return refuse(s, c, "set-password", formPage[newPasswordForm]{Extra: page}, err)
		}
		s.flash(c, "token."+kind+".done")
		return c.Redirect(http.StatusSeeOther, loginWith(info.Email))
	}
}

func (s *Server) tokenPage(c echo.Context, kind string) (tokenPage, error) {
	ctx := c.Request().Context()
	info, err := s.db.CheckToken(ctx, kind, c.Param("token"))
	if err != nil {
		return tokenPage{}, err
	}
	policy, err := s.db.PasswordPolicy(ctx)
	if err != nil {
		return tokenPage{}, err
	}
	action := "/reset-password/"
	if kind == "activation" {
		action = "/activate/"
	}
	return tokenPage{Kind: kind, Action: action + c.Param("token"), Info: info, Policy: policy.Rules()}, nil
}

// tokenRefused shows the one page for a link that does not work (unknown,
// expired, used), with the way to a new one.
func (s *Server) tokenRefused(c echo.Context, kind string, err error) error {
	if db.ErrorCode(err) != db.ENOTFOUND {
		return err
	}
	return s.render(c, http.StatusNotFound, "token-invalid", tokenPage{Kind: kind})
}

// usersResetPassword is the row menu's "Reset password" / "Resend
// activation" (R-USER-7, R-USER-12).
// The message says what became of the mail (R-MAIL-1).
func (s *Server) usersResetPassword(c echo.Context, id int64) (db.Msg, error) {
	sent, err := s.db.ResetPassword(c.Request().Context(), actor(c), id)
	if err != nil {
		return db.Msg{}, err
	}
	return s.mailOutcome(c, sent), nil
}

// apiUsersResetPassword is POST /api/v1/users/{id}/reset-password
// (R-USER-12): 202 with which mail was queued and where it goes.
func (s *Server) apiUsersResetPassword(c echo.Context) error {
	id, err := paramID(c, "id", "error.user_not_found")
	if err != nil {
		return err
	}
	sent, err := s.db.ResetPassword(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, sent)
}
