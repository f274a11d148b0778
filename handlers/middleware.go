package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

const (
	csrfField  = "_csrf"
	csrfCookie = "kadra_csrf"
)

// csp allows only kadra's own files: no inline script or style.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"

func (s *Server) middleware(e *echo.Echo) {
	e.Use(middleware.RequestID())
	// Recover runs inside observe, so that a panic is answered, logged and
	// counted as the 500 it became, like any other request; its stack goes
	// to a line of its own, and the error on to observe's error handling.
	e.Use(s.observe)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableErrorHandler: true, DisableStackAll: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "err", err, "route", routeOf(c), "request_id", requestID(c), "stack", string(stack))
			return err
		}}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		ContentTypeNosniff: "nosniff", XFrameOptions: "DENY", ContentSecurityPolicy: csp,
		ReferrerPolicy: "same-origin", HSTSMaxAge: hstsAge(s.secure),
	}))
	e.Use(bodyLimits()) // 2 MB; more for the CSV upload (users_import.go)
	e.Use(s.fetchMetadata)
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper:     func(c echo.Context) bool { return isAPI(c) },
		TokenLookup: "form:" + csrfField + ",header:X-CSRF-Token",
		CookieName:  s.cookieName(csrfCookie), CookiePath: "/", CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode, CookieSecure: s.secure,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "csrf").SetInternal(err)
		},
	}))
	e.Use(s.loadActor)
}

func hstsAge(secure bool) int {
	if secure {
		return 31536000
	}
	return 0
}

// fetchMetadata refuses state-changing requests a browser marks as coming
// from another site, then hides the header, so that echo's CSRF middleware
// always checks the token as well instead of trusting the header alone.
// A browser too old to send Sec-Fetch-Site still sends Origin on a POST:
// then the origin must be kadra's own (sameOrigin).
func (s *Server) fetchMetadata(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		site := r.Header.Get("Sec-Fetch-Site")
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if !isAPI(c) && (site == "cross-site" || site == "same-site" || site == "" && !s.sameOrigin(r)) {
				return echo.NewHTTPError(http.StatusForbidden, "csrf")
			}
		}
		r.Header.Del("Sec-Fetch-Site")
		return next(c)
	}
}

// sameOrigin says whether a request's Origin header, when it has one, is
// the base URL's origin or names the host the request was sent to.
// "Origin: null" (a sandboxed frame, a redirect across sites, a file) is
// never kadra's own.
func (s *Server) sameOrigin(r *http.Request) bool {
	o := r.Header.Get(echo.HeaderOrigin)
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return strings.EqualFold(u.Scheme+"://"+u.Host, s.baseOrigin) || strings.EqualFold(u.Host, r.Host)
}

// rotateCSRF expires the CSRF cookie, so that the page after a sign-in (or
// a change of who acts) gets a fresh token: a token read before, by anyone,
// is worth nothing after. The cookie echo's middleware just set on this
// response gives way to the expiry.
func (s *Server) rotateCSRF(c echo.Context) {
	name := s.cookieName(csrfCookie)
	h := c.Response().Header()
	var kept []string
	for _, v := range h.Values("Set-Cookie") {
		if !strings.HasPrefix(v, name+"=") {
			kept = append(kept, v)
		}
	}
	h.Del("Set-Cookie")
	for _, v := range kept {
		h.Add("Set-Cookie", v)
	}
	c.SetCookie(&http.Cookie{Name: name, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode})
}

// isAPI: the JSON API and SCIM (scim.go) take bearer tokens, never
// cookies, so they need no CSRF token.
func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, scimBase+"/") || p == scimBase
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// httpMetrics are the Prometheus series of every request, kept in a set of
// their own (VictoriaMetrics/metrics: see the README's design notes).
type httpMetrics struct {
	set *metrics.Set
}

func newHTTPMetrics() *httpMetrics { return &httpMetrics{set: metrics.NewSet()} }

