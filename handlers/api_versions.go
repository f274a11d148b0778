package handlers

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// Versions of the API's resources (R-API-1): every GET of one resource
// answers an ETag, a hash of the JSON it sends (db.ETag), and a PATCH or
// DELETE that sends it back as If-Match is refused with 412 when the
// resource has changed since, so two admins cannot overwrite each other
// silently. Users check it inside the write itself (db.PatchUser); for the
// other resources the version is compared just before the write.

// versioned reports whether a route names one resource: its GET answers
// an ETag and its PATCH and DELETE honour If-Match.
func versioned(route string) bool {
	return strings.HasSuffix(route, "/:id") || strings.HasSuffix(route, "/sip-settings")
}

// apiVersions is the API's middleware for ETag and If-Match.
func (s *Server) apiVersions(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !versioned(c.Path()) {
			return next(c)
		}
		switch r.Method {
		case http.MethodGet:
			return withETag(c, next)
		case http.MethodPatch, http.MethodDelete:
			if match := r.Header.Get("If-Match"); match != "" {
				if current, ok := s.currentETag(r); ok && match != "*" && match != current {
					return db.Errorf(db.ESTALE, "error.stale")
				}
			}
		}
		return next(c)
	}
}

// withETag runs a GET with its body held back, then answers it with the
// body's ETag.
func withETag(c echo.Context, next echo.HandlerFunc) error {
	res := c.Response()
	orig := res.Writer
	buf := &bufferedResponse{header: orig.Header()}
	res.Writer = buf
	err := next(c)
	res.Writer = orig
	if err != nil {
		return err
	}
	if buf.status == http.StatusOK {
		orig.Header().Set("ETag", bodyETag(buf.body.Bytes()))
	}
	orig.WriteHeader(buf.status)
	_, werr := orig.Write(buf.body.Bytes())
	return werr
}

// bodyETag is db.ETag of the value a JSON body encodes.
func bodyETag(body []byte) string {
	return db.ETagOfJSON(bytes.TrimSpace(body))
}

// currentETag reads the resource a PATCH or DELETE names, as its GET
// would, with the same credentials; ok is false when it cannot be read
// (the write then answers for itself: 404, 403...).
func (s *Server) currentETag(r *http.Request) (string, bool) {
	get, err := http.NewRequestWithContext(r.Context(), http.MethodGet, r.URL.String(), nil)
	if err != nil {
		return "", false
	}
	for _, h := range []string{"Authorization", "X-Kadra-Account", "Accept-Language"} {
		get.Header.Set(h, r.Header.Get(h))
	}
	get.RemoteAddr = r.RemoteAddr
	rec := httptest.NewRecorder()
	s.echo.ServeHTTP(rec, get)
	etag := rec.Header().Get("ETag")
	return etag, rec.Code == http.StatusOK && etag != ""
}

// bufferedResponse holds a response until its ETag is known.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) { b.status = status }

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
