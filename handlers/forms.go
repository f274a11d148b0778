package handlers

import (
	"maps"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// formPage is the data of a page with one form: the values as typed and a
// message per field, so a refused form comes back whole (R-SEC-1).
type formPage[T any] struct {
	Form   T
	Errors map[string]string
	Error  string
	Extra  any
	active string
}

func (f formPage[T]) nav() string { return f.active }

// refusal is an expected refusal translated for a form shown again.
type refusal struct {
	Fields map[string]string // a message per field
	Msg    string            // the form's own message, when no field says it
	Status int
}

// Text is the refusal in one sentence, for forms without a place per field
// (a list of checkboxes).
func (r refusal) Text() string {
	if r.Msg != "" {
		return r.Msg
	}
	for _, k := range slices.Sorted(maps.Keys(r.Fields)) {
		return r.Fields[k]
	}
	return ""
}

// formError is the one translation of a domain error for a form shown
// again with what was typed: per-field messages and 422 for bad or taken
// values, the refusal's own message and status for the rest (forbidden,
// too many attempts). ok is false for errors the error handler renders
// (not found, internal).
func (s *Server) formError(c echo.Context, err error) (r refusal, ok bool) {
	e := db.AsError(err)
	if e == nil {
		return r, false
	}
	switch e.Code {
	case db.EINVALID, db.ECONFLICT, db.EFORBIDDEN, db.EUNAUTHORIZED, db.ETOOMANY:
	default:
		return r, false
	}
	tr := s.tr(c)
	r.Fields, r.Status = tr.Fields(e.Fields), http.StatusUnprocessableEntity
	perField := len(e.Fields) > 0 && (e.Code == db.EINVALID || e.Code == db.ECONFLICT)
	if !perField {
		r.Msg = tr.Msg(e.Msg)
		if e.Code != db.EINVALID {
			r.Status = statusOf[e.Code]
		}
	}
	return r, true
}

// refuse re-renders a form page after a refused submit, with the typed
// values (in f) and the messages of formError; other errors go to the
// error handler.
func refuse[T any](s *Server, c echo.Context, page string, f formPage[T], err error) error {
	r, ok := s.formError(c, err)
	if !ok {
		return err
	}
	f.Errors, f.Error = r.Fields, r.Msg
	return s.render(c, r.Status, page, f)
}
