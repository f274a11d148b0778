package handlers

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// usersPage is the user list (R-USER-7, R-USER-16): the URL holds the
// search, filters, sort and page, so a filtered view can be bookmarked.
type usersPage struct {
	F        db.UserFilter
	Result   db.Page[db.UserRow]
	RowsHTML []template.HTML // Result's items as the table's rows (users_rows.go)
	BulkHTML template.HTML   // the bulk actions' choice
	Roles    []db.Role
	// Group is the group filter's picker, AddGroup the bulk "add to
	// group"'s: each carries only the chosen and a capped few groups.
	Group    groupPicker
	AddGroup groupPicker
	Accounts []db.Account // shown as a filter when the actor may enter several
	Errors   map[string]string
	acting   int64
}

func (usersPage) nav() string { return "users" }

// Elsewhere says the list shows another account than the one acted in: its
// rows are read-only here (switch account to change them).
func (p usersPage) Elsewhere() bool { return p.F.AccountID != 0 && p.F.AccountID != p.acting }

// Statuses lists the status filter's choices.
func (usersPage) Statuses() []string {
	return []string{db.StatusActive, db.StatusInvited, db.StatusBlocked, db.StatusInactive}
}

// List is the list's state in its URL.
func (p usersPage) List() list {
	perPage := ""
	if p.F.PerPage != 50 {
		perPage = strconv.Itoa(p.F.PerPage)
	}
	return list{Path: "/users", Sort: p.F.Sort, DefaultSort: "name", Page: p.Result.Page, Pages: p.Result.Pages(),
		Filters: []string{"q", p.F.Q, "status", p.F.Status, "role_id", strconv.FormatInt(p.F.RoleID, 10),
			"group_id", strconv.FormatInt(p.F.GroupID, 10), "account_id", strconv.FormatInt(p.F.AccountID, 10),
			"per_page", perPage, "inactive_days", strconv.Itoa(p.F.InactiveDays)}}
}

// ExportURL is the CSV export of the filtered list.
func (p usersPage) ExportURL() string {
	l := p.List()
	l.Path = "/users/export.csv"
	return l.URL("page", "", "per_page", "", "sort", "")
}

func (s *Server) usersList(c echo.Context) error {
	ctx := c.Request().Context()
	a := actor(c)
	p := usersPage{acting: a.AccountID}
	if err := bindQuery(c, &p.F); err != nil {
		return err
	}
	res, err := s.db.ListUsers(ctx, a, p.F)
	status := http.StatusOK
	if e := db.AsError(err); e != nil && e.Code == db.EINVALID {
		p.Errors, status = s.tr(c).Fields(e.Fields), http.StatusUnprocessableEntity
	} else if err != nil {
		return err
	}
	p.Result = res
	p.F.Page, p.F.PerPage = res.Page, res.PerPage
	if p.RowsHTML, err = s.userRows(c, res.Items, p.Elsewhere()); err != nil {
		return err
	}
	if p.BulkHTML, err = s.fragments.render("users", "users_bulk_actions", bulkView{T: s.tr(c),
		Block: a.Can(db.PermUsersBlock), Delete: a.Can(db.PermUsersDelete), Manage: a.Can(db.PermUsersManage)}); err != nil {
		return err
	}
	if p.Roles, err = s.db.RoleOptions(ctx, a); err != nil {
		return err
	}
	tr := s.tr(c)
	if p.AddGroup, err = s.newGroupPicker(c, groupPicker{ID: "bulk-group", Name: "group_id", Plain: true,
		Label: tr.T("users.bulk.add_group"), Any: tr.T("ui.pick.none_chosen")}, nil); err != nil {
		return err
	}
	if c.Request().Header.Get("HX-Request") == "true" && c.Request().Header.Get("HX-Target") == "results" {
		return s.render(c, status, "users#results", p)
	}
	var chosen []int64
	if p.F.GroupID != 0 {
		chosen = []int64{p.F.GroupID}
	}
	if p.Group, err = s.newGroupPicker(c, groupPicker{ID: "f-group", Name: "group_id", Q: c.QueryParam("group_q"), Find: true,
		Label: tr.T("users.group"), Any: tr.T("users.any")}, chosen); err != nil {
		return err
	}
	if p.Accounts, err = s.db.EnterableAccounts(ctx, a); err != nil {
		return err
	}
	return s.render(c, status, "users", p)
}

