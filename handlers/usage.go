package handlers

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

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
func (usagePage) LastDay(p db.Period) time.Time {
	return p.End.AddDate(0, 0, -1)
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
	if err := u.WriteCSV(&buf); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="kadra-usage-`+
		u.Current.Start.Format("2006-01-02")+`.csv"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
