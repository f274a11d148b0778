package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// apiUsersList is GET /api/v1/users with the list's filters (R-USER-16).
func (s *Server) apiUsersList(c echo.Context) error {
	var f db.UserFilter
	if err := (&echo.DefaultBinder{}).BindQueryParams(c, &f); err != nil {
		return db.Errorf(db.EINVALID, "error.bad_request")
	}
	page, err := s.db.ListUsers(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) apiUsersGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := s.db.GetUserDetails(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

func (s *Server) apiUsersBlock(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := s.db.BlockUser(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

func (s *Server) apiUsersUnblock(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := s.db.UnblockUser(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

func (s *Server) apiUsersDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.db.DeleteUser(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiUserCreated is the answer to a create: the user and, when an extension
// was created, its SIP password this once (R-SIP-3).
func (s *Server) apiUsersCreate(c echo.Context) error {
	var in db.UserInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	in.PasswordConfirm = in.Password // a script types nothing twice (R-API-1)
	saved, err := s.db.CreateUser(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, saved)
}

// userPatch is PATCH /api/v1/users/{id}: fields left out keep their value.
type userPatch struct {
	Email        *string  `json:"email"`
	NotifyEmail  *string  `json:"notify_email"`
	SIPAccountID *int64   `json:"sip_account_id"`
	NewExtension *string  `json:"extension"`
	CallNumberID *int64   `json:"call_number_id"`
	SMSSenderID  *int64   `json:"sms_sender_id"`
	Password     *string  `json:"password"`
	FullName     *string  `json:"full_name"`
	WorkPhone    *string  `json:"work_phone"`
	RoleID       *int64   `json:"role_id"`
	PositionID   *int64   `json:"position_id"`
	GroupIDs     *[]int64 `json:"group_ids"`
}

func (s *Server) apiUsersPatch(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var p userPatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	ctx := c.Request().Context()
	cur, err := s.db.GetUserDetails(ctx, actor(c), id)
	if err != nil {
		return err
	}
	in := db.UserInput{Email: cur.Email, NotifyEmail: cur.NotifyEmail, SIPAccountID: cur.SIPAccountID,
		CallNumberID: cur.CallNumberID, SMSSenderID: cur.SMSSenderID, FullName: cur.FullName,
		WorkPhone: cur.WorkPhone, RoleID: cur.RoleID, PositionID: cur.PositionID, GroupIDs: cur.GroupIDs}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setID := func(dst *int64, src *int64) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Email, p.Email)
	set(&in.NotifyEmail, p.NotifyEmail)
	set(&in.NewExtension, p.NewExtension)
	set(&in.Password, p.Password)
	if p.Password != nil {
		in.PasswordConfirm = *p.Password // a script types nothing twice (R-API-1)
	}
	set(&in.FullName, p.FullName)
	set(&in.WorkPhone, p.WorkPhone)
	setID(&in.SIPAccountID, p.SIPAccountID)
	setID(&in.CallNumberID, p.CallNumberID)
	setID(&in.SMSSenderID, p.SMSSenderID)
	setID(&in.RoleID, p.RoleID)
	setID(&in.PositionID, p.PositionID)
	if p.NewExtension != nil && p.SIPAccountID == nil {
		in.SIPAccountID = 0
	}
	if p.GroupIDs != nil {
		in.GroupIDs = *p.GroupIDs
	}
	saved, err := s.db.UpdateUser(ctx, actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, saved)
}
