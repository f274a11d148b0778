// Package sso signs users in with an OpenID Connect provider (Entra ID,
// Google Workspace, any OP): the authorization code flow with PKCE, state
// and nonce, through github.com/coreos/go-oidc and golang.org/x/oauth2.
// It speaks the protocol only; who may sign in is decided in package db
// (db.OIDCLogin).
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config is one provider as the owner set it up.
type Config struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string
}

// Flow is what the browser keeps (in a signed, short-lived cookie) between
// leaving for the provider and coming back: the state that ties the answer
// to this browser, the nonce that ties the ID token to this request, and
// the PKCE verifier that only this client can show for the code.
type Flow struct {
	State    string
	Nonce    string
	Verifier string
}

// Identity is what a verified ID token (and, where it lacks them, the
// userinfo endpoint) says about the person.
type Identity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	AMR           []string // authentication methods (RFC 8176), e.g. pwd, mfa, otp
}

// Kinds of failure, each with its own message for the person signing in.
var (
	ErrState      = errors.New("sso: state does not match this browser")
	ErrDenied     = errors.New("sso: the provider refused the sign-in")
	ErrExchange   = errors.New("sso: the code was not accepted")
	ErrNoIDToken  = errors.New("sso: no ID token in the answer")
	ErrAudience   = errors.New("sso: the ID token was issued to another application")
	ErrExpired    = errors.New("sso: the ID token has expired")
	ErrNonce      = errors.New("sso: the ID token's nonce does not match")
	ErrToken      = errors.New("sso: the ID token is not valid")
	ErrUnreached  = errors.New("sso: the provider cannot be reached")
	ErrNoSubject  = errors.New("sso: userinfo names another subject")
	ErrNotEnabled = errors.New("sso: sign-in with a provider is not set up")
)

// Client talks to providers. It keeps the last provider it discovered
// (one entry, so nothing grows), so that a sign-in costs no discovery and
// the signing keys are fetched once, not on every callback.
type Client struct {
	HTTP *http.Client
	Now  func() time.Time // the clock tokens are checked against; nil means time.Now

	mu       sync.Mutex
	issuer   string
	provider *oidc.Provider
}

// NewClient returns a Client whose requests to the provider time out.
func NewClient(now func() time.Time) *Client {
	return &Client{HTTP: &http.Client{Timeout: 10 * time.Second}, Now: now}
}

func (c *Client) ctx(ctx context.Context) context.Context {
	ctx = oidc.ClientContext(ctx, c.HTTP)
	return context.WithValue(ctx, oauth2.HTTPClient, c.HTTP)
}

func (c *Client) providerFor(ctx context.Context, issuer string) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil && c.issuer == issuer {
		return c.provider, nil
	}
	p, err := oidc.NewProvider(c.ctx(ctx), issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreached, err)
	}
	c.issuer, c.provider = issuer, p
	return p, nil
}

func (c *Client) oauth(p *oidc.Provider, cfg Config) *oauth2.Config {
	return &oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// Begin starts a sign-in: it returns the provider's authorization URL and
// the Flow the browser must bring back.
func (c *Client) Begin(ctx context.Context, cfg Config) (string, Flow, error) {
	p, err := c.providerFor(ctx, cfg.Issuer)
	if err != nil {
		return "", Flow{}, err
	}
	f := Flow{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
	u := c.oauth(p, cfg).AuthCodeURL(f.State, oauth2.S256ChallengeOption(f.Verifier), oidc.Nonce(f.Nonce))
	return u, f, nil
}

// Callback is the provider's answer as it reached the redirect URL.
type Callback struct {
	State            string
	Code             string
	Error            string // the provider's error code, e.g. access_denied
	ErrorDescription string
}

// Finish checks the answer against the Flow, exchanges the code (with the
// PKCE verifier), verifies the ID token (signature, issuer, expiry by the
// library; audience and nonce here) and returns who signed in.
func (c *Client) Finish(ctx context.Context, cfg Config, f Flow, cb Callback) (Identity, error) {
	if f.State == "" || subtle.ConstantTimeCompare([]byte(f.State), []byte(cb.State)) != 1 {
		return Identity{}, ErrState
	}
	if cb.Error != "" {
		return Identity{}, fmt.Errorf("%w: %s", ErrDenied, cb.Error)
	}
	p, err := c.providerFor(ctx, cfg.Issuer)
	if err != nil {
		return Identity{}, err
	}
	ctx = c.ctx(ctx)
	tok, err := c.oauth(p, cfg).Exchange(ctx, cb.Code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrExchange, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, ErrNoIDToken
	}
	id, err := c.Verify(ctx, cfg, raw, f.Nonce)
	if err != nil {
		return Identity{}, err
	}
	if id.Email == "" && p.UserInfoEndpoint() != "" {
		// Some providers put e-mail in the ID token only on request; the
		// userinfo endpoint has it, for the same subject.
		info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return Identity{}, fmt.Errorf("%w: userinfo: %v", ErrUnreached, err)
		}
		if info.Subject != id.Subject {
			return Identity{}, ErrNoSubject
		}
		id.Email, id.EmailVerified = info.Email, bool(info.EmailVerified)
		if id.Name == "" {
			var n struct {
				Name string `json:"name"`
			}
			_ = info.Claims(&n)
			id.Name = n.Name
		}
	}
	return id, nil
}

// Verify checks a raw ID token for cfg and the expected nonce.
func (c *Client) Verify(ctx context.Context, cfg Config, raw, nonce string) (Identity, error) {
	p, err := c.providerFor(ctx, cfg.Issuer)
	if err != nil {
		return Identity{}, err
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	// The audience is checked below rather than by the library, so that a
	// token for another application gets its own message.
	v := p.Verifier(&oidc.Config{SkipClientIDCheck: true, Now: now})
	t, err := v.Verify(c.ctx(ctx), raw)
	var expired *oidc.TokenExpiredError
	switch {
	case errors.As(err, &expired):
		return Identity{}, fmt.Errorf("%w: %v", ErrExpired, err)
	case err != nil:
		return Identity{}, fmt.Errorf("%w: %v", ErrToken, err)
	}
	if !slices.Contains(t.Audience, cfg.ClientID) {
		return Identity{}, fmt.Errorf("%w: %v", ErrAudience, t.Audience)
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(t.Nonce), []byte(nonce)) != 1 {
		return Identity{}, ErrNonce
	}
	var cl struct {
		Email         string   `json:"email"`
		EmailVerified any      `json:"email_verified"`
		EDOV          any      `json:"xms_edov"` // Entra ID: the e-mail's domain is verified by the tenant
		Name          string   `json:"name"`
		AMR           []string `json:"amr"`
	}
	if err := t.Claims(&cl); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrToken, err)
	}
	return Identity{Issuer: t.Issuer, Subject: t.Subject, Email: cl.Email,
		EmailVerified: truthy(cl.EmailVerified) || truthy(cl.EDOV), Name: cl.Name, AMR: cl.AMR}, nil
}

// truthy reads a boolean claim that some providers send as a string.
func truthy(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return strings.EqualFold(b, "true") || b == "1"
	case float64:
		return b == 1
	}
	return false
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
