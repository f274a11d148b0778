package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// userFormExtra is what the user form shows besides the typed values.
type userFormExtra struct {
	db.UserFormOptions
	Editing    bool
	Action     string
	Label      string
	CurrentSIP int64
	Shown      []db.SIPSecret // the previous user's new SIP password ("save and add next")
	Groups     groupPicker    // chosen groups and a capped few others, never all (R-GROUP-3)
	UserID     int64          // the user edited, whose own e-mail is no conflict
	Owner      bool           // editing the owner, who always stays Administrator
}

func (s *Server) userFormPage(c echo.Context, in db.UserInput, editing *db.UserDetails) (formPage[db.UserInput], error) {
	opts, err := s.db.UserFormOptions(c.Request().Context(), actor(c))
	if err != nil {
		return formPage[db.UserInput]{}, err
	}
	x := userFormExtra{UserFormOptions: opts, Action: "/users"}
	tr := s.tr(c)
	if x.Groups, err = s.newGroupPicker(c, groupPicker{ID: "f-group_ids", Name: "group_ids", Many: true, Plain: true,
		Find: true, Q: c.FormValue("group_q"), Label: tr.T("userform.groups")}, in.GroupIDs); err != nil {
		return formPage[db.UserInput]{}, err
	}
	if editing != nil {
		x.Editing, x.Label, x.CurrentSIP, x.UserID = true, editing.Email, editing.SIPAccountID, editing.ID
		x.Owner = editing.IsOwner
		x.Action = fmt.Sprintf("/users/%d", editing.ID)
		if editing.SIPAccountID != 0 { // the user's own account is a choice too
			x.FreeSIP = append([]db.SIPAccount{{ID: editing.SIPAccountID, Extension: editing.Extension}}, x.FreeSIP...)
		}
	}
	return formPage[db.UserInput]{Form: in, Extra: x, active: "users"}, nil
}

// usersNew shows an empty form; "save and add next" comes back here with
// the shared choices in the URL (R-USER-13).
func (s *Server) usersNew(c echo.Context) error {
	var in db.UserInput
	if err := bindQuery(c, &struct {
		RoleID       *int64   `query:"role_id"`
		PositionID   *int64   `query:"position_id"`
		CallNumberID *int64   `query:"call_number_id"`
		SMSSenderID  *int64   `query:"sms_sender_id"`
		GroupIDs     *[]int64 `query:"group_ids"`
		SendInvite   *bool    `query:"send_invite"`
	}{&in.RoleID, &in.PositionID, &in.CallNumberID, &in.SMSSenderID, &in.GroupIDs, &in.SendInvite}); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if in.RoleID == 0 {
		in.RoleID, _ = s.db.BuiltinRoleID(ctx, db.BuiltinStaff)
	}
	if in.PositionID == 0 {
		in.PositionID, _ = s.db.DefaultPositionID(ctx, actor(c))
	}
	f, err := s.userFormPage(c, in, nil)
	if err != nil {
		return err
	}
	x := f.Extra.(userFormExtra)
	x.Shown = s.secrets.take(actor(c).SessionHash, c.QueryParam("shown"))
	f.Extra = x
	return s.render(c, http.StatusOK, "user-form", f)
}

func (s *Server) usersCreate(c echo.Context) error {
	var in db.UserInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	if c.FormValue("group_search") != "" {
		return s.groupSearchAgain(c, in, nil)
	}
	saved, err := s.db.CreateUser(c.Request().Context(), actor(c), in)
	if err != nil {
		in.Password, in.PasswordConfirm = "", ""
		f, ferr := s.userFormPage(c, in, nil)
		if ferr != nil {
			return ferr
		}
		return refuse(s, c, "user-form", f, err)
	}
	s.flash(c, "user.created", "Email", saved.Email)
	if saved.Mail != nil {
		s.flashText(c, s.tr(c).Msg(s.mailOutcome(c, *saved.Mail)))
	}
	if c.FormValue("next") != "" {
		q := url.Values{}
		q.Set("role_id", strconv.FormatInt(in.RoleID, 10))
		q.Set("position_id", strconv.FormatInt(in.PositionID, 10))
		q.Set("call_number_id", strconv.FormatInt(in.CallNumberID, 10))
		q.Set("sms_sender_id", strconv.FormatInt(in.SMSSenderID, 10))
		if in.SendInvite {
			q.Set("send_invite", "true")
		}
		for _, g := range in.GroupIDs {
			q.Add("group_ids", strconv.FormatInt(g, 10))
		}
		if saved.SIP != nil {
			q.Set("shown", s.secrets.put(actor(c).SessionHash, []db.SIPSecret{*saved.SIP}))
		}
		return c.Redirect(http.StatusSeeOther, "/users/new?"+q.Encode())
	}
	return s.redirectToUser(c, saved)
}

