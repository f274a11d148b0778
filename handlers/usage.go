package handlers

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// usagePage is the one bill (R-ACC-7): billed seats per account and in
// total, for the previous and the current billing period.
type usagePage struct {
	Usage  db.Usage
	Day    string
	Errors map[string]string
	MaxDay int
}

func (usagePage) nav() string { return "usage" }

// LastDay is the last day a period includes (its end is exclusive).
func (usagePage) LastDay(p db.Period) string {
	return p.End.AddDate(0, 0, -1).Format("2006-01-02")
}

func (s *Server) usageShow(c echo.Context) error {
	u, err := s.db.Usage(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "usage", usagePage{Usage: u, Day: strconv.Itoa(u.BillingDay), MaxDay: db.MaxBillingDay})
}

func (s *Server) usageBillingDay(c echo.Context) error {
	ctx := c.Request().Context()
	day := strings.TrimSpace(c.FormValue("billing_day"))
	n, convErr := strconv.Atoi(day)
	if convErr != nil {
		n = 0
	}
	if err := s.db.SetBillingDay(ctx, actor(c), n); err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		u, uerr := s.db.Usage(ctx, actor(c))
		if uerr != nil {
			return uerr
		}
		return s.render(c, r.Status, "usage", usagePage{Usage: u, Day: day,
			Errors: r.Fields, MaxDay: db.MaxBillingDay})
	}
	s.flash(c, "usage.billing_day.saved", "Day", n)
	return c.Redirect(http.StatusSeeOther, "/usage")
}

// usageCSV exports the usage table: one row per account and a total.
func (s *Server) usageCSV(c echo.Context) error {
	u, err := s.db.Usage(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	prev := "previous_" + u.Previous.Start.Format("2006-01-02") + "_" + u.Previous.End.Format("2006-01-02")
	cur := "current_" + u.Current.Start.Format("2006-01-02") + "_" + u.Current.End.Format("2006-01-02")
	_ = w.Write([]string{"account_id", "name", "external_id", "main", "deleted", prev, cur})
	for _, r := range u.Accounts {
		_ = w.Write([]string{strconv.FormatInt(r.AccountID, 10), csvCell(r.Name), csvCell(r.ExternalID),
			strconv.FormatBool(r.Main), strconv.FormatBool(r.Deleted), strconv.Itoa(r.Previous), strconv.Itoa(r.Current)})
	}
	_ = w.Write([]string{"", "total", "", "", "", strconv.Itoa(u.TotalPrevious), strconv.Itoa(u.TotalCurrent)})
	w.Flush()
	c.Response().Header().Set("Content-Disposition", `attachment; filename="kadra-usage-`+
		u.Current.Start.Format("2006-01-02")+`.csv"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvCell keeps a spreadsheet from reading a name as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