// observe counts one request and its latency. Every label has a bound
// (R-SEC-6), because a series lives as long as the process: the route is
// the route pattern (never the raw path, so ids and invented paths do not
// multiply the series), the method one of the standard ones and the code
// one HTTP defines; anything else is "other".
func (m *httpMetrics) observe(route, method string, status int, latency time.Duration) {
	method, code := methodLabel(method), codeLabel(status)
	m.set.GetOrCreateCounter(fmt.Sprintf(`kadra_http_requests_total{route=%q,method=%q,code=%q}`,
		route, method, code)).Inc()
	m.set.GetOrCreateSummary(fmt.Sprintf(`kadra_http_request_duration_seconds{route=%q,method=%q}`,
		route, method)).Update(latency.Seconds())
}

// methodLabel is the request's method when it is a standard one; a client
// may send any token as the method, and each would be a new series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// codeLabel is the status code when HTTP defines it.
func codeLabel(status int) string {
	if http.StatusText(status) == "" {
		return "other"
	}
	return strconv.Itoa(status)
}

// routeOf is the request's route pattern, or "unmatched" for a path no
// route takes.
func routeOf(c echo.Context) string {
	if p := c.Path(); p != "" {
		return p
	}
	return "unmatched"
}

// observe handles a request's error at once (so the status is known), then
// logs the request and records its metrics. The log names the route and a
// path without secrets (loggedPath), never the raw URL (R-SEC-5).
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		latency := time.Since(start)
		r, status, route := c.Request(), c.Response().Status, routeOf(c)
		s.metrics.observe(route, r.Method, status, latency)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("route", route), slog.String("path", loggedPath(c)),
			slog.Int("status", status), slog.Duration("latency", latency),
			slog.String("ip", c.RealIP()), slog.String("request_id", requestID(c)))
		return nil
	}
}

// loggedPath is the request's path fit for a log line (R-SEC-5): a matched
// route's pattern with its parameters filled in, except that a :token (an
// activation, reset or import link's secret) shows as {token}. An
// unmatched path shows every segment that could be a secret (a long run of
// token characters, as a mangled link would have) as {token} too.
func loggedPath(c echo.Context) string {
	pattern := c.Path()
	if pattern == "" {
		return maskTokens(c.Request().URL.Path)
	}
	segs := strings.Split(pattern, "/")
	for i, seg := range segs {
		switch {
		case seg == ":token":
			segs[i] = "{token}"
		case strings.HasPrefix(seg, ":"):
			segs[i] = c.Param(seg[1:])
		case seg == "*":
			segs[i] = maskTokens(c.Param("*"))
		}
	}
	return strings.Join(segs, "/")
}

// maskTokens shows each segment of path that could be a secret as {token}.
func maskTokens(path string) string {
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if tokenLike(seg) {
			segs[i] = "{token}"
		}
	}
	return strings.Join(segs, "/")
}

// tokenLike says whether a path segment could be a link's secret: kadra's
// tokens are 32 or more characters of base64url or hex.
func tokenLike(seg string) bool {
	if len(seg) < 20 {
		return false
	}
	for _, r := range seg {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (s *Server) metricsHandler() echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
		s.metrics.set.WritePrometheus(c.Response())
		metrics.WriteProcessMetrics(c.Response())
		writeReplicationMetrics(c.Response(), s.replica)
		return nil
	}
}

// healthz answers 200 while the database answers. Replication that falls
// behind (R-OPS-1) makes the status "degraded", still 200: the office keeps
// working, and a monitor reads the lag.
func (s *Server) healthz(c echo.Context) error {
	if err := s.db.Ping(c.Request().Context()); err != nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	if s.replica == nil {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.version})
	}
	return c.JSON(http.StatusOK, map[string]any{"status": s.replica.Status().State(), "version": s.version,
		"replication": replicationHealth(s.replica.Status())})
}
