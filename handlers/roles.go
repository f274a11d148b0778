package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// permArea is one area of the catalogue, for grouping the permission
// checkboxes and lists (R-ROLE-1).
type permArea struct {
	Key   string
	Perms []db.PermissionInfo
}

// permAreas is the catalogue by area, in catalogue order.
func permAreas() []permArea {
	var out []permArea
	for _, p := range db.Catalogue {
		if len(out) == 0 || out[len(out)-1].Key != p.Area {
			out = append(out, permArea{Key: p.Area})
		}
		out[len(out)-1].Perms = append(out[len(out)-1].Perms, p)
	}
	return out
}

// rolesPage is the role list: search, sort and page live in the URL.
type rolesPage struct {
	F      db.RoleFilter
	Result db.Page[db.Role]
	All    int // permissions in the catalogue
}

func (rolesPage) nav() string { return "roles" }

// List is the list's state in its URL.
func (p rolesPage) List() list {
	return list{Path: "/roles", Sort: p.F.Sort, DefaultSort: "name", Page: p.Result.Page, Pages: p.Result.Pages(),
		Filters: []string{"q", p.F.Q}}
}

func (s *Server) rolesList(c echo.Context) error {
	p := rolesPage{All: len(db.Catalogue)}
	if err := bindQuery(c, &p.F); err != nil {
		return err
	}
	res, err := s.db.ListRoles(c.Request().Context(), actor(c), p.F)
	if err != nil {
		return err
	}
	p.Result, p.F.Page = res, res.Page
	if c.Request().Header.Get("HX-Request") == "true" && c.Request().Header.Get("HX-Target") == "results" {
		return s.render(c, http.StatusOK, "roles#results", p)
	}
	return s.render(c, http.StatusOK, "roles", p)
}

// roleShowPage is a role's details (R-ROLE-5): its permissions by area and
// a searchable, paged list of its users.
type roleShowPage struct {
	Role    db.Role
	Areas   []permArea
	F       db.UserFilter
	Holders db.Page[db.RoleUser]
	Error   string
}

func (roleShowPage) nav() string { return "roles" }

// List is the state of the role's user list in its URL.
func (p roleShowPage) List() list {
	return list{Path: "/roles/" + strconv.FormatInt(p.Role.ID, 10), Page: p.Holders.Page, Pages: p.Holders.Pages(),
		Filters: []string{"q", p.F.Q}}
}

func (s *Server) roleShowData(c echo.Context, id int64) (roleShowPage, error) {
	ctx := c.Request().Context()
	p := roleShowPage{Areas: permAreas()}
	if err := bindQuery(c, &p.F); err != nil {
		return p, err
	}
	var err error
	if p.Role, err = s.db.GetRole(ctx, actor(c), id); err != nil {
		return p, err
	}
	p.Holders, err = s.db.RoleHolders(ctx, actor(c), id, p.F)
	return p, err
}

func (s *Server) rolesShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.roleShowData(c, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "role-show", p)
}

// rolesDelete deletes a role after the page's confirmation; a refusal
// (built-in, still held: R-ROLE-4, R-ROLE-6) comes back on the details page.
func (s *Server) rolesDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.roleShowData(c, id)
	if err != nil {
		return err
	}
	if err := s.db.DeleteRole(c.Request().Context(), actor(c), id); err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		p.Error = r.Text()
		return s.render(c, r.Status, "role-show", p)
	}
	s.flash(c, "role.deleted", "Name", p.Role.Name)
	return c.Redirect(http.StatusSeeOther, "/roles")
}

// roleForm is the edit form. Shown is set by a hidden field when the form
// offered permission checkboxes, so that ticking none means "none" while
// a built-in role's fixed permissions are left alone.
type roleForm struct {
	Name        string          `form:"name"`
	Description string          `form:"description"`
	Permissions []db.Permission `form:"permissions"`
	Shown       bool            `form:"permissions_shown"`
	RequireMFA  bool            `form:"require_mfa"` // R-MFA-3
}

type roleEditExtra struct {
	Role  db.Role
	Areas []permArea
}

// Has reports whether the form has permission p ticked.
func (f roleForm) Has(p db.Permission) bool {
	for _, x := range f.Permissions {
		if x == p {
			return true
		}
	}
	return false
}

func (s *Server) rolesEdit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := db.MayManageRoles(actor(c)); err != nil {
		return err
	}
	r, err := s.db.GetRole(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	f := formPage[roleForm]{Form: roleForm{Name: r.Name, Description: r.Description, Permissions: r.Permissions,
		RequireMFA: r.RequireMFA},
		active: "roles", Extra: roleEditExtra{Role: r, Areas: permAreas()}}
	return s.render(c, http.StatusOK, "role-edit", f)
}

func (s *Server) rolesUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in roleForm
	if err := bindForm(c, &in); err != nil {
		return err
	}
	patch := db.RolePatch{Name: &in.Name, Description: &in.Description, RequireMFA: &in.RequireMFA}
	if in.Shown {
		perms := append([]db.Permission{}, in.Permissions...)
		patch.Permissions = &perms
	}
	r, err := s.db.UpdateRole(c.Request().Context(), actor(c), id, patch)
	if err != nil {
		before, gerr := s.db.GetRole(c.Request().Context(), actor(c), id)
		if gerr != nil {
			return gerr
		}
		if !in.Shown {
			in.Permissions = before.Permissions
		}
		f := formPage[roleForm]{Form: in, active: "roles", Extra: roleEditExtra{Role: before, Areas: permAreas()}}
		return refuse(s, c, "role-edit", f, err)
	}
	s.flash(c, "role.saved", "Name", r.Name)
	return c.Redirect(http.StatusSeeOther, "/roles/"+strconv.FormatInt(id, 10))
}
