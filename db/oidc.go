package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// Sign-in with an OpenID Connect provider (issue 17) is set up once for the
// installation by the owner in Settings → Katalog. The settings are one
// JSON value in the settings table; the client secret in it is sealed with
// the server secret beside the database (mfa_secret.go), so a copy of the
// database alone does not give it away. It is never shown back, logged or
// audited (R-SEC-5).

const settingOIDC = "oidc.provider"

// OIDCSettings is the provider as stored. SecretSealed is the sealed
// client secret; pages get OIDCSetup, which has no secret.
type OIDCSettings struct {
	Enabled      bool     `json:"enabled"`
	Issuer       string   `json:"issuer"`
	ClientID     string   `json:"client_id"`
	SecretSealed string   `json:"client_secret_sealed,omitempty"`
	Domains      []string `json:"domains"`
	Label        string   `json:"label"`
	// PasswordOff refuses password sign-in to addresses in Domains (the
	// directory's users); the owner keeps theirs, so that a provider
	// outage never locks the installation.
	PasswordOff bool `json:"password_off"`
	// AMRCountsAsMFA lets an ID token whose amr claim holds "mfa" stand
	// for kadra's own second factor (R-MFA-1, R-MFA-3).
	AMRCountsAsMFA bool `json:"amr_mfa"`
}

// OIDCSetup is what Settings → Katalog shows.
type OIDCSetup struct {
	OIDCSettings
	HasSecret bool
}

// ButtonLabel is the provider's name on the sign-in button.
func (s OIDCSettings) ButtonLabel() string {
	if s.Label != "" {
		return s.Label
	}
	u, _ := url.Parse(s.Issuer)
	if u != nil {
		switch {
		case u.Host == "login.microsoftonline.com" || strings.HasSuffix(u.Host, ".microsoftonline.com"):
			return "Microsoft"
		case u.Host == "accounts.google.com":
			return "Google"
		}
	}
	return ""
}

// domainAllowed says whether a (normalised) address is in one of the
// directory's domains.
func (s OIDCSettings) domainAllowed(email string) bool {
	at := strings.LastIndexByte(email, '@')
	return at >= 0 && slices.Contains(s.Domains, email[at+1:])
}

// OIDCSettingsInput is the Katalog form. An empty ClientSecret keeps the
// stored one.
type OIDCSettingsInput struct {
	Enabled      bool   `form:"enabled"`
	Issuer       string `form:"issuer"`
	ClientID     string `form:"client_id"`
	ClientSecret string `form:"client_secret"`
	Domains      string `form:"domains"` // separated by commas, spaces or lines
	Label        string `form:"label"`
	PasswordOff  bool   `form:"password_off"`
	AMRMFA       bool   `form:"amr_mfa"`
}

func oidcSettings(ctx context.Context, q *sqlcdb.Queries) (OIDCSettings, error) {
	var s OIDCSettings
	v, err := q.GetSetting(ctx, settingOIDC)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	} else if err != nil {
		return s, err
	}
	return s, json.Unmarshal([]byte(v), &s)
}

// OIDCSetup returns the provider's settings without the secret, for the
// sign-in page (is there a button?) and Settings → Katalog.
func (d *DB) OIDCSetup(ctx context.Context) (OIDCSetup, error) {
	s, err := oidcSettings(ctx, d.rq)
	hasSecret := s.SecretSealed != ""
	s.SecretSealed = ""
	return OIDCSetup{OIDCSettings: s, HasSecret: hasSecret}, err
}

// OIDCClient is what the sign-in flow needs to talk to the provider,
// the client secret opened. Only the flow reads it (never a page).
type OIDCClient struct {
	Issuer, ClientID, ClientSecret, Label string
}

// OIDCClient returns the provider's client credentials. Returns ENOTFOUND
// ("oidc.not_enabled") when sign-in with a provider is off.
func (d *DB) OIDCClient(ctx context.Context) (OIDCClient, error) {
	s, err := oidcSettings(ctx, d.rq)
	if err != nil {
		return OIDCClient{}, err
	}
	if !s.Enabled || s.Issuer == "" || s.ClientID == "" {
		return OIDCClient{}, Errorf(ENOTFOUND, "oidc.not_enabled")
	}
	secret, err := d.openSealed(oidcSecretAAD, s.SecretSealed)
	if err != nil {
		return OIDCClient{}, err
	}
	return OIDCClient{Issuer: s.Issuer, ClientID: s.ClientID, ClientSecret: secret, Label: s.ButtonLabel()}, nil
}

const oidcSecretAAD = "oidc client secret"

