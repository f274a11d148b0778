package sso

import (
	"context"
	"errors"
	"slices"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Discovery is what "Sprawdź konfigurację" reports from the provider's
// discovery document.
type Discovery struct {
	Issuer        string
	AuthURL       string
	TokenURL      string
	UserInfoURL   string
	PKCE          bool // S256 is listed among code_challenge_methods_supported
	EmailScope    bool // "email" is listed among scopes_supported (or the list is absent)
	IssuerDiffers string
}

// Check fetches the discovery document of issuer afresh (not from the
// cache) and says what it found. An issuer whose document names another
// issuer is reported, with the name it gives, in IssuerDiffers.
func (c *Client) Check(ctx context.Context, issuer string) (Discovery, error) {
	p, err := oidc.NewProvider(c.ctx(ctx), issuer)
	var mismatch *oidc.IssuerMismatchError
	if errors.As(err, &mismatch) {
		return Discovery{Issuer: issuer, IssuerDiffers: mismatch.Discovered}, nil
	} else if err != nil {
		return Discovery{}, err
	}
	var doc struct {
		Scopes  []string `json:"scopes_supported"`
		Methods []string `json:"code_challenge_methods_supported"`
	}
	if err := p.Claims(&doc); err != nil {
		return Discovery{}, err
	}
	e := p.Endpoint()
	return Discovery{Issuer: issuer, AuthURL: e.AuthURL, TokenURL: e.TokenURL, UserInfoURL: p.UserInfoEndpoint(),
		PKCE: slices.Contains(doc.Methods, "S256"), EmailScope: len(doc.Scopes) == 0 || slices.Contains(doc.Scopes, "email")}, nil
}
