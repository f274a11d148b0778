package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// The JSON API of phone numbers and SMS senders (R-SIP-5).

func (s *Server) apiNumbersList(c echo.Context) error {
	var f db.NumberFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	p, err := s.db.SearchPhoneNumbers(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) apiNumbersCreate(c echo.Context) error {
	var in db.NumberInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	n, err := s.db.CreatePhoneNumber(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, n)
}

func (s *Server) apiNumbersGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, err := s.db.GetPhoneNumber(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

// apiNumbersUpdate changes the fields the body names and keeps the rest.
func (s *Server) apiNumbersUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actor(c)
	cur, err := s.db.GetPhoneNumber(ctx, a, id)
	if err != nil {
		return err
	}
	in := db.NumberInput{Number: cur.Number, Label: cur.Label}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	n, err := s.db.UpdatePhoneNumber(ctx, a, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

func (s *Server) apiNumbersDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.db.DeletePhoneNumber(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiSendersList(c echo.Context) error {
	var f db.NumberFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	p, err := s.db.SearchSMSSenders(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) apiSendersCreate(c echo.Context) error {
	var in db.SenderInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	x, err := s.db.CreateSMSSender(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, x)
}

func (s *Server) apiSendersGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	x, err := s.db.GetSMSSender(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, x)
}

// apiSendersUpdate changes the fields the body names and keeps the rest.
func (s *Server) apiSendersUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actor(c)
	cur, err := s.db.GetSMSSender(ctx, a, id)
	if err != nil {
		return err
	}
	in := db.SenderInput{Sender: cur.Sender, Label: cur.Label}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	x, err := s.db.UpdateSMSSender(ctx, a, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, x)
}

func (s *Server) apiSendersDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.db.DeleteSMSSender(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
