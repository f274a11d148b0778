package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/i18n"
)

// auditQuery is the audit log's filter as its URL holds it (R-AUDIT-2):
// the person, the action (a code from the grouped list, or words such as
// "usunięcie" matched against the actions' names), the kind of object and
// the object, a date range and the order.
type auditQuery struct {
	Actor      string `query:"actor"`
	Action     string `query:"action"`
	Words      string `query:"words"`
	Object     string `query:"object"`
	Target     string `query:"target"`
	TargetType string `query:"target_type"`
	TargetID   int64  `query:"target_id"`
	// Impersonation: what was done during one log-in-as (R-GOV-3).
	Impersonation int64  `query:"impersonation"`
	From          string `query:"from"`
	To            string `query:"to"`
	Sort          string `query:"sort"`
	Page          int    `query:"page"`
}

type auditPage struct {
	Q       auditQuery
	Result  db.Page[db.AuditEntry]
	Lines   []auditLine
	Objects []auditObjectOption
	Errors  map[string]string
}

// auditObjectOption is one group of the action list.
type auditObjectOption struct {
	Object, Name string
	Actions      []auditActionOption
}

type auditActionOption struct{ Code, Name string }

func (auditPage) nav() string { return "audit" }

// List is the search's state in its URL.
func (p auditPage) List() list {
	tid := ""
	if p.Q.TargetID > 0 {
		tid = strconv.FormatInt(p.Q.TargetID, 10)
	}
	return list{Path: "/audit", Page: p.Result.Page, Pages: p.Result.Pages(), Sort: p.Q.Sort, DefaultSort: "-at",
		Filters: []string{"actor", p.Q.Actor, "action", p.Q.Action, "words", p.Q.Words, "object", p.Q.Object,
			"target", p.Q.Target, "target_type", p.Q.TargetType, "target_id", tid, "from", p.Q.From, "to", p.Q.To}}
}

// ExportURL is the CSV of the same filter.
func (p auditPage) ExportURL() string {
	l := p.List()
	l.Path, l.Page = "/audit/export.csv", 1
	return l.URL()
}

// auditObjects is the action list grouped by object, in the reader's
// language.
func auditObjects(tr i18n.Translator) []auditObjectOption {
	var out []auditObjectOption
	for _, o := range db.AuditCatalogue() {
		opt := auditObjectOption{Object: o.Object, Name: tr.T("audit.object." + o.Object)}
		for _, code := range o.Actions {
			opt.Actions = append(opt.Actions, auditActionOption{Code: code, Name: tr.T("audit.action." + code)})
		}
		out = append(out, opt)
	}
	return out
}

// filter turns the query into a db filter. Dates are days in the viewer's
// zone (R-I18N-2), typed dd.mm.rrrr or yyyy-mm-dd; "to" includes its whole
// day. Dates that read are written back the way the viewer's language
// writes them, so that a Polish page shows 01.12.2026.
func (q *auditQuery) filter(tr i18n.Translator, loc *time.Location) (db.AuditFilter, error) {
	f := db.AuditFilter{Actor: q.Actor, Target: q.Target, TargetType: q.TargetType, TargetID: q.TargetID,
		Impersonation: q.Impersonation, Page: q.Page, OldestFirst: q.Sort == "at"}
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
	auditActionFilter(tr, &f, false, q.Object, q.Action, q.Words)
	return f, v.Err()
}

// auditActionFilter narrows f to the actions of an object and to those
// each text names: an action code (the page's list; the API, as it always
// did, reads a code as a prefix), a code prefix ("user."), or words of the
// action's name in the reader's language.
func auditActionFilter(tr i18n.Translator, f *db.AuditFilter, prefixes bool, object string, texts ...string) {
	codes := db.AuditActions()
	narrow := func(allowed []string) {
		if f.Actions == nil {
			f.Actions = allowed
			return
		}
		f.Actions = slices.DeleteFunc(f.Actions, func(c string) bool { return !slices.Contains(allowed, c) })
	}
	if object != "" {
		allowed := []string{}
		for _, o := range db.AuditCatalogue() {
			if o.Object == object {
				allowed = o.Actions
			}
		}
		narrow(allowed)
	}
	for _, words := range texts {
		words = strings.TrimSpace(words)
		switch {
		case words == "":
		case slices.Contains(codes, words) && !prefixes:
			narrow([]string{words})
		case auditCodePrefix(codes, words):
			f.Action = words
		default:
			narrow(auditActionsNamed(tr, words))
		}
	}
}

