package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// licensesPage is the acting account's licences with used and free seats
// (R-LIC-1), and the form that adds one.
type licensesPage struct {
	F         db.LicenseFilter
	Result    db.Page[db.License]
	Form      licenseForm
	Errors    map[string]string
	FormError string
}

func (licensesPage) nav() string { return "licenses" }

// licenseForm keeps the seat count as typed, so that "abc" comes back.
type licenseForm struct {
	Product string `form:"product"`
	Seats   string `form:"seats"`
}

// input converts the form; a seat count that is not a number is a field
// message.
func (f licenseForm) input() (db.LicenseInput, error) {
	n, err := strconv.Atoi(f.Seats)
	if err != nil {
		var v db.ValidationError
		v.Add("seats", db.M("license.seats.number"))
		return db.LicenseInput{}, v.Err()
	}
	return db.LicenseInput{Product: f.Product, Seats: n}, nil
}

// List is the list's state in its URL.
func (p licensesPage) List() list {
	return list{Path: "/licenses", Sort: p.F.Sort, DefaultSort: "product", Page: p.Result.Page,
		Pages: p.Result.Pages(), Filters: []string{"q", p.F.Q}}
}

func (s *Server) licensesPageFor(c echo.Context, p licensesPage) (licensesPage, error) {
	if err := bindQuery(c, &p.F); err != nil {
		return p, err
	}
	res, err := s.db.ListLicenses(c.Request().Context(), actor(c), p.F)
	if err != nil {
		return p, err
	}
	p.Result, p.F.Page = res, res.Page
	return p, nil
}

func (s *Server) licensesList(c echo.Context) error {
	p, err := s.licensesPageFor(c, licensesPage{})
	if err != nil {
		return err
	}
	if c.Request().Header.Get("HX-Request") == "true" && c.Request().Header.Get("HX-Target") == "results" {
		return s.render(c, http.StatusOK, "licenses#results", p)
	}
	return s.render(c, http.StatusOK, "licenses", p)
}

func (s *Server) licensesCreate(c echo.Context) error {
	var f licenseForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	in, err := f.input()
	var l db.License
	if err == nil {
		l, err = s.db.CreateLicense(c.Request().Context(), actor(c), in)
	}
	if r, ok := s.formError(c, err); ok {
		p, lerr := s.licensesPageFor(c, licensesPage{Form: f})
		if lerr != nil {
			return lerr
		}
		p.Errors, p.FormError = r.Fields, r.Msg
		return s.render(c, r.Status, "licenses", p)
	} else if err != nil {
		return err
	}
	s.flash(c, "license.created", "Product", l.Product)
	return c.Redirect(http.StatusSeeOther, "/licenses/"+strconv.FormatInt(l.ID, 10))
}

// licensePage is one licence: its seats, holders, the assign form and the
// edit form.
type licensePage struct {
	License    db.License
	HF         db.HolderFilter
	Holders    db.Page[db.LicenseHolder]
	Form       licenseForm
	Errors     map[string]string
	Error      string
	Seat       db.SeatInput
	SeatErrors map[string]string
	SeatError  string
}

func (licensePage) nav() string { return "licenses" }

// List is the state of the holder list in its URL.
func (p licensePage) List() list {
	return list{Path: "/licenses/" + strconv.FormatInt(p.License.ID, 10), Page: p.Holders.Page,
		Pages: p.Holders.Pages(), Filters: []string{"q", p.HF.Q}}
}

func (s *Server) licensePageFor(c echo.Context, id int64, p licensePage) (licensePage, error) {
	ctx, a := c.Request().Context(), actor(c)
	l, err := s.db.GetLicense(ctx, a, id)
	if err != nil {
		return p, err
	}
	p.License = l
	if p.Form == (licenseForm{}) {
		p.Form = licenseForm{Product: l.Product, Seats: strconv.Itoa(l.Seats)}
	}
	_ = bindQuery(c, &p.HF)
	if p.Holders, err = s.db.LicenseHolders(ctx, a, id, p.HF); err != nil {
		return p, err
	}
	p.HF.Page = p.Holders.Page
	return p, nil
}

