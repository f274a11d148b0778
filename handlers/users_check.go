package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// userCheckPage is the answer to one field of the user form checked as the
// admin leaves it: its message, or nothing when the value is fine.
type userCheckPage struct {
	Field string
	Msg   string
}

// usersCheck answers GET /users/check?field=extension&extension=104 (or
// field=email): the same rules as saving, in words, while the admin fills
// the form (R-SEC-1). It changes nothing.
func (s *Server) usersCheck(c echo.Context) error {
	field := c.QueryParam("field")
	id, _ := strconv.ParseInt(c.QueryParam("user_id"), 10, 64)
	m, err := s.db.CheckUserField(c.Request().Context(), actor(c),
		db.UserFieldCheck{Field: field, Value: c.QueryParam(field), UserID: id})
	if err != nil {
		return err
	}
	p := userCheckPage{Field: field}
	if m != nil {
		p.Msg = s.tr(c).Msg(*m)
	}
	return s.render(c, http.StatusOK, "user-check#content", p)
}
