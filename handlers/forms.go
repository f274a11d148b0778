package handlers

import (
	"net/http"

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

// bindForm reads a form into dst; a malformed body is a validation error.
func bindForm(c echo.Context, dst any) error {
	if err := (&echo.DefaultBinder{}).BindBody(c, dst); err != nil {
		return db.Errorf(db.EINVALID, "error.bad_request")
	}
	return nil
}

// refuse re-renders a form page after a refused submit: 422 with the typed
// values and per-field messages for EINVALID; other errors go to the error
// handler.
func refuse[T any](s *Server, c echo.Context, page string, f formPage[T], err error) error {
	e := db.AsError(err)
	if e == nil || (e.Code != db.EINVALID && e.Code != db.ECONFLICT && e.Code != db.EUNAUTHORIZED &&
		e.Code != db.ETOOMANY && e.Code != db.EFORBIDDEN) {
		return err
	}
	tr := s.tr(c)
	f.Errors = tr.Fields(e.Fields)
	if e.Code != db.EINVALID || len(e.Fields) == 0 {
		f.Error = tr.Msg(e.Msg)
	}
	status := http.StatusUnprocessableEntity
	if e.Code != db.EINVALID {
		status = statusOf[e.Code]
	}
	return s.render(c, status, page, f)
}

// bindJSON reads a JSON body into dst; malformed JSON is a 400.
func bindJSON(c echo.Context, dst any) error {
	if err := (&echo.DefaultBinder{}).BindBody(c, dst); err != nil {
		return db.Errorf(db.EINVALID, "error.bad_json")
	}
	return nil
}
