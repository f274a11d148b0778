package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// sipPage is the SIP accounts page: the list with its search, filter, sort
// and page in the URL; the create form; the account's SIP settings; and the
// passwords set by the previous request, shown this once (R-SIP-3).
type sipPage struct {
	F        db.SIPFilter
	Result   db.Page[db.SIPAccount]
	Settings db.SIPSettings

	Create       db.SIPAccountInput
	CreateErrors map[string]string
	CreateError  string

	SettingsForm   db.SIPSettingsInput
	SettingsErrors map[string]string
	SettingsError  string

	Error     string // a refused row action
	Shown     []db.SIPSecret
	ShownGone bool
}

func (sipPage) nav() string { return "sip" }

// States are the filter's choices.
func (sipPage) States() []string { return db.SIPStates }

// List is the list's state in its URL.
func (p sipPage) List() list {
	return list{Path: "/sip", Sort: p.F.Sort, DefaultSort: "extension", Page: p.Result.Page, Pages: p.Result.Pages(),
		Filters: []string{"q", p.F.Q, "state", p.F.State}}
}

// sipPageFor loads what every rendering of the page needs.
func (s *Server) sipPageFor(c echo.Context, p sipPage) (sipPage, error) {
	ctx, a := c.Request().Context(), actor(c)
	var err error
	if p.Settings, err = s.db.SIPSettings(ctx, a); err != nil {
		return p, err
	}
	if p.Result, err = s.db.SearchSIPAccounts(ctx, a, p.F); err != nil {
		return p, err
	}
	if p.SettingsForm == (db.SIPSettingsInput{}) {
		p.SettingsForm = db.SIPSettingsInput{Domain: p.Settings.Domain, ExtensionPattern: p.Settings.ExtensionPattern}
	}
	if p.Create.PasswordMode == "" {
		p.Create.PasswordMode = db.SIPPasswordGenerate
	}
	return p, nil
}

func (s *Server) sipList(c echo.Context) error {
	var p sipPage
	if err := bindQuery(c, &p.F); err != nil {
		return err
	}
	if token := c.QueryParam("shown"); token != "" {
		p.Shown = s.secrets.take(actor(c).SessionHash, token)
		p.ShownGone = p.Shown == nil
	}
	p, err := s.sipPageFor(c, p)
	if err != nil {
		return err
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		return s.render(c, http.StatusOK, "sip#results", p)
	}
	return s.render(c, http.StatusOK, "sip", p)
}

// showSecrets keeps the passwords for the next page and redirects to it.
func (s *Server) showSecrets(c echo.Context, items []db.SIPSecret) error {
	token := s.secrets.put(actor(c).SessionHash, items)
	return c.Redirect(http.StatusSeeOther, "/sip?shown="+token)
}

func (s *Server) sipCreate(c echo.Context) error {
	var in db.SIPAccountInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	in.UserID = 0
	sec, err := s.db.CreateSIPAccount(c.Request().Context(), actor(c), in)
	if err != nil {
		r, ok := s.formError(c, err)
		fields, msg, status := r.Fields, r.Msg, r.Status
		if !ok {
			return err
		}
		in.Password = "" // a secret is not sent back; its message says what was wrong
		p, perr := s.sipPageFor(c, sipPage{Create: in, CreateErrors: fields, CreateError: msg})
		if perr != nil {
			return perr
		}
		return s.render(c, status, "sip", p)
	}
	s.flash(c, "sip.created", "Extension", sec.Extension)
	return s.showSecrets(c, []db.SIPSecret{sec})
}

func (s *Server) sipSettingsSave(c echo.Context) error {
	var in db.SIPSettingsInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	if _, err := s.db.SetSIPSettings(c.Request().Context(), actor(c), in); err != nil {
		r, ok := s.formError(c, err)
		fields, msg, status := r.Fields, r.Msg, r.Status
		if !ok {
			return err
		}
		p, perr := s.sipPageFor(c, sipPage{SettingsForm: in, SettingsErrors: fields, SettingsError: msg})
		if perr != nil {
			return perr
		}
		return s.render(c, status, "sip", p)
	}
	s.flash(c, "sip.settings.saved")
	return c.Redirect(http.StatusSeeOther, "/sip")
}

func (s *Server) sipRegenerateStale(c echo.Context) error {
	items, err := s.db.RegenerateStaleSIPSecrets(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	if len(items) == 0 {
		s.flash(c, "sip.regenerate_stale.none")
		return c.Redirect(http.StatusSeeOther, "/sip")
	}
	return s.showSecrets(c, items)
}

// sipSecretPage is the form that sets a new password for one account.
type sipSecretPage struct {
	Account db.SIPAccount
	Form    db.SIPSecretInput
	Errors  map[string]string
	Error   string
}

func (sipSecretPage) nav() string { return "sip" }

func (s *Server) sipSecretForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc, err := s.db.GetSIPAccount(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "sip-secret", sipSecretPage{Account: acc,
		Form: db.SIPSecretInput{PasswordMode: db.SIPPasswordGenerate}})
}

func (s *Server) sipSecretSet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in db.SIPSecretInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actor(c)
	sec, err := s.db.RegenerateSIPSecret(ctx, a, id, in)
	if err != nil {
		r, ok := s.formError(c, err)
		fields, msg, status := r.Fields, r.Msg, r.Status
		if !ok {
			return err
		}
		acc, gerr := s.db.GetSIPAccount(ctx, a, id)
		if gerr != nil {
			return gerr
		}
		in.Password = ""
		return s.render(c, status, "sip-secret", sipSecretPage{Account: acc, Form: in, Errors: fields, Error: msg})
	}
	s.flash(c, "sip.regenerated", "Extension", sec.Extension)
	return s.showSecrets(c, []db.SIPSecret{sec})
}

func (s *Server) sipSetEnabled(enabled bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		acc, err := s.db.SetSIPEnabled(c.Request().Context(), actor(c), id, enabled)
		if err != nil {
			return err
		}
		msg := "sip.disabled"
		if enabled {
			msg = "sip.enabled"
		}
		s.flash(c, msg, "Extension", acc.Extension)
		return c.Redirect(http.StatusSeeOther, backToList(c, "/sip"))
	}
}

func (s *Server) sipDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc, err := s.db.DeleteSIPAccount(c.Request().Context(), actor(c), id)
	if err != nil {
		r, ok := s.formError(c, err)
		msg, status := r.Msg, r.Status
		if !ok {
			return err
		}
		p, perr := s.sipPageFor(c, sipPage{Error: msg})
		if perr != nil {
			return perr
		}
		return s.render(c, status, "sip", p)
	}
	s.flash(c, "sip.deleted", "Extension", acc.Extension)
	return c.Redirect(http.StatusSeeOther, backToList(c, "/sip"))
}
