package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

type auditQuery struct {
	Actor  string `query:"actor"`
	Action string `query:"action"`
	Target string `query:"target"`
	From   string `query:"from"`
	To     string `query:"to"`
	Page   int    `query:"page"`
}

type auditPage struct {
	Q      auditQuery
	Result db.Page[db.AuditEntry]
	Errors map[string]string
}

func (auditPage) nav() string { return "audit" }

// List is the search's state in its URL.
func (p auditPage) List() list {
	return list{Path: "/audit", Page: p.Result.Page, Pages: p.Result.Pages(), Filters: []string{"actor", p.Q.Actor,
		"action", p.Q.Action, "target", p.Q.Target, "from", p.Q.From, "to", p.Q.To}}
}

// filter turns the query into a db filter; dates are YYYY-MM-DD, "to"
// inclusive of its whole day.
func (q auditQuery) filter() (db.AuditFilter, error) {
	f := db.AuditFilter{Actor: q.Actor, Action: q.Action, Target: q.Target, Page: q.Page}
	var v db.ValidationError
	if q.From != "" {
		t, err := time.Parse("2006-01-02", q.From)
		if err != nil {
			v.Add("from", db.M("error.date"))
		}
		f.From = t
	}
	if q.To != "" {
		t, err := time.Parse("2006-01-02", q.To)
		if err != nil {
			v.Add("to", db.M("error.date"))
		}
		f.To = t.AddDate(0, 0, 1)
	}
	return f, v.Err()
}

func (s *Server) auditList(c echo.Context) error {
	var q auditQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	p := auditPage{Q: q}
	f, err := q.filter()
	if err != nil {
		p.Errors = s.tr(c).Fields(db.AsError(err).Fields)
		return s.render(c, http.StatusUnprocessableEntity, "audit", p)
	}
	if p.Result, err = s.db.SearchAudit(c.Request().Context(), actor(c), f); err != nil {
		return err
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		return s.render(c, http.StatusOK, "audit#results", p)
	}
	return s.render(c, http.StatusOK, "audit", p)
}
