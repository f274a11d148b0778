package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// Settings → Poczta (R-MAIL-1) is a section of its own on the settings
// page, with its own form, test and partial (partials/mail-settings.html).

// mailTestWait bounds how long "Wyślij wiadomość testową" waits for the
// SMTP server's answer before saying it is still on its way.
const mailTestWait = 20 * time.Second

// mailSection is what the Poczta section shows.
type mailSection struct {
	Setup  db.MailSetup
	Form   db.MailSettingsInput // as stored, or as typed in a refused form (never the password)
	Errors map[string]string
	Error  string
	TestTo string // the address typed for the test, kept
	// Test is the test mail's fate: the server's answer or that it waits.
	Test      *mailTestResult
	TestError string
}

type mailTestResult struct {
	To    string
	State db.MailState
}

// mailSectionFor is the owner's Poczta section; nil for anyone else.
func (s *Server) mailSectionFor(c echo.Context) (*mailSection, error) {
	a := actor(c)
	if !a.IsOwner {
		return nil, nil
	}
	setup, err := s.db.MailSetup(c.Request().Context(), a)
	if err != nil {
		return nil, err
	}
	m := setup.MailSettings
	return &mailSection{Setup: setup, Form: db.MailSettingsInput{Host: m.Host, Port: m.Port, TLS: m.TLS,
		User: m.User, From: m.From, FromName: m.FromName}}, nil
}

// settingsPage renders the settings page with status after edit adjusted
// its sections (a refused form's values, a test's answer).
func (s *Server) settingsPage(c echo.Context, status int, edit func(x *settingsExtra)) error {
	p, perr := s.db.PasswordPolicy(c.Request().Context())
	x, xerr := s.settingsInfo(c)
	if err := errors.Join(perr, xerr); err != nil {
		return err
	}
	if edit != nil {
		edit(&x)
	}
	return s.render(c, status, "settings",
		formPage[policyForm]{Form: policyFormOf(p), active: "settings", Extra: x})
}

// settingsMail saves the SMTP server and sender; a refused form comes back
// with what was typed, except the password, which is never shown back.
func (s *Server) settingsMail(c echo.Context) error {
	var in db.MailSettingsInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	err := s.db.SetMailSettings(c.Request().Context(), actor(c), in)
	if err != nil {
		r, ok := s.formError(c, err)
		if !ok || r.Status == http.StatusForbidden || r.Status == http.StatusUnauthorized {
			return err
		}
		in.Password = ""
		return s.settingsPage(c, r.Status, func(x *settingsExtra) {
			if x.Mail != nil {
				x.Mail.Form, x.Mail.Errors, x.Mail.Error = in, r.Fields, r.Msg
			}
		})
	}
	s.flash(c, "mail.settings.saved")
	return c.Redirect(http.StatusSeeOther, "/settings#mail")
}

// settingsMailTest sends the test mail to the address typed, or the
// owner's own, and shows the SMTP server's answer on the page: accepted,
// or its error text. A server that answers slowly leaves the mail on its
// way, and the page says so.
func (s *Server) settingsMailTest(c echo.Context) error {
	var in struct {
		To string `form:"test_to"`
	}
	if err := bindForm(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	q, err := s.db.QueueTestMail(ctx, actor(c), in.To)
	if err != nil {
		r, ok := s.formError(c, err)
		if !ok || r.Status == http.StatusForbidden || r.Status == http.StatusUnauthorized {
			return err
		}
		return s.settingsPage(c, r.Status, func(x *settingsExtra) {
			if x.Mail != nil {
				x.Mail.TestTo, x.Mail.TestError = in.To, r.Text()
			}
		})
	}
	st, err := s.db.AwaitMail(ctx, actor(c), q.ID, mailTestWait)
	if err != nil {
		return err
	}
	return s.settingsPage(c, http.StatusOK, func(x *settingsExtra) {
		if x.Mail != nil {
			x.Mail.TestTo, x.Mail.Test = in.To, &mailTestResult{To: q.To, State: st}
		}
	})
}
