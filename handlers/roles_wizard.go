package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// roleWizard is the state of the three-step role wizard (R-ROLE-2): name
// and description, then permissions, then the users who get the role. It
// travels in hidden fields from step to step, never in the session, so a
// refused or revisited step keeps everything typed. Go is the button
// pressed: next, back, search, page:N or create.
type roleWizard struct {
	Step        int             `form:"step"`
	Go          string          `form:"go"`
	Name        string          `form:"name"`
	Description string          `form:"description"`
	Permissions []db.Permission `form:"permissions"`
	UserIDs     []int64         `form:"user_ids"`
	Q           string          `form:"q"`
	UPage       int             `form:"upage"`
}

// Has reports whether permission p is ticked.
func (w roleWizard) Has(p db.Permission) bool { return slices.Contains(w.Permissions, p) }

// Picked reports whether user id is ticked.
func (w roleWizard) Picked(id int64) bool { return slices.Contains(w.UserIDs, id) }

func (w roleWizard) input() db.RoleInput {
	return db.RoleInput{Name: w.Name, Description: w.Description, Permissions: w.Permissions, UserIDs: w.UserIDs}
}

// roleWizardPage is what a step shows: the state, messages, the catalogue
// (step 2) and a page of the account's users with their current role
// (step 3). Elsewhere lists the ticked users not on this page.
type roleWizardPage struct {
	W         roleWizard
	Errors    map[string]string
	Error     string
	Areas     []permArea
	Users     db.Page[db.RoleUser]
	Elsewhere []int64
}

func (roleWizardPage) nav() string { return "roles" }

// Steps numbers the wizard's steps for its progress list.
func (roleWizardPage) Steps() []int { return []int{1, 2, 3} }

// PrevPage is the value of the user list's "previous" button, "" on the
// first page.
func (p roleWizardPage) PrevPage() string {
	if p.Users.Page > 1 {
		return "page:" + strconv.Itoa(p.Users.Page-1)
	}
	return ""
}

// NextPage is the value of the "next" button, "" on the last page.
func (p roleWizardPage) NextPage() string {
	if p.Users.Page < p.Users.Pages() {
		return "page:" + strconv.Itoa(p.Users.Page+1)
	}
	return ""
}

func (s *Server) rolesNew(c echo.Context) error {
	if err := db.MayManageRoles(actor(c)); err != nil {
		return err
	}
	return s.roleWizardStep(c, http.StatusOK, roleWizardPage{W: roleWizard{Step: 1}})
}

// rolesWizard moves the wizard one step: forward after the step checks
// out, back without checks, within the user list, or, at the end, creates
// the role and moves the picked users into it.
func (s *Server) rolesWizard(c echo.Context) error {
	a := actor(c)
	if err := db.MayManageRoles(a); err != nil {
		return err
	}
	var w roleWizard
	if err := bindForm(c, &w); err != nil {
		return err
	}
	w.Step = min(max(w.Step, 1), 3)
	p := roleWizardPage{W: w}
	ctx := c.Request().Context()
	switch {
	case w.Go == "back":
		p.W.Step = max(w.Step-1, 1)
	case w.Go == "search":
		p.W.Step, p.W.UPage = 3, 1
	case strings.HasPrefix(w.Go, "page:"):
		p.W.Step = 3
		p.W.UPage, _ = strconv.Atoi(strings.TrimPrefix(w.Go, "page:"))
	case w.Go == "create":
		r, err := s.db.CreateRole(ctx, a, w.input())
		if err == nil {
			s.flash(c, "role.created", "Name", r.Name)
			return c.Redirect(http.StatusSeeOther, "/roles/"+strconv.FormatInt(r.ID, 10))
		}
		return s.roleWizardRefused(c, p, err)
	default: // next
		if err := s.db.CheckRoleStep(ctx, a, w.input(), db.RoleStep(w.Step)); err != nil {
			return s.roleWizardRefused(c, p, err)
		}
		p.W.Step = min(w.Step+1, 3)
	}
	return s.roleWizardStep(c, http.StatusOK, p)
}

// roleWizardRefused shows the step holding the first refused field, with
// every value kept; a refusal without fields stays on the current step.
func (s *Server) roleWizardRefused(c echo.Context, p roleWizardPage, err error) error {
	r, ok := s.formError(c, err)
	if !ok {
		return err
	}
	p.Errors, p.Error = r.Fields, r.Msg
	for step, fields := range [][]string{{"name", "description"}, {"permissions"}, {"user_ids"}} {
		if slices.ContainsFunc(fields, func(f string) bool { _, ok := r.Fields[f]; return ok }) {
			p.W.Step = step + 1
			break
		}
	}
	return s.roleWizardStep(c, r.Status, p)
}

// roleWizardStep renders the current step with what it needs.
func (s *Server) roleWizardStep(c echo.Context, status int, p roleWizardPage) error {
	p.Areas = permAreas()
	if p.W.Step == 3 {
		users, err := s.db.RoleCandidates(c.Request().Context(), actor(c),
			db.UserFilter{Q: p.W.Q, Page: p.W.UPage, PerPage: 25})
		if err != nil {
			return err
		}
		p.Users, p.W.UPage = users, users.Page
		for _, id := range p.W.UserIDs {
			if !slices.ContainsFunc(users.Items, func(u db.RoleUser) bool { return u.ID == id }) {
				p.Elsewhere = append(p.Elsewhere, id)
			}
		}
	}
	return s.render(c, status, "role-new", p)
}
