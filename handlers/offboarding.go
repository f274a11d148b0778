package handlers

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// Offboarding (R-GOV-4): the three-step flow from the user's page (when,
// what happens to their things, confirm), the printable report, the list
// of scheduled ones, and the API. Every decision is the domain's
// (db/offboarding.go, db/policy.go).

// offboardingRoutes registers the routes of offboarding.
func (s *Server) offboardingRoutes(ui, authed *echo.Group) {
	ui.GET("/users/:id/offboard", s.offboardForm)
	ui.POST("/users/:id/offboard", s.offboardSubmit)
	ui.GET("/offboardings", s.offboardingsList)
	ui.GET("/offboardings/:id", s.offboardingShow)
	ui.POST("/offboardings/:id/cancel", s.offboardingCancel)
	authed.POST("/users/:id/offboarding", s.apiOffboard)
	authed.GET("/offboardings", s.apiOffboardingsList)
	authed.GET("/offboardings/:id", s.apiOffboardingGet)
	authed.DELETE("/offboardings/:id", s.apiOffboardingCancel)
}

// offboardPage is the flow: the form (Step 1 and 2), or the summary
// (Confirm) with the plan in hidden fields.
type offboardPage struct {
	U         db.UserDetails
	Form      db.OffboardingInput
	Successor db.User
	Confirm   bool
	Errors    map[string]string
	Error     string
}

func (offboardPage) nav() string { return "users" }

func (s *Server) offboardPageOf(c echo.Context, id int64, in db.OffboardingInput) (offboardPage, error) {
	u, err := s.db.GetUserDetails(c.Request().Context(), actor(c), id)
	if err != nil {
		return offboardPage{}, err
	}
	return offboardPage{U: u, Form: in}, nil
}

func (s *Server) offboardForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.db.MayActOnUser(c.Request().Context(), actor(c), db.ActOffboard, id); err != nil {
		return err
	}
	p, err := s.offboardPageOf(c, id, db.OffboardingInput{SIP: db.ToFree, Numbers: db.ToFree, Seats: db.ToFree,
		Groups: db.GroupsDrop, Delete: db.DeleteNever})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "offboard", p)
}

// offboardSubmit shows the summary of a plan, or runs (or schedules) a
// confirmed one and opens its report.
func (s *Server) offboardSubmit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in db.OffboardingInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	refused := func(err error) error {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		p, perr := s.offboardPageOf(c, id, in)
		if perr != nil {
			return perr
		}
		p.Errors, p.Error = r.Fields, r.Msg
		if p.Error == "" && len(p.Errors) > 0 {
			p.Error = r.Text()
		}
		return s.render(c, r.Status, "offboard", p)
	}
	if !in.Confirmed {
		plan, succ, err := s.db.OffboardingPreview(ctx, actor(c), id, in)
		if err != nil {
			return refused(err)
		}
		p, err := s.offboardPageOf(c, id, plan)
		if err != nil {
			return err
		}
		p.Successor, p.Confirm = succ, true
		return s.render(c, http.StatusOK, "offboard", p)
	}
	o, err := s.db.Offboard(ctx, actor(c), id, in)
	if err != nil {
		return refused(err)
	}
	target := "/offboardings/" + strconv.FormatInt(o.ID, 10)
	if o.SIPSecret != nil { // the successor's new password, shown once on the report
		target += "?shown=" + s.secrets.put(actor(c).SessionHash, []db.SIPSecret{*o.SIPSecret})
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// offboardingView is one offboarding on its page.
type offboardingView struct {
	O       db.Offboarding
	Secrets []db.SIPSecret
}

func (offboardingView) nav() string { return "users" }

func (s *Server) offboardingShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a := actor(c)
	o, err := s.db.GetOffboarding(c.Request().Context(), a, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "offboarding", offboardingView{O: o,
		Secrets: s.secrets.take(a.SessionHash, c.QueryParam("shown"))})
}

// offboardingsPage lists the account's offboardings, scheduled first.
type offboardingsPage struct {
	Items []db.Offboarding
}

func (offboardingsPage) nav() string { return "users" }

func (s *Server) offboardingsList(c echo.Context) error {
	items, err := s.db.ListOffboardings(c.Request().Context(), actor(c), "")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "offboardings", offboardingsPage{Items: items})
}

func (s *Server) offboardingCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.db.CancelOffboarding(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	s.flash(c, "offboarding.cancelled")
	return c.Redirect(http.StatusSeeOther, "/offboardings")
}

// apiOffboardingList is the answer of GET /offboardings.
type apiOffboardingList struct {
	Items []db.Offboarding `json:"items"`
}

func (s *Server) apiOffboard(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in db.OffboardingInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	o, err := s.db.Offboard(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if o.State == "scheduled" {
		status = http.StatusAccepted
	}
	return c.JSON(status, o)
}

func (s *Server) apiOffboardingsList(c echo.Context) error {
	items, err := s.db.ListOffboardings(c.Request().Context(), actor(c), c.QueryParam("state"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apiOffboardingList{Items: items})
}

func (s *Server) apiOffboardingGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	o, err := s.db.GetOffboarding(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

func (s *Server) apiOffboardingCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.db.CancelOffboarding(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// OffboardingID is the offboarding an audit entry speaks of, for a link to
// its report from the audit log (R-GOV-4); 0 for other entries.
func (l auditLine) OffboardingID() int64 {
	if l.Action != "user.offboard" && l.Action != "user.offboard_schedule" {
		return 0
	}
	var after struct {
		ID int64 `json:"offboarding_id"`
	}
	_ = json.Unmarshal([]byte(l.After), &after)
	return after.ID
}
