package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/assets"
)

// favicon answers /favicon.ico, which browsers ask for on every page
// whatever the page links: the embedded icon, cached for a week (the pages
// themselves link it under a hashed URL, cached for good).
func (s *Server) favicon(c echo.Context) error {
	b, err := assets.Static.ReadFile("static/favicon.svg")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=604800")
	return c.Blob(http.StatusOK, "image/svg+xml", b)
}
