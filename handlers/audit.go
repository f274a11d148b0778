package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/i18n"
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

// filter turns the query into a db filter. Dates are days in the viewer's
// zone (R-I18N-2), typed dd.mm.rrrr or yyyy-mm-dd; "to" includes its whole
// day. Dates that read are written back the way the viewer's language
// writes them, so that a Polish page shows 01.12.2026.
func (q *auditQuery) filter(tr i18n.Translator, loc *time.Location) (db.AuditFilter, error) {
	f := db.AuditFilter{Actor: q.Actor, Action: q.Action, Target: q.Target, Page: q.Page}
	var v db.ValidationError
	if q.From != "" {
		if t, ok := i18n.ParseDate(q.From, loc); !ok {
			v.Add("from", db.M("error.date"))
		} else {
			f.From, q.From = t, tr.DateInput(t)
		}
	}
	if q.To != "" {
		if t, ok := i18n.ParseDate(q.To, loc); !ok {
			v.Add("to", db.M("error.date"))
		} else {
			f.To, q.To = t.AddDate(0, 0, 1), tr.DateInput(t)
		}
	}
	return f, v.Err()
}

func (s *Server) auditList(c echo.Context) error {
	var q auditQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	f, err := q.filter(s.tr(c), s.location(c))
	p := auditPage{Q: q}
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