func auditCodePrefix(codes []string, s string) bool {
	for _, c := range codes {
		if strings.HasPrefix(c, s) {
			return true
		}
	}
	return false
}

// auditActionsNamed are the actions whose name or sentence, in the
// reader's language, contains every word, letter case and Polish
// diacritics aside: "usunięcie" and "usuniecie" find every deletion.
func auditActionsNamed(tr i18n.Translator, words string) []string {
	ws := strings.Fields(foldText(words))
	out := []string{}
	for _, code := range db.AuditActions() {
		name := foldText(tr.T("audit.action."+code) + " " + tr.T("audit.did."+code, "Target", ""))
		if slices.IndexFunc(ws, func(w string) bool { return !strings.Contains(name, w) }) < 0 {
			out = append(out, code)
		}
	}
	return out
}

var foldReplacer = strings.NewReplacer("ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s",
	"ź", "z", "ż", "z")

func foldText(s string) string { return foldReplacer.Replace(strings.ToLower(s)) }

func (s *Server) auditList(c echo.Context) error {
	var q auditQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	tr := s.tr(c)
	f, err := q.filter(tr, s.location(c))
	p := auditPage{Q: q, Objects: auditObjects(tr)}
	if err != nil {
		p.Errors = tr.Fields(db.AsError(err).Fields)
		return s.render(c, http.StatusUnprocessableEntity, "audit", p)
	}
	if p.Result, err = s.db.SearchAudit(c.Request().Context(), actor(c), f); err != nil {
		return err
	}
	p.Lines = describeAudits(tr, p.Result.Items)
	if c.Request().Header.Get("HX-Request") == "true" {
		return s.render(c, http.StatusOK, "audit#results", p)
	}
	return s.render(c, http.StatusOK, "audit", p)
}

// auditPeople suggests people for the person filter as the admin types.
func (s *Server) auditPeople(c echo.Context) error {
	people, err := s.db.AuditPeople(c.Request().Context(), actor(c), c.QueryParam("actor"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "audit#people", people)
}

// auditExport downloads the filtered log as CSV, in the reader's language.
func (s *Server) auditExport(c echo.Context) error {
	var q auditQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	tr := s.tr(c)
	f, err := q.filter(tr, s.location(c))
	if err != nil {
		return err
	}
	header := []string{tr.T("audit.csv.at"), tr.T("audit.csv.who"), tr.T("audit.csv.action"),
		tr.T("audit.csv.object"), tr.T("audit.csv.entry"), tr.T("audit.csv.changes"), tr.T("audit.csv.ip")}
	w := &lazyCSV{c: c, name: fmt.Sprintf("audit-%s.csv", time.Now().UTC().Format("2006-01-02"))}
	err = s.db.ExportAudit(c.Request().Context(), actor(c), f, w, header, func(e db.AuditEntry) []string {
		l := describeAudit(tr, e)
		changes := make([]string, len(l.Changes))
		for i, ch := range l.Changes {
			changes[i] = ch.Field + ": " + ch.Before + " → " + ch.After
		}
		return []string{e.At.UTC().Format(time.RFC3339), l.Who, l.Name, auditTarget(tr, e), l.Sentence,
			strings.Join(changes, "; "), e.IP}
	})
	return w.done(s, err)
}

// auditRecent is the end of the log about one user or group, on their page.
type auditRecent struct {
	Lines []auditLine
	URL   string // the whole log about them
}

// recentAudit reads the last 10 entries about an object for its page, or
// nil when the actor may not see the log.
func (s *Server) recentAudit(c echo.Context, targetType string, id int64) (*auditRecent, error) {
	return s.recentAuditN(c, targetType, id, 10)
}

// recentAuditN is recentAudit with n entries (a user's page shows 20).
func (s *Server) recentAuditN(c echo.Context, targetType string, id int64, n int) (*auditRecent, error) {
	page, err := s.db.SearchAudit(c.Request().Context(), actor(c), db.AuditFilter{TargetType: targetType, TargetID: id,
		PerPage: n})
	if db.ErrorCode(err) == db.EFORBIDDEN {
		return nil, nil // the domain decides who reads the log (audit.view)
	} else if err != nil {
		return nil, err
	}
	q := auditQuery{TargetType: targetType, TargetID: id}
	return &auditRecent{Lines: describeAudits(s.tr(c), page.Items), URL: auditPage{Q: q}.List().URL()}, nil
}
