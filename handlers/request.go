package handlers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/i18n"
)

// Reading a request: path ids, query and form binding, and where to go
// back to. Every handler reads its input through these, so that a malformed
// request is refused the same way everywhere: an id that does not parse is
// a missing thing (ENOTFOUND), a query or form that does not bind is a bad
// request (EINVALID). JSON bodies are bindJSON's (api_bind.go).

// pathID is the positive id in the path parameter "id".
// Returns ENOTFOUND when it is not one.
func pathID(c echo.Context) (int64, error) { return paramID(c, "id", "error.not_found") }

// paramID is the positive id in the path parameter name; notFound is the
// message of the ENOTFOUND returned when it is not one.
func paramID(c echo.Context, name, notFound string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, db.Errorf(db.ENOTFOUND, notFound)
	}
	return id, nil
}

// bindQuery reads the query string into dst (`query` tags).
// Returns EINVALID when a value does not fit its field.
func bindQuery(c echo.Context, dst any) error {
	if err := (&echo.DefaultBinder{}).BindQueryParams(c, dst); err != nil {
		return db.Errorf(db.EINVALID, "error.bad_request")
	}
	return nil
}

// bindForm reads a form into dst (`form` tags).
// Returns EINVALID when the body is malformed.
func bindForm(c echo.Context, dst any) error {
	if err := (&echo.DefaultBinder{}).BindBody(c, dst); err != nil {
		return db.Errorf(db.EINVALID, "error.bad_request")
	}
	return nil
}

// localPath accepts only a path on this site, for ?next= redirects, and
// "/" for anything else.
func localPath(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return "/"
	}
	if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return p
}

// backOrCurrent is the "back" query parameter when it is a local path,
// else the page an htmx request came from (its HX-Current-URL, as a local
// path): a list's row menu returns to the list as it was shown without
// every row carrying the list's URL.
func backOrCurrent(c echo.Context) string {
	if b := c.QueryParam("back"); b != "" {
		return localPath(b)
	}
	u, err := url.Parse(c.Request().Header.Get("HX-Current-URL"))
	if err != nil || u.Path == "" {
		return "/"
	}
	return localPath((&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String())
}

// backTo is the form's "back" field when it is a local path, else def.
func backTo(c echo.Context, def string) string {
	if b := c.FormValue("back"); b != "" {
		return localPath(b)
	}
	return def
}

// backToList is the form's "back" field when it is the list at base, with
// any query, else the list itself: a row action returns to the list as it
// was shown.
func backToList(c echo.Context, base string) string {
	back := localPath(c.FormValue("back"))
	if back != base && !strings.HasPrefix(back, base+"?") {
		return base
	}
	return back
}

// requestLang is the language of the request: its pages and the mail it
// causes are written in it. See langOf.
func requestLang(c echo.Context) string { return langOf(c, actor(c)) }

// langOf is the language for a's request: the language they chose on
// their profile once they chose one (R-PROF-1), else the switcher's cookie,
// else Accept-Language.
func langOf(c echo.Context, a db.Actor) string {
	if i18n.Supported(a.UserLang) {
		return a.UserLang
	}
	lang := ""
	if ck, err := c.Cookie(langCookie); err == nil {
		lang = ck.Value
	}
	return i18n.Pick(lang, c.Request().Header.Get("Accept-Language"))
}
