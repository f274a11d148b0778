package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// notifyConfirmPage is the page behind the link confirming a new
// notification address (R-PROF-1).
type notifyConfirmPage struct {
	Action string
	Link   db.NotifyLink
}

// notifyConfirmForm asks to confirm: opening the link changes nothing,
// since mail scanners open links too.
func (s *Server) notifyConfirmForm(c echo.Context) error {
	l, err := s.db.CheckNotifyLink(c.Request().Context(), c.Param("token"))
	if err != nil {
		return s.tokenRefused(c, "notify_email", err)
	}
	return s.render(c, http.StatusOK, "confirm-email", notifyConfirmPage{Action: "/confirm-email/" + c.Param("token"), Link: l})
}

// notifyConfirm makes the new address the user's notification e-mail.
func (s *Server) notifyConfirm(c echo.Context) error {
	addr, err := s.db.ConfirmNotifyEmail(c.Request().Context(), c.Param("token"), c.RealIP(), requestLang(c))
	if err != nil {
		return s.tokenRefused(c, "notify_email", err)
	}
	s.flash(c, "profile.notify.confirmed", "Email", addr)
	if actor(c).Valid() {
		return c.Redirect(http.StatusSeeOther, "/profile")
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}
