package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// Settings -> Katalog (/settings/directory), the SCIM half (issue 17): the
// SCIM base URL, the account's SCIM tokens (made and revoked here, shown
// once), the last sync and the last 50 SCIM requests. The OpenID Connect
// half is another partial of the same page.

// directoryPage is Settings → Katalog: provisioning over SCIM (for
// users.manage) and sign-in through the provider (the owner's); each
// section is nil for whoever may not see it.
type directoryPage struct {
	SCIM *directorySCIM
	OIDC *oidcSection
}

type directorySCIM struct {
	BaseURL   string
	Tokens    []directoryToken
	Roles     []db.Role
	Positions []db.Group
	Requests  []db.SCIMRequest
	LastSync  *time.Time
	NewToken  string
	NewName   string
	Form      db.SCIMTokenInput
	Errors    map[string]string
	Error     string
}

type directoryToken struct {
	db.SCIMToken
	Ceiling, Role, Position string
}

func (p directoryPage) nav() string { return "settings" }

func (s *Server) directorySCIMData(c echo.Context) (directorySCIM, error) {
	ctx, a := c.Request().Context(), actor(c)
	out := directorySCIM{BaseURL: s.scimOrigin(c) + scimBase}
	toks, err := s.db.SCIMTokens(ctx, a)
	if err != nil {
		return out, err
	}
	if out.Roles, err = s.db.RoleOptions(ctx, a); err != nil {
		return out, err
	}
	groups, err := s.db.GroupOptions(ctx, a)
	if err != nil {
		return out, err
	}
	for _, g := range groups {
		if g.Position {
			out.Positions = append(out.Positions, g)
		}
	}
	roleName, posName := map[int64]string{}, map[int64]string{}
	for _, r := range out.Roles {
		roleName[r.ID] = r.Name
	}
	for _, g := range out.Positions {
		posName[g.ID] = g.Name
	}
	for _, t := range toks {
		out.Tokens = append(out.Tokens, directoryToken{SCIMToken: t, Ceiling: roleName[t.CeilingRoleID],
			Role: roleName[t.DefaultRoleID], Position: posName[t.DefaultPositionID]})
	}
	if out.Requests, err = s.db.SCIMRequests(ctx, a); err != nil {
		return out, err
	}
	if len(out.Requests) > 0 {
		out.LastSync = &out.Requests[0].At
	}
	if len(out.Positions) > 0 {
		out.Form.DefaultPositionID = out.Positions[0].ID
	}
	for _, r := range out.Roles {
		if r.Kind == db.BuiltinStaff {
			out.Form.DefaultRoleID, out.Form.CeilingRoleID = r.ID, r.ID
		}
	}
	return out, nil
}

// directoryFor is the page with each section its viewer may see.
func (s *Server) directoryFor(c echo.Context) (directoryPage, error) {
	var p directoryPage
	if err := db.MaySeeDirectory(actor(c)); err != nil {
		return p, err
	}
	if db.MayManageSCIM(actor(c)) == nil {
		d, err := s.directorySCIMData(c)
		if err != nil {
			return p, err
		}
		p.SCIM = &d
	}
	o, err := s.oidcSectionFor(c)
	p.OIDC = o
	return p, err
}

// directoryShow is GET /settings/directory.
func (s *Server) directoryShow(c echo.Context) error {
	p, err := s.directoryFor(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "directory", p)
}

// directoryWith shows the page with one section replaced by its own
// answer (a refused form, a token shown once, a check's result).
func (s *Server) directoryWith(c echo.Context, status int, set func(*directoryPage)) error {
	p, err := s.directoryFor(c)
	if err != nil {
		return err
	}
	set(&p)
	return s.render(c, status, "directory", p)
}

// directorySCIMCreate makes a SCIM token and shows it this once; a refused
// form comes back with what was typed.
func (s *Server) directorySCIMCreate(c echo.Context) error {
	var in db.SCIMTokenInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	raw, err := s.db.CreateSCIMToken(c.Request().Context(), actor(c), in)
	d, derr := s.directorySCIMData(c)
	if derr != nil {
		return derr
	}
	d.Form = in
	if err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		d.Errors, d.Error = r.Fields, r.Msg
		return s.directoryWith(c, r.Status, func(p *directoryPage) { p.SCIM = &d })
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	d.NewToken, d.NewName = raw, in.Name
	d.Form = db.SCIMTokenInput{CeilingRoleID: in.CeilingRoleID, DefaultRoleID: in.DefaultRoleID,
		DefaultPositionID: in.DefaultPositionID}
	return s.directoryWith(c, http.StatusOK, func(p *directoryPage) { p.SCIM = &d })
}

// directorySCIMRevoke is POST /settings/directory/scim-tokens/revoke.
func (s *Server) directorySCIMRevoke(c echo.Context) error {
	if err := s.db.RevokeSCIMToken(c.Request().Context(), actor(c), c.FormValue("id")); err != nil {
		return err
	}
	s.flash(c, "scim.token_revoked")
	return c.Redirect(http.StatusSeeOther, "/settings/directory")
}
