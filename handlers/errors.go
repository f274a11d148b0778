package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// statusOf is the only table from domain error codes to HTTP statuses.
var statusOf = map[db.Code]int{
	db.EINVALID:      http.StatusBadRequest,
	db.ENOTFOUND:     http.StatusNotFound,
	db.ECONFLICT:     http.StatusConflict,
	db.EFORBIDDEN:    http.StatusForbidden,
	db.EUNAUTHORIZED: http.StatusUnauthorized,
	db.ETOOMANY:      http.StatusTooManyRequests,
	db.ESTALE:        http.StatusPreconditionFailed,
	db.EINTERNAL:     http.StatusInternalServerError,
}

// codeOfStatus maps echo's own HTTP errors (no route, body too large, bad
// CSRF token) back to a domain error.
func domainError(err error) *db.Error {
	if e := db.AsError(err); e != nil {
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return db.Errorf(db.ENOTFOUND, "error.not_found")
		case http.StatusMethodNotAllowed:
			return db.Errorf(db.ENOTFOUND, "error.not_found")
		case http.StatusRequestEntityTooLarge:
			return db.Errorf(db.EINVALID, "error.too_large")
		case http.StatusForbidden:
			if he.Message == "csrf" {
				return db.Errorf(db.EFORBIDDEN, "error.csrf")
			}
			return db.Errorf(db.EFORBIDDEN, "error.forbidden")
		case http.StatusBadRequest:
			return db.Errorf(db.EINVALID, "error.bad_request")
		case http.StatusUnauthorized:
			return db.Errorf(db.EUNAUTHORIZED, "error.unauthorized")
		}
	}
	return db.Errorf(db.EINTERNAL, "error.internal")
}

// apiErrorBody is every refusal of the API: {"error": {...}}.
type apiErrorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code    db.Code           `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// handleError is echo's one error handler: it logs internal errors once and
// renders JSON for the API, a page (or a redirect to sign-in) for the UI.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		// The client went away (a closed tab, a load generator stopping):
		// nobody reads an answer, and it is no fault of kadra's.
		s.log.Debug("client gone", "route", routeOf(c), "request_id", requestID(c))
		return
	}
	e := domainError(err)
	status := statusOf[e.Code]
	if e.Code == db.EINTERNAL {
		s.log.Error("internal error", "err", err, "route", routeOf(c), "path", loggedPath(c), "request_id", requestID(c))
	}
	tr := s.tr(c)
	if isAPI(c) {
		if e.Code == db.EUNAUTHORIZED {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="kadra"`)
		}
		_ = c.JSON(status, apiErrorBody{Error: apiError{Code: e.Code, Message: tr.Msg(e.Msg),
			Fields: tr.Fields(e.Fields)}})
		return
	}
	if e.Code == db.EUNAUTHORIZED && c.Request().Method == http.MethodGet {
		_ = s.redirectToLogin(c)
		return
	}
	if err := s.render(c, status, "error", errorPage{Status: status, Message: tr.Msg(e.Msg)}); err != nil {
		// The error page itself failed (a template's fault): say so in
		// plain text rather than answer an empty 200.
		s.log.Error("error page", "err", err, "route", routeOf(c), "request_id", requestID(c))
		_ = c.String(status, tr.Msg(e.Msg))
	}
}

type errorPage struct {
	Status  int
	Message string
}
