package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// apiUsersList is GET /api/v1/users with the list's filters (R-USER-16).
func (s *Server) apiUsersList(c echo.Context) error {
	var f db.UserFilter
	if err := bindQuery(c, &f); err != nil {
		return err
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
	if err := s.db.DeleteUserIfMatch(c.Request().Context(), actor(c), id, c.Request().Header.Get("If-Match")); err != nil {
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

// apiUsersPatch changes the fields the body names (R-API-1), inside the
// domain's own transaction, honouring If-Match there too.
func (s *Server) apiUsersPatch(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var p db.UserPatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	p.IfMatch = c.Request().Header.Get("If-Match")
	saved, err := s.db.PatchUser(c.Request().Context(), actor(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, saved)
}
