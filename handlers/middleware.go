package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

const csrfField = "_csrf"

// csp allows only kadra's own files: no inline script or style.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"

func (s *Server) middleware(e *echo.Echo) {
	e.Use(middleware.RequestID())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableErrorHandler: false,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "err", err, "request_id", requestID(c), "stack", string(stack))
			return err
		}}))
	e.Use(s.observe)
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		ContentTypeNosniff: "nosniff", XFrameOptions: "DENY", ContentSecurityPolicy: csp,
		ReferrerPolicy: "same-origin", HSTSMaxAge: hstsAge(s.secure),
	}))
	e.Use(bodyLimits()) // 2 MB; more for the CSV upload (users_import.go)
	e.Use(s.fetchMetadata)
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper:     func(c echo.Context) bool { return isAPI(c) },
		TokenLookup: "form:" + csrfField + ",header:X-CSRF-Token",
		CookieName:  "kadra_csrf", CookiePath: "/", CookieHTTPOnly: true,
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
func (s *Server) fetchMetadata(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		site := r.Header.Get("Sec-Fetch-Site")
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if !isAPI(c) && (site == "cross-site" || site == "same-site") {
				return echo.NewHTTPError(http.StatusForbidden, "csrf")
			}
		}
		r.Header.Del("Sec-Fetch-Site")
		return next(c)
	}
}

func isAPI(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/")
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

// observe counts one request and its latency, labelled by route pattern
// (never the raw path, so ids do not multiply the series).
func (m *httpMetrics) observe(route, method string, status int, latency time.Duration) {
	m.set.GetOrCreateCounter(fmt.Sprintf(`kadra_http_requests_total{route=%q,method=%q,code="%d"}`,
		route, method, status)).Inc()
	m.set.GetOrCreateSummary(fmt.Sprintf(`kadra_http_request_duration_seconds{route=%q,method=%q}`,
		route, method)).Update(latency.Seconds())
}

// observe handles a request's error at once (so the status is known), then
// logs the request and records its metrics.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		latency := time.Since(start)
		r, status := c.Request(), c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, r.Method, status, latency)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", status), slog.Duration("latency", latency),
			slog.String("ip", c.RealIP()), slog.String("request_id", requestID(c)))
		return nil
	}
}

func (s *Server) metricsHandler() echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
		s.metrics.set.WritePrometheus(c.Response())
		metrics.WriteProcessMetrics(c.Response())
		return nil
	}
}

func (s *Server) healthz(c echo.Context) error {
	if err := s.db.Ping(c.Request().Context()); err != nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.version})
}
