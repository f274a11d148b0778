package handlers

import (
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// forwardingHeaders are the request headers a reverse proxy sets to say
// who the client is and how it connected; echo's RealIP and Scheme read
// them, and so might any code added later.
var forwardingHeaders = []string{echo.HeaderXForwardedFor, echo.HeaderXRealIP, echo.HeaderXForwardedProto,
	echo.HeaderXForwardedProtocol, echo.HeaderXForwardedSsl, echo.HeaderXUrlScheme, "Forwarded"}

// clientAddress decides where the client's address and scheme come from
// (R-SEC-4). Without trusted proxies they are the connection's own, as
// before. With them, X-Forwarded-For is read from the right, skipping the
// trusted proxies only (echo's default trust of loopback and private
// ranges is turned off: a proxy on such an address must be listed), so
// that a client cannot choose its own address, and a lock on one client
// behind the proxy leaves the others alone. Either way, forwarding headers
// from a peer that is not a trusted proxy are removed before anything
// reads them.
func (s *Server) clientAddress(e *echo.Echo) {
	if len(s.proxies) == 0 {
		e.IPExtractor = echo.ExtractIPDirect()
		e.SchemeExtractor = echo.ExtractSchemeDirect()
	} else {
		trust := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range s.proxies {
			trust = append(trust, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
		e.SchemeExtractor = echo.ExtractSchemeFromHeaders(trust...)
	}
	e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !s.trustedPeer(c.Request()) {
				for _, h := range forwardingHeaders {
					c.Request().Header.Del(h)
				}
			}
			return next(c)
		}
	})
}

// trustedPeer says whether the request's direct peer is a trusted proxy.
func (s *Server) trustedPeer(r *http.Request) bool {
	if len(s.proxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i] // an IPv6 zone
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range s.proxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
