package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/tz"
)

// apiMeBody is GET /api/v1/me: the user, their permissions and account.
type apiMeBody struct {
	db.User
	Permissions []db.Permission `json:"permissions"`
	Account     db.Account      `json:"account"`
	// The user's own choices on their profile, "" when they follow the
	// browser / the installation, and the zone their times are shown in
	// (R-PROF-1, R-I18N-2).
	Lang          string `json:"lang"`
	TimeZone      string `json:"time_zone"`
	TimeZoneInUse string `json:"time_zone_in_use"`
}

func (s *Server) apiMe(c echo.Context) error {
	ctx := c.Request().Context()
	a := actor(c)
	me, err := s.db.Me(ctx, a)
	if err != nil {
		return err
	}
	acc, err := s.db.CurrentAccount(ctx, a)
	if err != nil {
		return err
	}
	perms := []db.Permission{}
	for _, p := range db.AllPermissions() {
		if a.Can(p) {
			perms = append(perms, p)
		}
	}
	return c.JSON(http.StatusOK, apiMeBody{User: me, Permissions: perms, Account: acc, Lang: me.Lang,
		TimeZone: me.TimeZone, TimeZoneInUse: tz.Or(a.TimeZone).String()})
}

func (s *Server) apiMePassword(c echo.Context) error {
	var in db.PasswordChange
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	in.Confirm = in.New // a script types nothing twice (R-API-1)
	if err := s.db.ChangeOwnPassword(c.Request().Context(), actor(c), in); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type apiSetupBody struct {
	db.SetupInput
	Token string `json:"token"`
}

// apiSetup is first-run setup for scripts; it takes the same one-time token.
func (s *Server) apiSetup(c echo.Context) error {
	var in apiSetupBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	in.PasswordConfirm = in.Password // a script types nothing twice (R-API-1)
	ok, err := s.setupAllowed(c, in.Token)
	if err != nil {
		return err
	}
	if !ok {
		return db.Errorf(db.ECONFLICT, "setup.done")
	}
	u, err := s.db.Setup(c.Request().Context(), in.SetupInput, c.RealIP())
	if err != nil {
		return err
	}
	s.setupToken.Store(nil)
	return c.JSON(http.StatusCreated, u)
}

type apiAuditQuery struct {
	Actor   string `query:"actor"`
	Action  string `query:"action"`
	Target  string `query:"target"`
	From    string `query:"from"` // RFC 3339 or YYYY-MM-DD
	To      string `query:"to"`
	Page    int    `query:"page"`
	PerPage int    `query:"per_page"`
}

// parseAPITime reads an RFC 3339 time, or a bare YYYY-MM-DD as the
// midnight that starts that day in the token user's zone (R-I18N-2).
func parseAPITime(v *db.ValidationError, field, s string, loc *time.Location) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t
	}
	v.Add(field, db.M("date.api_invalid"))
	return time.Time{}
}

func (s *Server) apiAudit(c echo.Context) error {
	var q apiAuditQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	var v db.ValidationError
	f := db.AuditFilter{Actor: q.Actor, Target: q.Target, Page: q.Page, PerPage: q.PerPage,
		From: parseAPITime(&v, "from", q.From, s.location(c)), To: parseAPITime(&v, "to", q.To, s.location(c))}
	auditActionFilter(s.tr(c), &f, true, "", q.Action)
	if err := v.Err(); err != nil {
		return err
	}
	page, err := s.db.SearchAudit(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	// Each item also reads as a sentence with its change table (R-AUDIT-2).
	return c.JSON(http.StatusOK, db.Page[auditLine]{Items: describeAudits(s.tr(c), page.Items), Total: page.Total,
		Page: page.Page, PerPage: page.PerPage, TotalCapped: page.TotalCapped})
}

func (s *Server) apiNotFound(c echo.Context) error {
	return db.Errorf(db.ENOTFOUND, "error.not_found")
}