// SetOIDCSettings saves the Katalog form. Owner only (or the operator);
// audited without the secret, which the entry only says changed. Returns
// EFORBIDDEN, EINVALID per field.
func (d *DB) SetOIDCSettings(ctx context.Context, a Actor, in OIDCSettingsInput) error {
	if err := requireOwnerOrSystem(a); err != nil {
		return err
	}
	next := OIDCSettings{Enabled: in.Enabled, Issuer: strings.TrimRight(strings.TrimSpace(in.Issuer), "/"),
		ClientID: strings.TrimSpace(in.ClientID), Label: strings.TrimSpace(in.Label),
		PasswordOff: in.PasswordOff, AMRCountsAsMFA: in.AMRMFA}
	var v ValidationError
	if next.Issuer != "" {
		if m, bad := CheckIssuer(next.Issuer); bad {
			v.Add("issuer", m)
		}
	}
	for _, f := range strings.FieldsFunc(strings.ToLower(in.Domains), func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	}) {
		f = strings.TrimPrefix(f, "@")
		if m, bad := emailLookalike("x@" + f); bad || !strings.Contains(f, ".") || strings.ContainsAny(f, "@/:") {
			if !bad {
				m = M("oidc.domain_invalid", "Domain", f)
			}
			v.Add("domains", m)
			continue
		}
		if !slices.Contains(next.Domains, f) {
			next.Domains = append(next.Domains, f)
		}
	}
	if len(next.Label) > 40 {
		v.Add("label", M("oidc.label_long", "Max", 40))
	}
	if _, bad := hiddenOrCompat(next.Label); bad {
		v.Add("label", M("error.email_invisible"))
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := oidcSettings(ctx, t.Queries)
		if err != nil {
			return nil, err
		}
		next.SecretSealed = before.SecretSealed
		secretChanged := in.ClientSecret != ""
		if secretChanged {
			if next.SecretSealed, err = t.d.seal(oidcSecretAAD, in.ClientSecret); err != nil {
				return nil, err
			}
		}
		if next.Enabled {
			if next.Issuer == "" {
				v.Add("issuer", M("error.required"))
			}
			if next.ClientID == "" {
				v.Add("client_id", M("error.required"))
			}
			if next.SecretSealed == "" {
				v.Add("client_secret", M("error.required"))
			}
			if len(next.Domains) == 0 && !v.Has("domains") {
				v.Add("domains", M("oidc.domains_required"))
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		b, err := json.Marshal(next)
		if err != nil {
			return nil, err
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingOIDC, Value: string(b)}); err != nil {
			return nil, err
		}
		type shown struct {
			Enabled     bool   `json:"oidc_enabled"`
			Issuer      string `json:"oidc_issuer"`
			ClientID    string `json:"oidc_client_id"`
			Domains     string `json:"oidc_domains"`
			Label       string `json:"oidc_label"`
			PasswordOff bool   `json:"oidc_password_off"`
			AMR         bool   `json:"oidc_amr_mfa"`
			Secret      bool   `json:"oidc_secret_changed,omitempty"`
		}
		of := func(s OIDCSettings) shown {
			return shown{s.Enabled, s.Issuer, s.ClientID, strings.Join(s.Domains, ", "), s.Label, s.PasswordOff,
				s.AMRCountsAsMFA, false}
		}
		after := of(next)
		after.Secret = secretChanged
		return one(change{Action: "settings.oidc", TargetType: "settings", TargetLabel: "oidc",
			Before: of(before), After: after}), nil
	})
}

// CheckIssuer wants an https URL, or http on this machine (for a
// provider a test or a developer runs on 127.0.0.1).
func CheckIssuer(s string) (Msg, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return M("oidc.issuer_invalid"), true
	}
	if u.Scheme == "https" {
		return Msg{}, false
	}
	if u.Scheme == "http" {
		if ip := net.ParseIP(u.Hostname()); (ip != nil && ip.IsLoopback()) || u.Hostname() == "localhost" {
			return Msg{}, false
		}
	}
	return M("oidc.issuer_https"), true
}

// seal encrypts a setting's secret with the server secret, bound to its
// purpose (aad), so that a sealed value copied to another setting does not
// open.
func (d *DB) seal(aad, plain string) (string, error) {
	aead, _, err := d.secretKeys()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(plain), []byte(aad))), nil
}

func (d *DB) openSealed(aad, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	aead, _, err := d.secretKeys()
	if err != nil {
		return "", err
	}
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return "", errors.New("sealed setting: malformed")
	}
	p, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(aad))
	if err != nil {
		return "", Errorf(EINVALID, "oidc.secret_unreadable")
	}
	return string(p), nil
}
