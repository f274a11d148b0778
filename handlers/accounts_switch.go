package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// switchPage lists the accounts the actor may act in (R-ACC-6).
type switchPage struct {
	Q        string
	Accounts []db.Account
	Current  int64
	Home     int64
}

func (switchPage) nav() string { return "" }

func (s *Server) accountsSwitchPage(c echo.Context) error {
	a := actor(c)
	accs, err := s.db.EnterableAccounts(c.Request().Context(), a)
	if err != nil {
		return err
	}
	p := switchPage{Q: strings.TrimSpace(c.QueryParam("q")), Current: a.AccountID, Home: a.HomeAccountID}
	q := strings.ToLower(p.Q)
	for _, acc := range accs {
		if q == "" || strings.Contains(strings.ToLower(acc.Name+" "+acc.ExternalID), q) {
			p.Accounts = append(p.Accounts, acc)
		}
	}
	return s.render(c, http.StatusOK, "account-switch", p)
}

// accountsSwitch changes the account the session acts in and goes to the
// dashboard, whose figures are that account's, or to the local page named
// by next ("add its first users" after creating it).
func (s *Server) accountsSwitch(c echo.Context) error {
	id, err := strconv.ParseInt(c.FormValue("account_id"), 10, 64)
	if err != nil {
		return db.Errorf(db.ENOTFOUND, "account.not_found")
	}
	acc, err := s.db.SwitchAccount(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	s.flash(c, "account.switched", "Name", acc.Name)
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("next")))
}

// userAccessPage is a main-account user's checkbox list of the
// sub-accounts they may enter (R-ACC-4).
type userAccessPage struct {
	Access db.UserAccess
	Error  string
}

func (userAccessPage) nav() string { return "users" }

// Granted reports whether account id is checked.
func (p userAccessPage) Granted(id int64) bool {
	for _, a := range p.Access.Accounts {
		if a.ID == id {
			return a.Granted
		}
	}
	return false
}

func (s *Server) userAccessShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ua, err := s.db.GetUserAccess(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "user-access", userAccessPage{Access: ua})
}

func (s *Server) userAccessSave(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f struct {
		AccountIDs []int64 `form:"account_ids"`
	}
	if err := bindForm(c, &f); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.db.SetUserAccess(ctx, actor(c), id, f.AccountIDs); err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		ua, gerr := s.db.GetUserAccess(ctx, actor(c), id)
		if gerr != nil {
			return gerr
		}
		for i, acc := range ua.Accounts { // the boxes as they were ticked
			ua.Accounts[i].Granted = acc.Fixed || slices.Contains(f.AccountIDs, acc.ID)
		}
		return s.render(c, r.Status, "user-access", userAccessPage{Access: ua, Error: r.Text()})
	}
	s.flash(c, "account.access.saved")
	return c.Redirect(http.StatusSeeOther, "/users/"+strconv.FormatInt(id, 10)+"/access")
}

// mainOnlyNav are the sections only the main account's admins have: a
// sub-account's users never see other accounts (R-ACC-5).
var mainOnlyNav = map[string]bool{"accounts": true, "usage": true}

// ownerOnlyNav are the sections only the owner opens: the outbox holds
// live sign-in links (R-MAIL-1).
var ownerOnlyNav = map[string]bool{"outbox": true, "access_review": true}

// visibleNav is the navigation without the sections the actor's account
// never opens (permissions are checked by the template).
func visibleNav(a db.Actor) []navItem {
	out := make([]navItem, 0, len(navItems))
	for _, it := range navItems {
		if mainOnlyNav[it.Key] && !a.HomeIsMain || ownerOnlyNav[it.Key] && !a.IsOwner {
			continue
		}
		if it.Key == "settings" && db.MaySeeSettings(a) != nil { // no link to a 403
			continue
		}
		if !canAny(a, it.Perm) {
			continue
		}
		out = append(out, it)
	}
	return out
}
