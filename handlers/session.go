package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"kadra/db"
)

const (
	sessionCookie = "kadra_session"
	flashCookie   = "kadra_flash"
	langCookie    = "kadra_lang"
	actorKey      = "actor"
	accountHeader = "X-Kadra-Account"
)

// cookieName is the name of one of kadra's cookies. On https it carries
// the __Host- prefix, with which browsers keep the cookie to this exact
// host (Secure, Path=/, no Domain): neither a sibling subdomain nor a plain
// http page can plant or overwrite it.
func (s *Server) cookieName(base string) string {
	if s.secure {
		return "__Host-" + base
	}
	return base
}

// newCookieStore signs cookies that carry only a random session id (and
// one-shot flash messages); the session itself is a row in SQLite.
func newCookieStore(key []byte, secure bool) *sessions.CookieStore {
	st := sessions.NewCookieStore(key)
	st.Options = &sessions.Options{Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	st.MaxAge(0) // a browser-session cookie; the row holds the real expiry
	return st
}

// loadActor reads the session cookie on every page request and, when it
// names a live session, puts the Actor in the context. The API never reads
// cookies: it has requireToken.
func (s *Server) loadActor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if isAPI(c) || strings.HasPrefix(c.Request().URL.Path, "/static/") {
			return next(c)
		}
		sess, _ := s.store.Get(c.Request(), s.cookieName(sessionCookie))
		sid, _ := sess.Values["sid"].(string)
		if sid == "" {
			return next(c)
		}
		a, err := s.db.SessionActor(c.Request().Context(), sid, c.RealIP())
		switch db.ErrorCode(err) {
		case "":
			a.Lang = langOf(c, a) // the language of mail the request causes
			c.Set(actorKey, a)
		case db.EUNAUTHORIZED:
			if done, err := s.backFromImpersonation(c, sess); done { // R-GOV-3
				return err
			}
			s.clearSession(c)
		default:
			return err
		}
		return next(c)
	}
}

// actor is the signed-in Actor, or the zero Actor.
func actor(c echo.Context) db.Actor {
	a, _ := c.Get(actorKey).(db.Actor)
	return a
}

// requireUser sends anyone without a live session to the sign-in page.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !actor(c).Valid() {
			if c.Request().Method != http.MethodGet {
				return db.Errorf(db.EUNAUTHORIZED, "error.unauthorized")
			}
			return s.redirectToLogin(c)
		}
		return next(c)
	}
}

func (s *Server) redirectToLogin(c echo.Context) error {
	target := "/login"
	if p := c.Request().URL.RequestURI(); p != "/" && c.Request().Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(p)
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", target)
		return c.NoContent(http.StatusUnauthorized)
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// startSession puts a new session id in the cookie (a fresh one at every
// sign-in, so a planted id is never promoted), and a new CSRF token with it.
func (s *Server) startSession(c echo.Context, sid string) error {
	s.rotateCSRF(c)
	sess, _ := s.store.New(c.Request(), s.cookieName(sessionCookie))
	sess.Values["sid"] = sid
	return sess.Save(c.Request(), c.Response())
}

func (s *Server) clearSession(c echo.Context) {
	sess, _ := s.store.New(c.Request(), s.cookieName(sessionCookie))
	sess.Options.MaxAge = -1
	_ = sess.Save(c.Request(), c.Response())
}

// flash keeps a message for the next page the browser shows.
func (s *Server) flash(c echo.Context, id string, kv ...any) {
	s.flashText(c, s.tr(c).T(id, kv...))
}

// flashText keeps already translated lines for the next page.
func (s *Server) flashText(c echo.Context, lines ...string) {
	sess, _ := s.store.Get(c.Request(), s.cookieName(flashCookie))
	for _, l := range lines {
		sess.AddFlash(l)
	}
	_ = sess.Save(c.Request(), c.Response())
}

func (s *Server) takeFlashes(c echo.Context) []string {
	sess, err := s.store.Get(c.Request(), s.cookieName(flashCookie))
	if err != nil {
		return nil
	}
	fl := sess.Flashes()
	if len(fl) == 0 {
		return nil
	}
	_ = sess.Save(c.Request(), c.Response())
	out := make([]string, 0, len(fl))
	for _, f := range fl {
		if m, ok := f.(string); ok {
			out = append(out, m)
		}
	}
	return out
}

// requireToken admits API requests carrying a valid bearer token. Cookies
// are never read here, so a browser session cannot drive the API.
func (s *Server) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get("Authorization")
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || raw == "" {
			return db.Errorf(db.EUNAUTHORIZED, "api.token_required")
		}
		a, err := s.db.TokenActor(c.Request().Context(), strings.TrimSpace(raw), c.RealIP())
		if err != nil {
			return err
		}
		a.Lang = langOf(c, a)
		if h := c.Request().Header.Get(accountHeader); h != "" {
			// The account to act in (R-ACC-6): only one the user may
			// enter; any other answers 404, like an unknown one.
			id, err := strconv.ParseInt(strings.TrimSpace(h), 10, 64)
			if err != nil {
				return db.Errorf(db.ENOTFOUND, "account.not_found")
			}
			if a, err = s.db.ActorIn(c.Request().Context(), a, id); err != nil {
				return err
			}
		}
		c.Set(actorKey, a)
		return next(c)
	}
}
