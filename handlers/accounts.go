package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// accountsPage is the list of accounts with their user counts (R-ACC-2);
// the URL holds the search, sort and page.
type accountsPage struct {
	F      db.AccountFilter
	Result db.Page[db.Account]
}

func (accountsPage) nav() string { return "accounts" }

// List is the list's state in its URL.
func (p accountsPage) List() list {
	return list{Path: "/accounts", Sort: p.F.Sort, DefaultSort: "name", Page: p.Result.Page, Pages: p.Result.Pages(),
		Filters: []string{"q", p.F.Q}}
}

func (s *Server) accountsList(c echo.Context) error {
	var p accountsPage
	if err := bindQuery(c, &p.F); err != nil {
		return err
	}
	res, err := s.db.ListAccounts(c.Request().Context(), actor(c), p.F)
	if err != nil {
		return err
	}
	p.Result, p.F.Page = res, res.Page
	if c.Request().Header.Get("HX-Request") == "true" && c.Request().Header.Get("HX-Target") == "results" {
		return s.render(c, http.StatusOK, "accounts#results", p)
	}
	return s.render(c, http.StatusOK, "accounts", p)
}

// accountForm is both steps of "Add account": Step "confirm" shows the
// details to confirm, anything else the form.
type accountForm struct {
	db.AccountInput
	Back bool `form:"back"` // "Change" on the confirmation step
}

func (s *Server) accountsNew(c echo.Context) error {
	if err := db.MayManageAccounts(actor(c)); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "account-new", formPage[db.AccountInput]{active: "accounts"})
}

// accountsPrepare checks the first step and shows the confirmation, or the
// form again with its messages; "Change" on the confirmation comes back
// here with the values as they were.
func (s *Server) accountsPrepare(c echo.Context) error {
	var f accountForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	page := formPage[db.AccountInput]{Form: f.AccountInput, active: "accounts"}
	if f.Back {
		if err := db.MayManageAccounts(actor(c)); err != nil {
			return err
		}
		return s.render(c, http.StatusOK, "account-new", page)
	}
	in, err := s.db.PrepareAccount(c.Request().Context(), actor(c), f.AccountInput)
	if err != nil {
		return refuse(s, c, "account-new", page, err)
	}
	page.Form = in
	return s.render(c, http.StatusOK, "account-confirm", page)
}

func (s *Server) accountsCreate(c echo.Context) error {
	var f accountForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	acc, err := s.db.CreateAccount(c.Request().Context(), actor(c), f.AccountInput)
	if err != nil {
		return refuse(s, c, "account-new", formPage[db.AccountInput]{Form: f.AccountInput, active: "accounts"}, err)
	}
	s.flash(c, "account.created", "Name", acc.Name)
	return c.Redirect(http.StatusSeeOther, "/accounts/"+strconv.FormatInt(acc.ID, 10)+"?created=1")
}

// accountPage is one account: its details form, who may enter it and its
// deletion.
type accountPage struct {
	Account   db.Account
	Form      db.AccountInput
	Errors    map[string]string
	Error     string
	Access    db.Page[db.AccessUser]
	AF        db.AccessFilter
	Delete    db.DeleteAccountInput
	DelErrors map[string]string
	DelError  string
	// Created: the account was just made; the page offers the next steps
	// (switch there, add its first users).
	Created bool
	// Countries are the regions phone numbers may be read in (issue 11).
	Countries []db.PhoneCountry
}

func (accountPage) nav() string { return "accounts" }

// List is the state of the access list in its URL.
func (p accountPage) List() list {
	return list{Path: "/accounts/" + strconv.FormatInt(p.Account.ID, 10), Page: p.Access.Page, Pages: p.Access.Pages(),
		Filters: []string{"q", p.AF.Q, "granted", strconv.FormatBool(p.AF.Granted)}, Fragment: "#access"}
}

// accountPageFor loads the account and its access list.
func (s *Server) accountPageFor(c echo.Context, id int64, p accountPage) (accountPage, error) {
	ctx, a := c.Request().Context(), actor(c)
	acc, err := s.db.GetAccount(ctx, a, id)
	if err != nil {
		return p, err
	}
	p.Account, p.Countries = acc, db.PhoneCountries()
	if p.Form == (db.AccountInput{}) {
		p.Form = db.AccountInput{Name: acc.Name, ExternalID: acc.ExternalID, PhoneCountry: acc.PhoneCountry}
	}
	if !acc.Main() {
		_ = bindQuery(c, &p.AF)
		if p.Access, err = s.db.AccountAccess(ctx, a, id, p.AF); err != nil {
			return p, err
		}
		p.AF.Page = p.Access.Page
	}
	return p, nil
}

func (s *Server) accountsShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.accountPageFor(c, id, accountPage{Created: c.QueryParam("created") == "1"})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "account", p)
}

func (s *Server) accountsUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f db.AccountInput
	if err := bindForm(c, &f); err != nil {
		return err
	}
	patch := db.AccountPatch{Name: &f.Name, ExternalID: &f.ExternalID}
	if f.PhoneCountry != "" {
		patch.PhoneCountry = &f.PhoneCountry
	}
	acc, err := s.db.UpdateAccount(c.Request().Context(), actor(c), id, patch)
	if r, ok := s.formError(c, err); ok {
		p, lerr := s.accountPageFor(c, id, accountPage{Form: f})
		if lerr != nil {
			return lerr
		}
		p.Errors, p.Error = r.Fields, r.Msg
		return s.render(c, r.Status, "account", p)
	} else if err != nil {
		return err
	}
	s.flash(c, "account.saved", "Name", acc.Name)
	return c.Redirect(http.StatusSeeOther, "/accounts/"+strconv.FormatInt(id, 10))
}

type accessForm struct {
	Shown   []int64 `form:"shown"`
	Granted []int64 `form:"granted"`
	Back    string  `form:"back"`
}

// accountsAccess saves the checkboxes of the users shown on one page of the
// access list (R-ACC-4).
func (s *Server) accountsAccess(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f accessForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if err := s.db.SetAccountAccess(c.Request().Context(), actor(c), id,
		db.AccessChange{Shown: f.Shown, Granted: f.Granted}); err != nil {
		return err
	}
	s.flash(c, "account.access.saved")
	return c.Redirect(http.StatusSeeOther, localPath(f.Back))
}

func (s *Server) accountsDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f db.DeleteAccountInput
	if err := bindForm(c, &f); err != nil {
		return err
	}
	err = s.db.DeleteAccount(c.Request().Context(), actor(c), id, f)
	if r, ok := s.formError(c, err); ok {
		p, lerr := s.accountPageFor(c, id, accountPage{Delete: f})
		if lerr != nil {
			return lerr
		}
		p.DelErrors, p.DelError = r.Fields, r.Msg
		return s.render(c, r.Status, "account", p)
	} else if err != nil {
		return err
	}
	s.flash(c, "account.deleted")
	return c.Redirect(http.StatusSeeOther, "/accounts")
}
