package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// The JSON API of SIP accounts, numbers and SMS senders (R-SIP-1..5). A
// password appears only in the answer that sets it.

func (s *Server) apiSIPList(c echo.Context) error {
	var f db.SIPFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	p, err := s.db.SearchSIPAccounts(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) apiSIPCreate(c echo.Context) error {
	var in db.SIPAccountInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	sec, err := s.db.CreateSIPAccount(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sec)
}

func (s *Server) apiSIPGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc, err := s.db.GetSIPAccount(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

func (s *Server) apiSIPUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in db.SIPAccountPatch
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	acc, err := s.db.UpdateSIPAccount(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

func (s *Server) apiSIPDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.db.DeleteSIPAccount(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiSIPSecret(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in db.SIPSecretInput
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	sec, err := s.db.RegenerateSIPSecret(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sec)
}

func (s *Server) apiSIPSettings(c echo.Context) error {
	set, err := s.db.SIPSettings(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, set)
}

// apiSIPSettingsUpdate changes what the body names and keeps the rest.
func (s *Server) apiSIPSettingsUpdate(c echo.Context) error {
	var p db.SIPSettingsPatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	set, err := s.db.PatchSIPSettings(c.Request().Context(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, set)
}

type apiSecrets struct {
	Items []db.SIPSecret `json:"items"`
}

func (s *Server) apiSIPRegenerateStale(c echo.Context) error {
	items, err := s.db.RegenerateStaleSIPSecrets(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	if items == nil {
		items = []db.SIPSecret{}
	}
	return c.JSON(http.StatusOK, apiSecrets{Items: items})
}
