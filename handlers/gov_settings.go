package handlers

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// Settings → Zarządzanie dostępem (/settings/governance), the owner's: the
// dormancy rule with its preview (R-GOV-1) and the log-in-as mail switch
// (R-GOV-3).

// dormancyForm is the dormancy rule as its form sends it. Previewed says
// the form was shown with the preview of these values, which turning the
// rule on requires.
type dormancyForm struct {
	Enabled       bool    `form:"enabled"`
	Days          int     `form:"days"`
	WarnDays      int     `form:"warn_days"`
	ExemptRoleIDs []int64 `form:"exempt_role_ids"`
	Previewed     bool    `form:"previewed"`
}

func (f dormancyForm) rule() db.DormancyRule {
	return db.DormancyRule{Enabled: f.Enabled, Days: f.Days, WarnDays: f.WarnDays, ExemptRoleIDs: f.ExemptRoleIDs}
}

// Exempt says whether role id is ticked.
func (f dormancyForm) Exempt(id int64) bool { return slices.Contains(f.ExemptRoleIDs, id) }

type governanceExtra struct {
	Preview   *db.DormancyPreview
	Roles     []db.Role
	Notify    bool
	WasOn     bool // the saved rule is on
	Previewed bool // this page shows the preview of the form's values
}

func (s *Server) governancePage(c echo.Context, f formPage[dormancyForm], preview bool, err error) error {
	ctx, a := c.Request().Context(), actor(c)
	saved, serr := s.db.GetDormancyRule(ctx, a)
	if serr != nil {
		return serr
	}
	x := governanceExtra{WasOn: saved.Enabled}
	if x.Roles, serr = s.db.RoleOptions(ctx, a); serr != nil {
		return serr
	}
	if x.Notify, serr = s.db.ImpersonationNotify(ctx); serr != nil {
		return serr
	}
	if err == nil || preview {
		p, perr := s.db.PreviewDormancy(ctx, a, f.Form.rule())
		if perr == nil {
			x.Preview, x.Previewed = &p, preview
		} else {
			err = perr // the rule's own fields first
		}
	}
	f.active, f.Extra = "settings", x
	if err != nil {
		return refuse(s, c, "governance", f, err)
	}
	return s.render(c, http.StatusOK, "governance", f)
}

// settingsGovernance shows the saved rule and whom it blocks.
func (s *Server) settingsGovernance(c echo.Context) error {
	r, err := s.db.GetDormancyRule(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	f := dormancyForm{Enabled: r.Enabled, Days: r.Days, WarnDays: r.WarnDays, ExemptRoleIDs: r.ExemptRoleIDs}
	return s.governancePage(c, formPage[dormancyForm]{Form: f}, false, nil)
}

// settingsDormancyPreview shows whom the typed rule would block, today
// and in the next seven days; it saves nothing.
func (s *Server) settingsDormancyPreview(c echo.Context) error {
	var f dormancyForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	return s.governancePage(c, formPage[dormancyForm]{Form: f}, true, nil)
}

// settingsDormancy saves the rule. Turning it on needs the preview of the
// same values first: otherwise the page shows it and asks again.
func (s *Server) settingsDormancy(c echo.Context) error {
	ctx, a := c.Request().Context(), actor(c)
	var f dormancyForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	saved, err := s.db.GetDormancyRule(ctx, a)
	if err != nil {
		return err
	}
	if f.Enabled && !saved.Enabled && !f.Previewed {
		return s.governancePage(c, formPage[dormancyForm]{Form: f}, true,
			db.Errorf(db.EINVALID, "dormancy.preview_first"))
	}
	if err := s.db.SetDormancyRule(ctx, a, f.rule()); err != nil {
		return s.governancePage(c, formPage[dormancyForm]{Form: f}, false, err)
	}
	s.flash(c, "settings.saved")
	return c.Redirect(http.StatusSeeOther, "/settings/governance")
}
