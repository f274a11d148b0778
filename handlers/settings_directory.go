package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/sso"
)

// oidcSection is the OIDC form, its messages, and the answer of
// "Sprawdź konfigurację".
type oidcSection struct {
	Setup       db.OIDCSetup
	Form        db.OIDCSettingsInput
	Errors      map[string]string
	Error       string
	RedirectURL string
	Check       *oidcCheck
}

type oidcCheck struct {
	Issuer string
	Found  *sso.Discovery
	Failed string // why the discovery document could not be read, in words
	Detail string // and the error itself, for the provider's support
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func (s *Server) oidcSectionFor(c echo.Context) (*oidcSection, error) {
	if db.MaySetUpDirectory(actor(c)) != nil {
		return nil, nil
	}
	st, err := s.db.OIDCSetup(c.Request().Context())
	if err != nil {
		return nil, err
	}
	f := db.OIDCSettingsInput{Enabled: st.Enabled, Issuer: st.Issuer, ClientID: st.ClientID,
		Domains: strings.Join(st.Domains, ", "), Label: st.Label, PasswordOff: st.PasswordOff, AMRMFA: st.AMRCountsAsMFA}
	return &oidcSection{Setup: st, Form: f, RedirectURL: s.oidcRedirectURL()}, nil
}

// settingsDirectoryOIDC saves the OIDC form (owner only, in db); a refused
// form comes back with the typed values (never the secret).
func (s *Server) settingsDirectoryOIDC(c echo.Context) error {
	var in db.OIDCSettingsInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	if err := s.db.SetOIDCSettings(c.Request().Context(), actor(c), in); err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		o, oerr := s.oidcSectionFor(c)
		if oerr != nil || o == nil {
			return err
		}
		in.ClientSecret = ""
		o.Form, o.Errors, o.Error = in, r.Fields, r.Msg
		return s.directoryWith(c, r.Status, func(p *directoryPage) { p.OIDC = o })
	}
	s.flash(c, "oidc.saved")
	return c.Redirect(http.StatusSeeOther, "/settings/directory#oidc")
}

// settingsDirectoryOIDCCheck fetches the discovery document of the issuer
// typed in the form (or the stored one) and says what it found or why it
// failed. It saves nothing.
func (s *Server) settingsDirectoryOIDCCheck(c echo.Context) error {
	if err := db.MaySetUpDirectory(actor(c)); err != nil {
		return err
	}
	o, err := s.oidcSectionFor(c)
	if err != nil {
		return err
	}
	var in db.OIDCSettingsInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	in.ClientSecret = ""
	if in.Issuer == "" {
		in.Issuer = o.Setup.Issuer
	}
	in.Issuer = strings.TrimRight(strings.TrimSpace(in.Issuer), "/")
	o.Form = in
	tr := s.tr(c)
	chk := &oidcCheck{Issuer: in.Issuer}
	if m, bad := db.CheckIssuer(in.Issuer); in.Issuer == "" {
		chk.Failed = tr.T("error.required")
	} else if bad {
		chk.Failed = tr.Msg(m)
	} else if d, err := s.sso.Check(c.Request().Context(), in.Issuer); err != nil {
		chk.Failed = tr.T("oidc.check.why." + sso.Why(err))
		chk.Detail = truncateRunes(err.Error(), 300)
	} else {
		chk.Found = &d
	}
	o.Check = chk
	return s.directoryWith(c, http.StatusOK, func(p *directoryPage) { p.OIDC = o })
}
