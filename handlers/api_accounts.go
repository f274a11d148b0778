package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// The JSON API of sub-accounts (R-ACC-2..4), licences (R-LIC-1) and usage
// (R-ACC-7). A request acts in the token owner's account unless it names
// another in X-Kadra-Account (requireToken).

func (s *Server) apiAccountsList(c echo.Context) error {
	var f db.AccountFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	page, err := s.db.ListAccounts(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) apiAccountsCreate(c echo.Context) error {
	var in db.AccountInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	acc, err := s.db.CreateAccount(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, acc)
}

func (s *Server) apiAccountsGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc, err := s.db.GetAccount(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

func (s *Server) apiAccountsPatch(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var p db.AccountPatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	acc, err := s.db.UpdateAccount(c.Request().Context(), actor(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

// apiAccountsDelete takes ?everything=true&confirm=<name> for an account
// that still has users.
func (s *Server) apiAccountsDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in db.DeleteAccountInput
	if err := bindQuery(c, &in); err != nil {
		return err
	}
	if err := s.db.DeleteAccount(c.Request().Context(), actor(c), id, in); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiAccess is the body of GET and PUT /accounts/{id}/access: every user
// who may enter the sub-account; the owner is always among them.
type apiAccess struct {
	UserIDs []int64 `json:"user_ids"`
}

func (s *Server) apiAccountsAccess(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ids, err := s.db.AccountAccessIDs(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apiAccess{UserIDs: ids})
}

func (s *Server) apiAccountsAccessPut(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiAccess
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actor(c)
	if err := s.db.SetAccountAccess(ctx, a, id, db.AccessChange{Granted: in.UserIDs, All: true}); err != nil {
		return err
	}
	ids, err := s.db.AccountAccessIDs(ctx, a, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apiAccess{UserIDs: ids})
}

func (s *Server) apiLicensesList(c echo.Context) error {
	var f db.LicenseFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	page, err := s.db.ListLicenses(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) apiLicensesCreate(c echo.Context) error {
	var in db.LicenseInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	l, err := s.db.CreateLicense(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, l)
}

// apiLicense is a licence with the users holding its seats.
type apiLicense struct {
	db.License
	Holders []db.LicenseHolder `json:"holders"`
}

func (s *Server) apiLicensesGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actor(c)
	l, err := s.db.GetLicense(ctx, a, id)
	if err != nil {
		return err
	}
	out := apiLicense{License: l, Holders: []db.LicenseHolder{}}
	for page := 1; ; page++ {
		h, err := s.db.LicenseHolders(ctx, a, id, db.HolderFilter{Page: page, PerPage: 200})
		if err != nil {
			return err
		}
		out.Holders = append(out.Holders, h.Items...)
		if page >= h.Pages() {
			break
		}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiLicensesPatch(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var p db.LicensePatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	l, err := s.db.UpdateLicense(c.Request().Context(), actor(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}

func (s *Server) apiLicensesDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.db.DeleteLicense(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiLicensesAssign(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in db.SeatInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	l, err := s.db.AssignSeat(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}

// apiLicensesUnassign takes ?user_id=.
func (s *Server) apiLicensesUnassign(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in db.SeatInput
	if err := bindQuery(c, &in); err != nil {
		return err
	}
	l, err := s.db.UnassignLicense(c.Request().Context(), actor(c), id, in.UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}

func (s *Server) apiUsage(c echo.Context) error {
	u, err := s.db.Usage(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}