func (s *Server) licensesShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.licensePageFor(c, id, licensePage{})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "license", p)
}

// licenseRefused shows the licence page again with a refusal in the form
// that caused it.
func (s *Server) licenseRefused(c echo.Context, id int64, p licensePage, err error, seat bool) error {
	r, ok := s.formError(c, err)
	if !ok {
		return err
	}
	p, lerr := s.licensePageFor(c, id, p)
	if lerr != nil {
		return lerr
	}
	if seat {
		p.SeatErrors, p.SeatError = r.Fields, r.Msg
	} else {
		p.Errors, p.Error = r.Fields, r.Msg
	}
	return s.render(c, r.Status, "license", p)
}

func (s *Server) licensesUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f licenseForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	in, err := f.input()
	if err == nil {
		_, err = s.db.UpdateLicense(c.Request().Context(), actor(c), id, db.LicensePatch{Product: &in.Product,
			Seats: &in.Seats})
	}
	if err != nil {
		return s.licenseRefused(c, id, licensePage{Form: f}, err, false)
	}
	s.flash(c, "license.saved")
	return c.Redirect(http.StatusSeeOther, "/licenses/"+strconv.FormatInt(id, 10))
}

func (s *Server) licensesDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.db.DeleteLicense(c.Request().Context(), actor(c), id); err != nil {
		return s.licenseRefused(c, id, licensePage{}, err, false)
	}
	s.flash(c, "license.deleted")
	return c.Redirect(http.StatusSeeOther, "/licenses")
}

func (s *Server) licensesAssign(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f db.SeatInput
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if _, err := s.db.AssignSeat(c.Request().Context(), actor(c), id, f); err != nil {
		return s.licenseRefused(c, id, licensePage{Seat: f}, err, true)
	}
	s.flash(c, "license.assigned")
	return c.Redirect(http.StatusSeeOther, backTo(c, "/licenses/"+strconv.FormatInt(id, 10)))
}

func (s *Server) licensesUnassign(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	userID, err := paramID(c, "user_id", "error.user_not_found")
	if err != nil {
		return err
	}
	if _, err := s.db.UnassignLicense(c.Request().Context(), actor(c), id, userID); err != nil {
		return err
	}
	s.flash(c, "license.unassigned")
	return c.Redirect(http.StatusSeeOther, backTo(c, "/licenses/"+strconv.FormatInt(id, 10)))
}

// userLicensesPage is a user's licences as checkboxes, for their page.
type userLicensesPage struct {
	User     db.UserDetails
	Licenses []db.UserLicense
	Error    string
}

func (userLicensesPage) nav() string { return "users" }

func (s *Server) userLicensesShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.userLicensesFor(c, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "user-licenses", p)
}

func (s *Server) userLicensesFor(c echo.Context, id int64) (userLicensesPage, error) {
	ctx, a := c.Request().Context(), actor(c)
	ls, err := s.db.UserLicenses(ctx, a, id)
	if err != nil {
		return userLicensesPage{}, err
	}
	u, err := s.db.GetUserDetails(ctx, a, id)
	return userLicensesPage{User: u, Licenses: ls}, err
}

func (s *Server) userLicensesSave(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f struct {
		LicenseIDs []int64 `form:"license_ids"`
	}
	if err := bindForm(c, &f); err != nil {
		return err
	}
	full, err := s.db.SetUserLicenses(c.Request().Context(), actor(c), id, f.LicenseIDs)
	if err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		p, lerr := s.userLicensesFor(c, id)
		if lerr != nil {
			return lerr
		}
		for i, l := range p.Licenses { // the boxes as they were ticked
			p.Licenses[i].Held = slices.Contains(f.LicenseIDs, l.ID)
		}
		p.Error = r.Text()
		return s.render(c, r.Status, "user-licenses", p)
	}
	s.flash(c, "license.user_saved")
	if len(full) > 0 {
		s.flash(c, "ui.license.full_skipped", "Products", strings.Join(full, ", "), "Count", len(full))
	}
	return c.Redirect(http.StatusSeeOther, "/users/"+strconv.FormatInt(id, 10)+"/licenses")
}
