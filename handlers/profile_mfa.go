package handlers

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// mfaPage is the enrolment page: the QR code and key of a pending TOTP key
// with the form for its first code, or, right after it, the recovery codes,
// shown this once.
type mfaPage struct {
	Key       string
	QR        template.URL // a PNG data URL made here, so html/template may show it
	MustEnrol bool
	Codes     []string
	CodesFile template.URL // the codes as a data URL, for "download"
	// PasskeysOn: a passkey may be set up instead (R-MFA-2).
	PasskeysOn bool
}

func (s *Server) enrolPage(en db.Enrolment, mustEnrol bool) mfaPage {
	return mfaPage{Key: en.Key, QR: template.URL(en.QRCode), MustEnrol: mustEnrol, PasskeysOn: s.db.PasskeysAvailable()}
}

// profileMFA shows the enrolment of a TOTP app (R-MFA-1): the key made
// earlier if one waits for its first code, else a new one.
func (s *Server) profileMFA(c echo.Context) error {
	ctx, a := c.Request().Context(), actor(c)
	st, err := s.db.MySecondFactor(ctx, a)
	if err != nil {
		return err
	}
	if st.TOTP {
		return c.Redirect(http.StatusSeeOther, "/profile#mfa")
	}
	en, err := s.db.PendingTOTP(ctx, a)
	if db.ErrorCode(err) == db.ENOTFOUND {
		en, err = s.db.BeginTOTP(ctx, a)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, http.StatusOK, "mfa-enrol", formPage[codeForm]{Extra: s.enrolPage(en, a.MustEnrol),
		active: "profile"})
}

// profileMFAConfirm turns TOTP on with its first code and shows the
// recovery codes once.
func (s *Server) profileMFAConfirm(c echo.Context) error {
	var f codeForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actor(c)
	codes, err := s.db.ConfirmTOTP(ctx, a, f.Code)
	if err != nil {
		en, perr := s.db.PendingTOTP(ctx, a)
		if perr != nil {
			return err
		}
		return refuse(s, c, "mfa-enrol", formPage[codeForm]{Extra: s.enrolPage(en, a.MustEnrol),
			active: "profile"}, err)
	}
	s.flash(c, "mfa.enabled")
	return s.showRecoveryCodes(c, codes)
}

// profileMFACodes makes new recovery codes (the old stop working) and shows
// them once.
func (s *Server) profileMFACodes(c echo.Context) error {
	codes, err := s.db.RegenerateRecoveryCodes(c.Request().Context(), actor(c), c.FormValue("current_password"))
	if err != nil {
		return s.refuseMFA(c, err)
	}
	return s.showRecoveryCodes(c, codes)
}

// profileMFADisable turns the actor's TOTP off, with their password.
func (s *Server) profileMFADisable(c echo.Context) error {
	if err := s.db.DisableTOTP(c.Request().Context(), actor(c), c.FormValue("current_password")); err != nil {
		return s.refuseMFA(c, err)
	}
	s.flash(c, "mfa.disabled")
	return c.Redirect(http.StatusSeeOther, "/profile#mfa")
}

// refuseMFA shows the profile again with the refusal in the second-factor
// section.
func (s *Server) refuseMFA(c echo.Context, err error) error {
	f, perr := s.profilePage(c, formPage[profileForm]{Form: profileForm{Which: "mfa"}})
	if perr != nil {
		return perr
	}
	return refuse(s, c, "profile", f, err)
}

func (s *Server) showRecoveryCodes(c echo.Context, codes []string) error {
	file := s.tr(c).T("mfa.codes.file_head") + "\r\n\r\n" + strings.Join(codes, "\r\n") + "\r\n"
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, http.StatusOK, "mfa-codes", formPage[codeForm]{Extra: mfaPage{Codes: codes,
		CodesFile: template.URL("data:text/plain;charset=utf-8," + url.PathEscape(file))}, active: "profile"})
}
