package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// navItem is one entry of the main navigation.
type navItem struct {
	Key  string // i18n "nav.<key>" and the active marker
	Path string
	Perm string // shown only with this permission; "" for everyone
}

var navItems = []navItem{
	{"users", "/users", "users.view"},
	{"roles", "/roles", "users.view|users.manage"},
	{"groups", "/groups", "users.view|users.manage|groups.manage"},
	{"sip", "/sip", "sip.manage"},
	{"numbers", "/numbers", "numbers.manage"},
	{"accounts", "/accounts", "accounts.manage"},
	{"usage", "/usage", "accounts.manage"},
	{"licenses", "/licenses", "licenses.manage"},
	{"audit", "/audit", "audit.view"},
	{"outbox", "/outbox", ""},               // the owner's only (ownerOnlyNav)
	{"access_review", "/access-review", ""}, // the owner's only (R-GOV-5)
	{"settings", "/settings", ""},
}

type dashboardPage struct {
	Me       db.User
	Stats    db.Dashboard
	RoleName string // the user's own role, by name
}

func (dashboardPage) nav() string { return "" }

func (s *Server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	me, err := s.db.Me(ctx, actor(c))
	if err != nil {
		return err
	}
	stats, err := s.db.Dashboard(ctx, actor(c))
	if err != nil {
		return err
	}
	role, err := s.db.MyRoleName(ctx, actor(c))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "dashboard", dashboardPage{Me: me, Stats: stats, RoleName: role})
}
