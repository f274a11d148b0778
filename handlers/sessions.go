package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// profileSessionEnd ends one of the user's own sessions ("Wyloguj"); ending
// the current one signs this browser out (R-MFA-4).
func (s *Server) profileSessionEnd(c echo.Context) error {
	a, id := actor(c), c.FormValue("id")
	if err := s.db.EndMySession(c.Request().Context(), a, id); err != nil {
		return err
	}
	if id == a.SessionHash {
		s.clearSession(c)
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	s.flash(c, "sessions.ended")
	return c.Redirect(http.StatusSeeOther, "/profile#sessions")
}

// profileSessionsEndOthers ends every session of the user but this one
// ("Wyloguj pozostałe").
func (s *Server) profileSessionsEndOthers(c echo.Context) error {
	n, err := s.db.EndMyOtherSessions(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	s.flash(c, "sessions.others_ended", "Count", n)
	return c.Redirect(http.StatusSeeOther, "/profile#sessions")
}

// usersSessionsEnd ends one session (form field id) or every session of a
// user, for an admin allowed by R-SEC-2 (db.ActEndSessions).
func (s *Server) usersSessionsEnd(c echo.Context, id int64) (db.Msg, error) {
	n, err := s.db.EndUserSessions(c.Request().Context(), actor(c), id, c.FormValue("session"))
	return db.M("sessions.user_ended", "Count", n), err
}

// tokensPage is the owner's list of every API token (R-MFA-6).
type tokensPage struct {
	Result db.Page[db.InstallationToken]
}

func (tokensPage) nav() string { return "settings" }

func (p tokensPage) List() list {
	return list{Path: "/tokens", Page: p.Result.Page, Pages: p.Result.Pages()}
}

func (s *Server) tokensList(c echo.Context) error {
	var q db.TokensQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	res, err := s.db.AllAPITokens(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "tokens", tokensPage{Result: res})
}

func (s *Server) tokensRevoke(c echo.Context) error {
	if err := s.db.RevokeAnyAPIToken(c.Request().Context(), actor(c), c.FormValue("id")); err != nil {
		return err
	}
	s.flash(c, "token.revoked")
	return c.Redirect(http.StatusSeeOther, backTo(c, "/tokens"))
}
