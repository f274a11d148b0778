package sso_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"kadra/sso"
	"kadra/sso/ssotest"
)

const redirect = "http://127.0.0.1:1/auth/oidc/callback" // never visited: Authorize stops at it

func startOP(t *testing.T) *ssotest.OP {
	return ssotest.Start(t, []ssotest.User{
		{ID: "u1", Email: "anna@firma.pl", EmailVerified: true, Name: "Anna Kowalska"},
		{ID: "u2", Email: "jan@firma.pl", EmailVerified: true, Name: "Jan Nowak", MFA: true},
	}, ssotest.Client{ID: "kadra", Secret: "kadra-secret", RedirectURL: redirect},
		ssotest.Client{ID: "other-app", Secret: "other-secret", RedirectURL: redirect})
}

func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// signIn runs the flow up to the provider's answer.
func signIn(t *testing.T, c *sso.Client, cfg sso.Config, email string) (sso.Flow, sso.Callback) {
	t.Helper()
	u, flow, err := c.Begin(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := url.Parse(ssotest.Authorize(t, browser(), u, email, ssotest.Password, cfg.RedirectURL))
	q := back.Query()
	return flow, sso.Callback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error")}
}

// Issue 17: the code flow with PKCE, state and nonce against a real OP.
func TestFinishSignsIn(t *testing.T) {
	o := startOP(t)
	c := sso.NewClient(nil)
	cfg := sso.Config{Issuer: o.Issuer, ClientID: "kadra", ClientSecret: "kadra-secret", RedirectURL: redirect}
	flow, cb := signIn(t, c, cfg, "anna@firma.pl")
	id, err := c.Finish(context.Background(), cfg, flow, cb)
	if err != nil {
		t.Fatal(err)
	}
	if id.Email != "anna@firma.pl" || !id.EmailVerified || id.Subject != "u1" || id.Issuer != o.Issuer {
		t.Fatalf("identity %+v", id)
	}
	// The code is single-use: a replay is refused by the provider.
	if _, err := c.Finish(context.Background(), cfg, flow, cb); !errors.Is(err, sso.ErrExchange) {
		t.Fatalf("replayed code: %v, want ErrExchange", err)
	}
	// amr reaches the identity: the provider did MFA for jan.
	flow, cb = signIn(t, c, cfg, "jan@firma.pl")
	if id, err = c.Finish(context.Background(), cfg, flow, cb); err != nil || len(id.AMR) != 2 || id.AMR[1] != "mfa" {
		t.Fatalf("jan: %+v %v, want amr [pwd mfa]", id, err)
	}
}

func TestFinishRefusesStateMismatch(t *testing.T) {
	o := startOP(t)
	c := sso.NewClient(nil)
	cfg := sso.Config{Issuer: o.Issuer, ClientID: "kadra", ClientSecret: "kadra-secret", RedirectURL: redirect}
	flow, cb := signIn(t, c, cfg, "anna@firma.pl")
	cb.State = "another-browser"
	if _, err := c.Finish(context.Background(), cfg, flow, cb); !errors.Is(err, sso.ErrState) {
		t.Fatalf("state mismatch: %v, want ErrState", err)
	}
	flow.State = ""
	if _, err := c.Finish(context.Background(), cfg, flow, sso.Callback{}); !errors.Is(err, sso.ErrState) {
		t.Fatalf("no flow: %v, want ErrState", err)
	}
}

// rawIDToken gets a real ID token the provider issued to cfg's client.
func rawIDToken(t *testing.T, o *ssotest.OP, cfg sso.Config, email string) (string, sso.Flow) {
	t.Helper()
	c := sso.NewClient(nil)
	flow, cb := signIn(t, c, cfg, email)
	p, err := oidc.NewProvider(context.Background(), o.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	oc := oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL, Endpoint: p.Endpoint()}
	tok, err := oc.Exchange(context.Background(), cb.Code, oauth2.VerifierOption(flow.Verifier))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	return raw, flow
}

// Issue 17: a token the provider issued to another application is refused.
func TestVerifyRefusesWrongAudience(t *testing.T) {
	o := startOP(t)
	other := sso.Config{Issuer: o.Issuer, ClientID: "other-app", ClientSecret: "other-secret", RedirectURL: redirect}
	raw, flow := rawIDToken(t, o, other, "anna@firma.pl")
	c := sso.NewClient(nil)
	if _, err := c.Verify(context.Background(), other, raw, flow.Nonce); err != nil {
		t.Fatalf("the token is good for its own client: %v", err)
	}
	kadra := sso.Config{Issuer: o.Issuer, ClientID: "kadra", ClientSecret: "kadra-secret", RedirectURL: redirect}
	if _, err := c.Verify(context.Background(), kadra, raw, flow.Nonce); !errors.Is(err, sso.ErrAudience) {
		t.Fatalf("wrong audience: %v, want ErrAudience", err)
	}
}

// Issue 17: an expired token, and one for another sign-in (nonce), are refused.
func TestVerifyRefusesExpiredAndForeignNonce(t *testing.T) {
	o := startOP(t)
	cfg := sso.Config{Issuer: o.Issuer, ClientID: "kadra", ClientSecret: "kadra-secret", RedirectURL: redirect}
	raw, flow := rawIDToken(t, o, cfg, "anna@firma.pl")
	later := sso.NewClient(func() time.Time { return time.Now().Add(2 * time.Hour) })
	if _, err := later.Verify(context.Background(), cfg, raw, flow.Nonce); !errors.Is(err, sso.ErrExpired) {
		t.Fatalf("expired: %v, want ErrExpired", err)
	}
	c := sso.NewClient(nil)
	if _, err := c.Verify(context.Background(), cfg, raw, "another-sign-in"); !errors.Is(err, sso.ErrNonce) {
		t.Fatalf("foreign nonce: %v, want ErrNonce", err)
	}
	if _, err := c.Verify(context.Background(), cfg, raw[:len(raw)-4]+"AAAA", flow.Nonce); !errors.Is(err, sso.ErrToken) {
		t.Fatalf("bad signature: %v, want ErrToken", err)
	}
}

func TestCheckReadsDiscovery(t *testing.T) {
	o := startOP(t)
	c := sso.NewClient(nil)
	d, err := c.Check(context.Background(), o.Issuer)
	if err != nil || d.AuthURL == "" || d.TokenURL == "" || !d.PKCE || d.IssuerDiffers != "" {
		t.Fatalf("check: %+v %v", d, err)
	}
	if d, err := c.Check(context.Background(), o.Issuer+"/"); err != nil || d.IssuerDiffers != o.Issuer {
		t.Fatalf("trailing slash: %+v %v, want IssuerDiffers", d, err)
	}
	if _, err := c.Check(context.Background(), "http://127.0.0.1:1"); err == nil {
		t.Fatal("no provider: want an error")
	}
}
