package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/sso"
)

// oidcCookie carries a sign-in's Flow (state, nonce, PKCE verifier) and
// where to go after it, between leaving for the provider and coming back:
// signed, HttpOnly, SameSite=Lax (the provider's redirect back is a
// top-level GET, which carries it), ten minutes, single use. Nothing is
// kept on the server, so no unauthenticated request grows it (R-SEC-6).
const oidcCookie = "kadra_oidc"

const oidcCallbackPath = "/auth/oidc/callback"

func (s *Server) oidcRedirectURL() string { return s.baseURL + oidcCallbackPath }

// withProvider puts the provider's button (its name) on the sign-in form
// when sign-in with a provider is on.
func (s *Server) withProvider(c echo.Context, f *loginForm) {
	st, err := s.db.OIDCSetup(c.Request().Context())
	if err == nil && st.Enabled {
		f.Provider = st.ButtonLabel()
		f.ProviderOn = true
	}
}

// oidcStart sends the browser to the provider with a fresh state, nonce
// and PKCE challenge. It changes nothing in kadra (see hierarchy_test.go).
func (s *Server) oidcStart(c echo.Context) error {
	ctx := c.Request().Context()
	cl, err := s.db.OIDCClient(ctx)
	if err != nil {
		return err
	}
	u, flow, err := s.sso.Begin(ctx, sso.Config{Issuer: cl.Issuer, ClientID: cl.ClientID,
		ClientSecret: cl.ClientSecret, RedirectURL: s.oidcRedirectURL()})
	if err != nil {
		s.log.Warn("oidc: provider unreachable", "issuer", cl.Issuer, "err", err)
		return s.oidcRefuse(c, db.Errorf(db.EUNAUTHORIZED, "oidc.err.unreachable"))
	}
	sess, _ := s.store.New(c.Request(), s.cookieName(oidcCookie))
	sess.Options.MaxAge = 600
	sess.Values["state"], sess.Values["nonce"], sess.Values["verifier"] = flow.State, flow.Nonce, flow.Verifier
	sess.Values["next"] = localPath(c.QueryParam("next"))
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, u)
}

// oidcCallback finishes the sign-in: the protocol checks in package sso,
// who may sign in in db.OIDCLogin. Every refusal comes back to the sign-in
// page with its reason, and counts toward the throttle.
func (s *Server) oidcCallback(c echo.Context) error {
	ctx := c.Request().Context()
	sess, _ := s.store.Get(c.Request(), s.cookieName(oidcCookie))
	str := func(k string) string { v, _ := sess.Values[k].(string); return v }
	flow := sso.Flow{State: str("state"), Nonce: str("nonce"), Verifier: str("verifier")}
	next := localPath(str("next"))
	sess.Options.MaxAge = -1 // single use, whatever the outcome
	_ = sess.Save(c.Request(), c.Response())

	cl, err := s.db.OIDCClient(ctx)
	if err != nil {
		return s.oidcRefuse(c, err)
	}
	q := c.Request().URL.Query()
	id, err := s.sso.Finish(ctx, sso.Config{Issuer: cl.Issuer, ClientID: cl.ClientID,
		ClientSecret: cl.ClientSecret, RedirectURL: s.oidcRedirectURL()},
		flow, sso.Callback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"),
			ErrorDescription: q.Get("error_description")})
	if err != nil {
		// The reason goes to the log for the admin (no token or code is in
		// it); the person reads it in words.
		s.log.Info("oidc: sign-in refused", "issuer", cl.Issuer, "reason", err.Error())
		return s.oidcRefuse(c, s.db.OIDCRefused(ctx, c.RealIP(), oidcRefusal(err)))
	}
	res, err := s.db.OIDCLogin(ctx, db.OIDCLoginInput{Subject: id.Subject, Email: id.Email,
		EmailVerified: id.EmailVerified, AMR: id.AMR, IP: c.RealIP(), UserAgent: c.Request().UserAgent()})
	if err != nil {
		return s.oidcRefuse(c, err)
	}
	if res.Challenge != "" {
		if err := s.startSecondStep(c, res.Challenge); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/login/code?next="+url.QueryEscape(next))
	}
	if err := s.startSession(c, res.Session); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// oidcRefusal words a protocol failure.
func oidcRefusal(err error) error {
	for _, k := range []struct {
		err error
		id  string
	}{
		{sso.ErrState, "oidc.err.state"}, {sso.ErrDenied, "oidc.err.denied"},
		{sso.ErrExchange, "oidc.err.exchange"}, {sso.ErrAudience, "oidc.err.audience"},
		{sso.ErrExpired, "oidc.err.expired"}, {sso.ErrNonce, "oidc.err.nonce"},
		{sso.ErrUnreached, "oidc.err.unreachable"},
	} {
		if errors.Is(err, k.err) {
			return db.Errorf(db.EUNAUTHORIZED, k.id)
		}
	}
	return db.Errorf(db.EUNAUTHORIZED, "oidc.err.token")
}

// oidcRefuse shows the sign-in page with the reason a sign-in through the
// provider was refused.
func (s *Server) oidcRefuse(c echo.Context, err error) error {
	f := loginForm{}
	s.withProvider(c, &f)
	return refuse(s, c, "login", formPage[loginForm]{Form: f}, err)
}
