package handlers

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// Passkeys (R-MFA-2). The browser's half of each WebAuthn ceremony is
// assets/static/passkey.js: it asks for the options here, hands them to
// navigator.credentials, and posts the answer back as JSON. These routes
// answer JSON, for that script only.

// passkeyCookie carries the id of the sign-in ceremony this browser
// started, so that a new one (every visit to the sign-in page starts one,
// for the browser's autofill) replaces it instead of piling up.
const passkeyCookie = "kadra_pk"

// passkeyAnswer is what passkey.js posts to finish a ceremony.
type passkeyAnswer struct {
	Ceremony   string          `json:"ceremony"`
	Name       string          `json:"name"`
	Next       string          `json:"next"`
	Credential json.RawMessage `json:"credential"`
}

// readPasskeyAnswer reads a finish's JSON body: at most 64 KB, nothing
// unknown.
func readPasskeyAnswer(c echo.Context) (passkeyAnswer, error) {
	var in passkeyAnswer
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, db.Errorf(db.EINVALID, "error.bad_request")
	}
	return in, nil
}

// passkeyReply answers passkey.js: the value on success, or the refusal in
// the user's language with the field it concerns.
func (s *Server) passkeyReply(c echo.Context, v any, err error) error {
	if err == nil {
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(http.StatusOK, v)
	}
	e := domainError(err)
	if e.Code == db.EINTERNAL {
		return err
	}
	tr := s.tr(c)
	out := map[string]string{"error": tr.Msg(e.Msg)}
	for field, m := range e.Fields {
		out["error"], out["field"] = tr.Msg(m), field
		break
	}
	return c.JSON(statusOf[e.Code], out)
}

// profilePasskeyBegin starts registering a passkey for the signed-in user.
func (s *Server) profilePasskeyBegin(c echo.Context) error {
	in, err := readPasskeyAnswer(c)
	if err != nil {
		return s.passkeyReply(c, nil, err)
	}
	cer, err := s.db.BeginPasskey(c.Request().Context(), actor(c), in.Name)
	return s.passkeyReply(c, cer, err)
}

// profilePasskeyFinish keeps the passkey the browser made.
func (s *Server) profilePasskeyFinish(c echo.Context) error {
	in, err := readPasskeyAnswer(c)
	if err != nil {
		return s.passkeyReply(c, nil, err)
	}
	_, err = s.db.FinishPasskey(c.Request().Context(), actor(c), db.PasskeyInput{Ceremony: in.Ceremony,
		Name: in.Name, Response: in.Credential})
	if err == nil {
		s.flash(c, "passkey.added")
	}
	next := "/profile#passkeys"
	if actor(c).MustEnrol { // the enrolment is done: the panel opens
		next = "/"
	}
	return s.passkeyReply(c, map[string]string{"redirect": next}, err)
}

// profilePasskeyDelete removes one of the user's passkeys, with their
// password.
func (s *Server) profilePasskeyDelete(c echo.Context) error {
	id, _ := strconv.ParseInt(c.FormValue("id"), 10, 64) // 0 is nobody's: ENOTFOUND, after the policy
	if err := s.db.RemovePasskey(c.Request().Context(), actor(c), id, c.FormValue("current_password")); err != nil {
		f, perr := s.profilePage(c, formPage[profileForm]{Form: profileForm{Which: "passkeys"}})
		if perr != nil {
			return perr
		}
		return refuse(s, c, "profile", f, err)
	}
	s.flash(c, "passkey.removed")
	return c.Redirect(http.StatusSeeOther, "/profile#passkeys")
}

// loginPasskeyBegin starts a sign-in with a passkey: no user yet, the
// passkey will name one.
func (s *Server) loginPasskeyBegin(c echo.Context) error {
	var previous string
	if ck, err := c.Cookie(passkeyCookie); err == nil {
		previous = ck.Value
	}
	cer, err := s.db.BeginPasskeyLogin(c.Request().Context(), c.RealIP(), previous)
	if err == nil {
		c.SetCookie(&http.Cookie{Name: passkeyCookie, Value: cer.ID, Path: "/login/passkey", MaxAge: 300,
			HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
	}
	return s.passkeyReply(c, map[string]json.RawMessage{"options": cer.Options}, err)
}

// loginPasskeyFinish signs in with the passkey's answer and says where to
// go next.
func (s *Server) loginPasskeyFinish(c echo.Context) error {
	in, err := readPasskeyAnswer(c)
	if err != nil {
		return s.passkeyReply(c, nil, err)
	}
	var ceremony string
	if ck, err := c.Cookie(passkeyCookie); err == nil {
		ceremony = ck.Value
	}
	c.SetCookie(&http.Cookie{Name: passkeyCookie, Value: "", Path: "/login/passkey", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
	sid, err := s.db.LoginPasskey(c.Request().Context(), db.PasskeyInput{Ceremony: ceremony,
		Response: in.Credential, IP: c.RealIP(), UserAgent: c.Request().UserAgent()})
	if err != nil {
		return s.passkeyReply(c, nil, err)
	}
	s.clearSecondStep(c) // a password's waiting code step is moot now
	if err := s.startSession(c, sid); err != nil {
		return err
	}
	return s.passkeyReply(c, map[string]string{"redirect": localPath(strings.TrimSpace(in.Next))}, nil)
}

// usersMFAReset removes a user's second factor (R-MFA-4), for an admin the
// policy allows.
func (s *Server) usersMFAReset(c echo.Context, id int64) (db.Msg, error) {
	return db.M("mfa.reset.done"), s.db.ResetSecondFactor(c.Request().Context(), actor(c), id)
}
