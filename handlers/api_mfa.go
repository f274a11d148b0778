package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// The API's side of R-MFA-4: a user's sessions and second factor, for an
// admin the policy allows (R-SEC-2), as on the user's page.

// apiUserSessions is GET /api/v1/users/{id}/sessions.
func (s *Server) apiUserSessions(c echo.Context) error {
	id, err := paramID(c, "id", "error.user_not_found")
	if err != nil {
		return err
	}
	l, err := s.db.UserSessions(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string][]db.Session{"items": l})
}

// apiUserSessionsEnd is DELETE /api/v1/users/{id}/sessions: every session
// of the user ends, and they get a mail.
func (s *Server) apiUserSessionsEnd(c echo.Context) error {
	id, err := paramID(c, "id", "error.user_not_found")
	if err != nil {
		return err
	}
	n, err := s.db.EndUserSessions(c.Request().Context(), actor(c), id, "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int64{"ended": n})
}

// apiUserMFAReset is POST /api/v1/users/{id}/mfa/reset.
func (s *Server) apiUserMFAReset(c echo.Context) error {
	id, err := paramID(c, "id", "error.user_not_found")
	if err != nil {
		return err
	}
	if err := s.db.ResetSecondFactor(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// openAPIMFA describes them.
func (s *Server) openAPIMFA() map[string]any {
	sessions := map[string]any{"type": "object", "required": []string{"items"}, "additionalProperties": false,
		"properties": map[string]any{"items": map[string]any{"type": "array", "items": schemaOf(db.Session{})}}}
	ended := map[string]any{"type": "object", "required": []string{"ended"}, "additionalProperties": false,
		"properties": map[string]any{"ended": map[string]any{"type": "integer"}}}
	return map[string]any{
		"/users/{id}/sessions": map[string]any{
			"get": op("A user's live sessions, the most recently seen first (users.block; never a stronger user's, "+
				"R-SEC-2)", map[string]any{"200": resp("Sessions", sessions)}, nil, idParam),
			"delete": op("End every session of a user; they get a mail saying who did it (users.block)",
				map[string]any{"200": resp("Ended", ended)}, nil, idParam),
		},
		"/users/{id}/mfa/reset": map[string]any{
			"post": op("Remove a user's second factor (authenticator app, recovery codes, passkeys) and end their "+
				"sessions, for one who lost it (users.manage; never one's own or a stronger user's). The user gets a "+
				"mail; 400 when they have none", map[string]any{"204": resp("Removed", nil)}, nil, idParam),
		},
	}
}
