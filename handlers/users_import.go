package handlers

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"kadra/db"
)

// importBodyLimit is the body limit of the upload: the file's own limit
// (db.CSVMaxBytes) and room for the form around it. Every other request
// keeps the global 2 MB.
const importBodyLimit = "11M"

// importRoute is the upload's path: its body may be larger than others'.
const importRoute = "/users/import"

// bodyLimits caps every request body at 2 MB, except the CSV upload's, at
// importBodyLimit. It runs after routing (c.Path is known) and before the
// CSRF check, which reads the form.
func bodyLimits() echo.MiddlewareFunc {
	small, big := middleware.BodyLimit("2M"), middleware.BodyLimit(importBodyLimit)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		s, b := small(next), big(next)
		return func(c echo.Context) error {
			if c.Request().Method == http.MethodPost && c.Path() == importRoute {
				return b(c)
			}
			return s(c)
		}
	}
}

// importPage is the upload form, and a finished or running job's page.
type importPage struct {
	Error string
	Job   *importJob
	V     jobView
	Show  string // "refused" (default when some were refused) or "all"
	Page  int
	Rows  []reportRow
	Pages int
}

func (importPage) nav() string { return "users" }

// Columns lists the file's columns, for the form's help.
func (importPage) Columns() []string { return db.UserCSVColumns }

// Running says the page should poll for progress.
func (p importPage) Running() bool {
	return p.V.State == jobChecking || p.V.State == jobImporting
}

// Percent is the progress bar's value.
func (p importPage) Percent() int {
	if p.V.Total == 0 {
		return 0
	}
	return p.V.Done * 100 / p.V.Total
}

// List is the report's state in its URL.
func (p importPage) List() list {
	return list{Path: "/users/import/" + p.Job.Token, Page: p.Page, Pages: p.Pages, Filters: []string{"show", p.Show}}
}

// ShowURL is the report with another filter, from its first page.
func (p importPage) ShowURL(show string) string { return p.List().URL("show", show, "page", "") }

// reportRow is a row of the report, its messages translated, in the order
// of the file's columns.
type reportRow struct {
	Line    int
	Email   string
	Outcome string
	Errors  []columnError
}

type columnError struct{ Column, Text string }

const reportPerPage = 100

func (s *Server) usersImportForm(c echo.Context) error {
	if err := db.MayImportUsers(actor(c)); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "users-import", importPage{})
}

// usersImportUpload reads the uploaded file, refuses it at once when it is
// not a users file, and otherwise starts the dry run and shows its page.
func (s *Server) usersImportUpload(c echo.Context) error {
	a := actor(c)
	if err := db.MayImportUsers(a); err != nil {
		return err
	}
	refuse := func(m db.Msg) error {
		return s.render(c, http.StatusUnprocessableEntity, "users-import", importPage{Error: s.tr(c).Msg(m)})
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return refuse(db.M("csv.no_file"))
	}
	f, err := fh.Open()
	if err != nil {
		return refuse(db.M("csv.no_file"))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, db.CSVMaxBytes+1))
	if err != nil {
		return err
	}
	rows, err := db.ParseUsersCSV(bytes.NewReader(data))
	if e := db.AsError(err); e != nil && e.Code == db.EINVALID {
		return refuse(e.Fields["file"])
	} else if err != nil {
		return err
	}
	tmp, err := os.CreateTemp("", "kadra-import-*.csv")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	j := &importJob{FileName: fh.Filename, Rows: len(rows), session: a.SessionHash, accountID: a.AccountID,
		actor: a, path: tmp.Name(), state: jobChecking}
	if a.SessionHash == "" || !s.imports.add(j) {
		os.Remove(tmp.Name())
		return refuse(db.M("csv.busy"))
	}
	go j.run(s.db, s.log, true)
	return c.Redirect(http.StatusSeeOther, "/users/import/"+j.Token)
}

// usersImportShow is a job's page: its progress while it runs, then its
// report, page by page.
func (s *Server) usersImportShow(c echo.Context) error {
	j := s.imports.get(c.Param("token"), actor(c))
	if j == nil {
		return db.Errorf(db.ENOTFOUND, "csv.job_gone")
	}
	p := importPage{Job: j, V: j.view(), Show: c.QueryParam("show")}
	if p.Show != "all" && p.Show != "refused" {
		p.Show = "all"
		if p.V.Report.Refused > 0 {
			p.Show = "refused"
		}
	}
	p.Page, _ = strconv.Atoi(c.QueryParam("page"))
	p.Rows, p.Page, p.Pages = s.reportRows(c, p.V.Report, p.Show, p.Page)
	return s.render(c, http.StatusOK, "users-import", p)
}

