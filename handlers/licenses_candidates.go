package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// seatCandidatesPage is the licence page's typeahead answer.
type seatCandidatesPage struct {
	Users []db.SeatCandidate
	Typed bool
}

// licensesCandidates answers GET /licenses/:id/candidates?email=ann with
// at most ten users without a seat whose name, e-mail or extension holds
// the typed text (R-LIC-1).
func (s *Server) licensesCandidates(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	q := c.QueryParam("email")
	users, err := s.db.SeatCandidates(c.Request().Context(), actor(c), id, q)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "seat-candidates#content", seatCandidatesPage{Users: users, Typed: len(q) >= 2})
}
