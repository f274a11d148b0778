package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/i18n"
)

// Grants that end (R-GOV-2): sub-account access and a role given until a
// day, on the user's page and its own page, and in the API. Every decision
// is the domain's (db/govgrants.go, db/policy.go).

// grantRoutes registers the routes of grants that end.
func (s *Server) grantRoutes(ui, authed *echo.Group) {
	ui.GET("/users/:id/grants", s.grantsShow)
	ui.POST("/users/:id/grants", s.grantsGive)
	ui.POST("/users/:id/grants/end", s.grantsEnd)
	authed.GET("/users/:id/grants", s.apiGrantsList)
	authed.POST("/users/:id/grants", s.apiGrantsGive)
	authed.PATCH("/users/:id/grants/access/:account_id", s.apiGrantsMove(db.GrantAccess))
	authed.DELETE("/users/:id/grants/access/:account_id", s.apiGrantsEnd(db.GrantAccess))
	authed.PATCH("/users/:id/grants/role", s.apiGrantsMove(db.GrantRole))
	authed.DELETE("/users/:id/grants/role", s.apiGrantsEnd(db.GrantRole))
}

// userGrants is the box of the user's page: the grants that end, and
// whether there is anything to give (the link to the grants page).
type userGrants struct {
	UserID int64
	Items  []db.Grant
	Give   bool
}

// userGrantsBox reads the box of the user's page.
func (s *Server) userGrantsBox(c echo.Context, id int64) (*userGrants, error) {
	ctx := c.Request().Context()
	items, err := s.db.UserGrants(ctx, actor(c), id)
	if err != nil {
		return nil, err
	}
	opts, err := s.db.GrantOptions(ctx, actor(c), id)
	if err != nil {
		return nil, err
	}
	return &userGrants{UserID: id, Items: items, Give: opts.Any()}, nil
}

// grantsPage is the page of a user's grants that end, with the form that
// gives one.
type grantsPage struct {
	U       db.UserDetails
	Items   []db.Grant
	Options db.GrantOptions
	Form    grantForm
	Errors  map[string]string
	Error   string
}

func (grantsPage) nav() string { return "users" }

// grantForm is the form as typed: the end as the viewer writes a date.
type grantForm struct {
	Kind      string `form:"kind"`
	AccountID int64  `form:"account_id"`
	RoleID    int64  `form:"role_id"`
	EndsAt    string `form:"ends_at"`
	Days      string `form:"days"`
	Move      bool   `form:"move"` // the list's "extend": only the end moves
}

// input turns the form into the domain's input: a date typed dd.mm.rrrr
// (or ISO) becomes the ISO day; a number of days that is not one is
// refused by field.
func (f grantForm) input(loc *time.Location) (db.GrantInput, error) {
	in := db.GrantInput{Kind: f.Kind, AccountID: f.AccountID, RoleID: f.RoleID, EndsAt: f.EndsAt, Move: f.Move}
	if f.EndsAt != "" {
		if day, ok := i18n.ParseDate(f.EndsAt, loc); ok {
			in.EndsAt = day.Format(time.DateOnly)
		}
	}
	if f.Days != "" {
		n, err := strconv.Atoi(f.Days)
		if err != nil {
			var v db.ValidationError
			v.Add("days", db.M("grant.days_positive"))
			return in, v.Err()
		}
		in.Days = n
	}
	return in, nil
}

func (s *Server) grantsPageOf(c echo.Context, id int64, f grantForm) (grantsPage, error) {
	ctx := c.Request().Context()
	u, err := s.db.GetUserDetails(ctx, actor(c), id)
	if err != nil {
		return grantsPage{}, err
	}
	items, err := s.db.UserGrants(ctx, actor(c), id)
	if err != nil {
		return grantsPage{}, err
	}
	opts, err := s.db.GrantOptions(ctx, actor(c), id)
	if err != nil {
		return grantsPage{}, err
	}
	if f.Kind == "" {
		f.Kind = db.GrantAccess
		if len(opts.Accounts) == 0 {
			f.Kind = db.GrantRole
		}
	}
	return grantsPage{U: u, Items: items, Options: opts, Form: f}, nil
}

func (s *Server) grantsShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.grantsPageOf(c, id, grantForm{})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "user-grants", p)
}

// grantsGive gives a grant, or moves the end of one (the "extend" forms of
// the list post here too, with the grant's kind and account).
func (s *Server) grantsGive(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f grantForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	in, err := f.input(s.location(c))
	if err == nil {
		_, err = s.db.GiveGrant(c.Request().Context(), actor(c), id, in)
	}
	if err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		p, perr := s.grantsPageOf(c, id, f)
		if perr != nil {
			return perr
		}
		p.Errors, p.Error = r.Fields, r.Msg
		return s.render(c, r.Status, "user-grants", p)
	}
	s.flash(c, "grants.given")
	return c.Redirect(http.StatusSeeOther, "/users/"+strconv.FormatInt(id, 10)+"/grants")
}

// grantsEnd ends a grant now (the button asks first).
func (s *Server) grantsEnd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f grantForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if err := s.db.EndGrant(c.Request().Context(), actor(c), id, f.Kind, f.AccountID); err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		p, perr := s.grantsPageOf(c, id, grantForm{})
		if perr != nil {
			return perr
		}
		p.Error = r.Text()
		return s.render(c, r.Status, "user-grants", p)
	}
	s.flash(c, "grants.ended")
	return c.Redirect(http.StatusSeeOther, "/users/"+strconv.FormatInt(id, 10)+"/grants")
}

// apiGrantList is the answer of GET /users/{id}/grants.
type apiGrantList struct {
	Items []db.Grant `json:"items"`
}

func (s *Server) apiGrantsList(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	items, err := s.db.UserGrants(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apiGrantList{Items: items})
}

func (s *Server) apiGrantsGive(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in db.GrantInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	g, err := s.db.GiveGrant(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

// apiGrantEnd is the body of a PATCH moving a grant's end.
type apiGrantEnd struct {
	EndsAt string `json:"ends_at"`
	Days   int    `json:"days"`
}

// grantAccountID is the {account_id} of an access grant's path; 0 for
// the role grant's, which has none.
func grantAccountID(c echo.Context, kind string) (int64, error) {
	if kind != db.GrantAccess {
		return 0, nil
	}
	return paramID(c, "account_id", "grant.not_found")
}

// apiGrantsMove moves the end of a grant the user holds (extends or
// shortens it); 404 when they hold none.
func (s *Server) apiGrantsMove(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		acc, err := grantAccountID(c, kind)
		if err != nil {
			return err
		}
		var in apiGrantEnd
		if err := bindJSON(c, &in); err != nil {
			return err
		}
		g, err := s.db.GiveGrant(c.Request().Context(), actor(c), id, db.GrantInput{Kind: kind, AccountID: acc,
			EndsAt: in.EndsAt, Days: in.Days, Move: true})
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, g)
	}
}

func (s *Server) apiGrantsEnd(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		acc, err := grantAccountID(c, kind)
		if err != nil {
			return err
		}
		if err := s.db.EndGrant(c.Request().Context(), actor(c), id, kind, acc); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}