// usersImportProgress answers the page's polling: the progress block while
// the job runs, then a redirect to the page with the report.
func (s *Server) usersImportProgress(c echo.Context) error {
	j := s.imports.get(c.Param("token"), actor(c))
	if j == nil {
		return db.Errorf(db.ENOTFOUND, "csv.job_gone")
	}
	p := importPage{Job: j, V: j.view()}
	if !p.Running() {
		if c.Request().Header.Get("HX-Request") == "true" {
			c.Response().Header().Set("HX-Redirect", "/users/import/"+j.Token)
			return c.NoContent(http.StatusOK)
		}
		return c.Redirect(http.StatusSeeOther, "/users/import/"+j.Token)
	}
	return s.render(c, http.StatusOK, "users-import#progress", p)
}

// usersImportConfirm imports the checked file: each row again through the
// same checks, the good ones saved.
func (s *Server) usersImportConfirm(c echo.Context) error {
	j := s.imports.get(c.Param("token"), actor(c))
	if j == nil {
		return db.Errorf(db.ENOTFOUND, "csv.job_gone")
	}
	started := false
	j.set(func(j *importJob) {
		if j.state == jobChecked && j.report.Created > 0 {
			j.state, j.done, j.actor, started = jobImporting, 0, actor(c), true
		}
	})
	if !started {
		return db.Errorf(db.ECONFLICT, "csv.not_confirmable")
	}
	go j.run(s.db, s.log, false)
	return c.Redirect(http.StatusSeeOther, "/users/import/"+j.Token)
}

// reportRows translates one page of the report's rows.
func (s *Server) reportRows(c echo.Context, rep db.ImportReport, show string, page int) ([]reportRow, int, int) {
	rows := rep.Rows
	if show == "refused" {
		rows = make([]db.ImportRowResult, 0, rep.Refused)
		for _, r := range rep.Rows {
			if r.Outcome == db.ImportRefused {
				rows = append(rows, r)
			}
		}
	}
	pages := max(1, (len(rows)+reportPerPage-1)/reportPerPage)
	page = min(max(page, 1), pages)
	rows = rows[min((page-1)*reportPerPage, len(rows)):min(page*reportPerPage, len(rows))]
	tr := s.tr(c)
	out := make([]reportRow, len(rows))
	for i, r := range rows {
		out[i] = reportRow{Line: r.Line, Email: r.Email, Outcome: r.Outcome}
		for _, col := range append(append([]string{}, db.UserCSVColumns...), "row") {
			if m, ok := r.Errors[col]; ok {
				out[i].Errors = append(out[i].Errors, columnError{Column: col, Text: tr.Msg(m)})
			}
		}
	}
	return out, page, pages
}

// usersExport streams the filtered user list (every page) as a users CSV
// file (R-USER-13).
func (s *Server) usersExport(c echo.Context) error {
	var f db.UserFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	w := &lazyCSV{c: c, name: fmt.Sprintf("users-%s.csv", time.Now().UTC().Format("2006-01-02"))}
	return w.done(s, s.db.ExportUsers(c.Request().Context(), actor(c), f, w))
}

// done ends an export: an error before the first byte is answered as an
// error page; after it, the download is cut short and the error logged.
// An empty export still sends its headers.
func (w *lazyCSV) done(s *Server, err error) error {
	if err != nil {
		if w.started {
			s.log.Warn("csv export stopped", "err", err, "request_id", requestID(w.c))
			return nil
		}
		return err
	}
	if !w.started {
		w.start()
	}
	return nil
}

// lazyCSV sends the CSV headers with the first bytes, so that a refused
// export (a bad filter, no permission) still gets an error page.
type lazyCSV struct {
	c       echo.Context
	name    string
	started bool
}

func (w *lazyCSV) start() {
	h := w.c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+w.name+`"`)
	h.Set("Cache-Control", "no-store")
	w.c.Response().WriteHeader(http.StatusOK)
	w.started = true
}

func (w *lazyCSV) Write(b []byte) (int, error) {
	if !w.started {
		w.start()
	}
	return w.c.Response().Write(b)
}