// userAction runs one row-menu action on a user and goes back to the list
// (or where the form said) with a message.
func (s *Server) userAction(do func(c echo.Context, id int64) (db.Msg, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := paramID(c, "id", "error.user_not_found")
		if err != nil {
			return err
		}
		msg, err := do(c, id)
		if err != nil {
			return err
		}
		s.flashText(c, s.tr(c).Msg(msg))
		return c.Redirect(http.StatusSeeOther, backTo(c, "/users"))
	}
}

func (s *Server) usersBlock(c echo.Context, id int64) (db.Msg, error) {
	u, err := s.db.BlockUser(c.Request().Context(), actor(c), id)
	return db.M("user.blocked", "Email", u.Email), err
}

func (s *Server) usersUnblock(c echo.Context, id int64) (db.Msg, error) {
	u, err := s.db.UnblockUser(c.Request().Context(), actor(c), id)
	return db.M("user.unblocked", "Email", u.Email), err
}

func (s *Server) usersDelete(c echo.Context, id int64) (db.Msg, error) {
	return db.M("user.deleted"), s.db.DeleteUser(c.Request().Context(), actor(c), id)
}

func (s *Server) impersonationStop(c echo.Context) error {
	if err := s.db.StopImpersonating(c.Request().Context(), actor(c)); err != nil {
		return err
	}
	sess, _ := s.store.Get(c.Request(), s.cookieName(sessionCookie))
	back, _ := sess.Values["back_sid"].(string)
	delete(sess.Values, "back_sid")
	sess.Values["sid"] = back
	s.rotateCSRF(c)
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	s.flash(c, "user.impersonate.ended")
	return c.Redirect(http.StatusSeeOther, "/users")
}

type bulkForm struct {
	Action string  `form:"action"`
	IDs    []int64 `form:"ids"`
	RoleID int64   `form:"role_id"`
	Group  int64   `form:"group_id"`
	Back   string  `form:"back"`
}

// usersBulk applies one action to the selected users and reports what was
// done and what was skipped, and why ("12 blocked, 1 skipped: the owner").
func (s *Server) usersBulk(c echo.Context) error {
	var f bulkForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	rep, err := s.db.BulkUsers(c.Request().Context(), actor(c), db.BulkInput{Action: f.Action, IDs: f.IDs,
		RoleID: f.RoleID, GroupID: f.Group})
	if err != nil {
		return err
	}
	tr := s.tr(c)
	lines := []string{tr.Msg(rep.Summary())}
	for _, sk := range rep.Skipped {
		lines = append(lines, sk.Label+": "+tr.Msg(sk.Reason))
	}
	s.flashText(c, lines...)
	return c.Redirect(http.StatusSeeOther, localPath(f.Back))
}

// userMenuPage is one row's menu, loaded when it opens (R-USER-7): writing
// every row's menu into the list would cost more than the rest of the page.
type userMenuPage struct {
	Row  db.UserRow
	Acts db.UserActs // what the policy allows on this row (R-SEC-2)
	Back string
}

func (userMenuPage) nav() string { return "users" }

func (s *Server) usersMenu(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actor(c)
	u, err := s.db.GetUserDetails(ctx, a, id)
	if err != nil {
		return err
	}
	acts, err := s.db.UserActions(ctx, a, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "user-menu#content", userMenuPage{
		Row: db.UserRow{User: u.User, Extension: u.Extension}, Acts: acts, Back: backOrCurrent(c)})
}
