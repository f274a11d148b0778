package sso

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/url"
	"slices"
	"strings"

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

// Why sorts a failed Check into what an admin can act on: "timeout",
// "tls" (the certificate is not trusted), "unreachable" (no answer at
// that address), "notfound" (no discovery document there: a wrong
// issuer URL), "status" (another HTTP error), "json" (an answer that is
// no discovery document), or "other".
func Why(err error) string {
	var ue *url.Error
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch msg := err.Error(); {
	case errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr):
		return "tls"
	case errors.As(err, &ue) && ue.Timeout():
		return "timeout"
	case errors.As(err, &ue):
		return "unreachable"
	case strings.HasPrefix(msg, "404"):
		return "notfound"
	case len(msg) > 3 && msg[0] >= '1' && msg[0] <= '5' && msg[3] == ' ':
		return "status"
	case strings.Contains(msg, "failed to decode"):
		return "json"
	}
	return "other"
}
