package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

type profileExtra struct {
	Me         db.User
	Pending    string // a notification address waiting for its link
	Zone       string // the installation's time zone
	Policy     []db.Msg
	Tokens     []db.APIToken
	NewToken   string // shown once, right after it was made
	TokenName  string
	TokenDays  int
	TokenError string
	Lifetimes  []int
	Sessions   []db.Session
	MFA        db.SecondFactor // the second factor's state (profile_mfa.go)
	Passkeys   []db.Passkey    // (passkeys.go)
	PasskeysOn bool            // the installation offers passkeys (https or localhost)
}

// profileForm is what the profile page's forms keep: the details form's
// typed values, and which form a refusal belongs to (its messages show
// there only).
type profileForm struct {
	Which   string // "details" or "password"
	Details db.ProfileInput
}

func (s *Server) profilePage(c echo.Context, f formPage[profileForm]) (formPage[profileForm], error) {
	ctx := c.Request().Context()
	me, err := s.db.Me(ctx, actor(c))
	if err != nil {
		return f, err
	}
	if f.Form.Which != "details" {
		f.Form.Details = db.ProfileInput{FullName: me.FullName, WorkPhone: me.WorkPhone, Email: me.Email,
			NotifyEmail: me.NotifyEmail, Lang: me.Lang, TimeZone: me.TimeZone}
	}
	pending, err := s.db.PendingNotifyEmail(ctx, actor(c))
	if err != nil {
		return f, err
	}
	zone, err := s.db.TimeZone(ctx)
	if err != nil {
		return f, err
	}
	policy, err := s.db.PasswordPolicy(ctx)
	if err != nil {
		return f, err
	}
	tokens, err := s.db.MyAPITokens(ctx, actor(c))
	if err != nil {
		return f, err
	}
	sessions, err := s.db.MySessions(ctx, actor(c))
	if err != nil {
		return f, err
	}
	mfa, err := s.db.MySecondFactor(ctx, actor(c))
	if err != nil {
		return f, err
	}
	passkeys, err := s.db.MyPasskeys(ctx, actor(c))
	if err != nil {
		return f, err
	}
	f.Extra, f.active = profileExtra{Me: me, Pending: pending, Zone: zone, Policy: policy.Rules(), Tokens: tokens,
		Lifetimes: db.TokenLifetimes, TokenDays: db.TokenLifetimes[1], Sessions: sessions, MFA: mfa,
		Passkeys: passkeys, PasskeysOn: s.db.PasskeysAvailable()}, "profile"
	return f, nil
}

func (s *Server) profile(c echo.Context) error {
	f, err := s.profilePage(c, formPage[profileForm]{})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "profile", f)
}

func (s *Server) profilePassword(c echo.Context) error {
	var in db.PasswordChange
	if err := bindForm(c, &in); err != nil {
		return err
	}
	if err := s.db.ChangeOwnPassword(c.Request().Context(), actor(c), in); err != nil {
		f, perr := s.profilePage(c, formPage[profileForm]{Form: profileForm{Which: "password"}})
		if perr != nil {
			return perr
		}
		return refuse(s, c, "profile", f, err)
	}
	s.flash(c, "profile.password.changed")
	return c.Redirect(http.StatusSeeOther, "/profile")
}

// profileDetails saves the user's own name, phone, e-mails, language and
// time zone (R-PROF-1). A new notification e-mail waits for its link.
func (s *Server) profileDetails(c echo.Context) error {
	var in db.ProfileInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	res, err := s.db.UpdateOwnDetails(c.Request().Context(), actor(c), in)
	if err != nil {
		in.CurrentPassword = ""
		f, perr := s.profilePage(c, formPage[profileForm]{Form: profileForm{Which: "details", Details: in}})
		if perr != nil {
			return perr
		}
		return refuse(s, c, "profile", f, err)
	}
	// The flash is in the language just chosen.
	tr := s.bundle.Translator(langOf(c, db.Actor{UserLang: res.User.Lang}))
	lines := []string{tr.T("profile.details.saved")}
	if res.NotifyConfirmTo != "" {
		lines = append(lines, tr.T("profile.notify.sent", "Email", res.NotifyConfirmTo))
	}
	s.flashText(c, lines...)
	return c.Redirect(http.StatusSeeOther, "/profile")
}

func (s *Server) profileSignOutEverywhere(c echo.Context) error {
	if err := s.db.SignOutEverywhere(c.Request().Context(), actor(c)); err != nil {
		return err
	}
	s.clearSession(c)
	s.flash(c, "profile.signed_out_everywhere")
	return c.Redirect(http.StatusSeeOther, "/login")
}

// profileTokenCreate makes an API token for oneself and shows it once, on
// this answer only.
func (s *Server) profileTokenCreate(c echo.Context) error {
	a := actor(c)
	var in db.TokenInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	raw, err := s.db.CreateAPIToken(c.Request().Context(), a, a.Email, in)
	f, perr := s.profilePage(c, formPage[profileForm]{})
	if perr != nil {
		return perr
	}
	x := f.Extra.(profileExtra)
	if err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		x.TokenName, x.TokenDays, x.TokenError = in.Name, in.ExpiresDays, r.Text()
		f.Extra = x
		return s.render(c, r.Status, "profile", f)
	}
	x.NewToken = raw
	f.Extra = x
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, http.StatusOK, "profile", f)
}

func (s *Server) profileTokenRevoke(c echo.Context) error {
	if err := s.db.RevokeAPIToken(c.Request().Context(), actor(c), c.FormValue("id")); err != nil {
		return err
	}
	s.flash(c, "token.revoked")
	return c.Redirect(http.StatusSeeOther, "/profile#tokens")
}
