package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// The JSON API of phone numbers and SMS senders (R-SIP-5), one set of
// handlers for both kinds.

func (s *Server) apiNumbersList(k *db.PresentationKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		var f db.NumberFilter
		if err := bindQuery(c, &f); err != nil {
			return err
		}
		p, err := s.db.SearchPresentations(c.Request().Context(), actor(c), k, f)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, p)
	}
}

func (s *Server) apiNumbersCreate(k *db.PresentationKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		in := db.PresentationInput{Kind: k}
		if err := bindJSON(c, &in); err != nil {
			return err
		}
		n, err := s.db.CreatePresentation(c.Request().Context(), actor(c), k, in)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, n)
	}
}

func (s *Server) apiNumbersGet(k *db.PresentationKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		n, err := s.db.GetPresentation(c.Request().Context(), actor(c), k, id)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, n)
	}
}

// apiNumbersUpdate changes the fields the body names and keeps the rest.
func (s *Server) apiNumbersUpdate(k *db.PresentationKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		p := db.PresentationPatch{Kind: k}
		if err := bindJSON(c, &p); err != nil {
			return err
		}
		n, err := s.db.PatchPresentation(c.Request().Context(), actor(c), k, id, p)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, n)
	}
}

func (s *Server) apiNumbersDelete(k *db.PresentationKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if _, err := s.db.DeletePresentation(c.Request().Context(), actor(c), k, id); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// apiUserPresents sets the number or the sender a user presents.
func (s *Server) apiUserPresents(k *db.PresentationKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		in := db.UserPresentationInput{Kind: k}
		if err := bindJSON(c, &in); err != nil {
			return err
		}
		if err := s.db.SetUserPresentation(c.Request().Context(), actor(c), k, id, in.ID); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}