// groupSearchAgain shows the user form again with what was typed and the
// groups matching the search, saving nothing: the group picker's search
// for a browser without script. Passwords are not shown back (R-SEC-1).
func (s *Server) groupSearchAgain(c echo.Context, in db.UserInput, editing *db.UserDetails) error {
	in.Password, in.PasswordConfirm = "", ""
	f, err := s.userFormPage(c, in, editing)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "user-form", f)
}

// redirectToUser goes to the user's page, carrying a new SIP password to be
// shown there once (R-SIP-3).
func (s *Server) redirectToUser(c echo.Context, saved db.UserSaved) error {
	target := fmt.Sprintf("/users/%d", saved.ID)
	if saved.SIP != nil {
		target += "?shown=" + s.secrets.put(actor(c).SessionHash, []db.SIPSecret{*saved.SIP})
	}
	return c.Redirect(http.StatusSeeOther, target)
}

func (s *Server) usersEdit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := s.db.GetUserDetails(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	if err := s.db.MayActOnUser(c.Request().Context(), actor(c), db.ActEdit, id); err != nil {
		return err
	}
	in := u.Input()
	f, err := s.userFormPage(c, in, &u)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "user-form", f)
}

func (s *Server) usersUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in db.UserInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if c.FormValue("group_search") != "" {
		u, err := s.db.GetUserDetails(ctx, actor(c), id)
		if err != nil {
			return err
		}
		return s.groupSearchAgain(c, in, &u)
	}
	saved, err := s.db.UpdateUser(ctx, actor(c), id, in)
	if err != nil {
		u, gerr := s.db.GetUserDetails(ctx, actor(c), id)
		if gerr != nil {
			return gerr
		}
		in.Password, in.PasswordConfirm = "", ""
		f, ferr := s.userFormPage(c, in, &u)
		if ferr != nil {
			return ferr
		}
		return refuse(s, c, "user-form", f, err)
	}
	s.flash(c, "user.updated", "Email", saved.Email)
	return s.redirectToUser(c, saved)
}

// userShowPage is a user's details page, with the row menu's actions.
type userShowPage struct {
	U       db.UserOverview // each section of the page reads its part
	Secrets []db.SIPSecret
	Row     db.UserRow
	Acts    db.UserActs
	Audit   *auditRecent // nil without audit.view
	// Sessions are the user's live sessions, when the actor may end them.
	Sessions []db.Session
	// SecondFactor: the user has one, shown when the actor may remove it.
	SecondFactor bool
	Grants       *userGrants // grants that end (R-GOV-2), govgrants.go
	Areas        []permArea  // the catalogue, for the role's permissions
}

func (userShowPage) nav() string { return "users" }

func (s *Server) usersShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a := actor(c)
	u, err := s.db.GetUserOverview(c.Request().Context(), a, id)
	if err != nil {
		return err
	}
	acts, err := s.db.UserActions(c.Request().Context(), a, id)
	if err != nil {
		return err
	}
	p := userShowPage{U: u, Secrets: s.secrets.take(a.SessionHash, c.QueryParam("shown")),
		Row: db.UserRow{User: u.User, Extension: u.Extension}, Acts: acts, Areas: permAreas()}
	if acts.Sessions {
		if p.Sessions, err = s.db.UserSessions(c.Request().Context(), a, id); err != nil {
			return err
		}
	}
	if acts.ResetMFA {
		if p.SecondFactor, err = s.db.UserHasSecondFactor(c.Request().Context(), a, id); err != nil {
			return err
		}
	}
	if p.Audit, err = s.recentAuditN(c, "user", id, 20); err != nil {
		return err
	}
	if p.Grants, err = s.userGrantsBox(c, id); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "user-show", p)
}
