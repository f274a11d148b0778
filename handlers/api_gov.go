package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// The governance API (issue 14): the dormancy rule and its preview
// (R-GOV-1) and the access review (R-GOV-5), the owner's. Log-in-as has
// no API path (a token is not a browser session), so R-GOV-3 is on the
// pages only.

func (s *Server) apiDormancyGet(c echo.Context) error {
	r, err := s.db.GetDormancyRule(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// apiDormancyPatch changes what the body names and keeps the rest.
func (s *Server) apiDormancyPatch(c echo.Context) error {
	var p db.DormancyRulePatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	r, err := s.db.PatchDormancyRule(c.Request().Context(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// apiDormancyPreview says whom the rule in the body would block, today and
// in the next seven days; it saves nothing.
func (s *Server) apiDormancyPreview(c echo.Context) error {
	var r db.DormancyRule
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	p, err := s.db.PreviewDormancy(c.Request().Context(), actor(c), r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) apiAccessReview(c echo.Context) error {
	var f db.AccessReviewFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	p, err := s.db.AccessReview(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) apiAccessReviewState(c echo.Context) error {
	st, err := s.db.GetAccessReviewState(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// apiReviewDoneBody stamps the review: a day (YYYY-MM-DD in the
// installation's zone), or today when left out.
type apiReviewDoneBody struct {
	ReviewedOn string `json:"reviewed_on"`
}

func (s *Server) apiAccessReviewDone(c echo.Context) error {
	var b apiReviewDoneBody
	if err := bindJSON(c, &b); err != nil {
		return err
	}
	var day time.Time
	if b.ReviewedOn != "" {
		t, err := time.ParseInLocation(time.DateOnly, b.ReviewedOn, s.location(c))
		if err != nil {
			var v db.ValidationError
			v.Add("reviewed_on", db.M("error.date"))
			return v.Err()
		}
		day = t
	}
	ctx, a := c.Request().Context(), actor(c)
	if err := s.db.StampAccessReview(ctx, a, day); err != nil {
		return err
	}
	st, err := s.db.GetAccessReviewState(ctx, a)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// govSchemas are the schemas of the governance API.
func govSchemas() map[string]any {
	return map[string]any{
		"DormancyRule":      schemaOf(db.DormancyRule{}),
		"DormancyRuleInput": inputOf(db.DormancyRule{}),
		"DormancyRulePatch": inputOf(db.DormancyRulePatch{}),
		"DormancyPreview":   schemaOf(db.DormancyPreview{}),
		"AccessReviewPage":  pageOf[db.AccessReviewRow](),
		"AccessReviewState": schemaOf(db.AccessReviewState{}),
	}
}

// openAPIGov describes the governance API.
func (s *Server) openAPIGov() map[string]any {
	rule := map[string]any{"200": resp("The rule", ref("DormancyRule"))}
	state := map[string]any{"200": resp("When the review was done and whether the reminder is due", ref("AccessReviewState"))}
	return map[string]any{
		"/dormancy": map[string]any{
			"get": op("The dormancy rule (owner): block users not signed in for days (never signed in: since "+
				"created), warn them by mail warn_days before, never the owner nor exempt_role_ids (R-GOV-1)", rule, nil),
			"patch": op("Change the dormancy rule (owner); fields left out keep their value. Preview it first: "+
				"the hourly job applies it as soon as enabled is true", rule, ref("DormancyRulePatch")),
		},
		"/dormancy/preview": map[string]any{
			"post": op("Whom a rule (not saved, not necessarily on) would block today and in the next 7 days (owner)",
				map[string]any{"200": resp("The users", ref("DormancyPreview"))}, ref("DormancyRuleInput")),
		},
		"/access-review": map[string]any{
			"get": op("Every user of every account with role, permissions, position, sub-account access, second "+
				"factor and last sign-in, the main account first (owner, R-GOV-5)",
				map[string]any{"200": resp("A page of users", ref("AccessReviewPage"))}, nil,
				query("admins", "only the owner and users whose role holds any permission", "boolean"),
				query("inactive_days", "not signed in for this many days (never signed in: since created_at)", "integer"),
				query("page", "from 1", "integer"), query("per_page", "1..200, default 50", "integer")),
		},
		"/access-review/state": map[string]any{
			"get": op("When the access review was last stamped, and whether the dashboard reminds the owner", state, nil),
		},
		"/access-review/done": map[string]any{
			"post": op("Stamp the access review as done (owner); reviewed_on YYYY-MM-DD, today when left out; audited",
				state, inputOf(apiReviewDoneBody{})),
		},
	}
}
