package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/elimity-com/scim"
	scimerr "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
	"github.com/labstack/echo/v4"

	"kadra/db"
)

// SCIM 2.0 (RFC 7643, RFC 7644) at /scim/v2 (issue 17), served by
// github.com/elimity-com/scim. This file wraps the library in a thin layer
// for what it lacks or what the big providers send:
//   - the bearer token (a SCIM token of one account, db.SCIMActor);
//   - booleans sent as strings ("False" from Entra ID) are made booleans
//     before the library validates the body;
//   - If-Match is handed to the domain (412 when stale), and the ETag the
//     library sets is the domain's version (meta.version);
//   - attributes / excludedAttributes are applied to what it answers;
//   - ServiceProviderConfig says what is really supported (ETags);
//   - every request is kept, with its result, for Settings -> Katalog.
// The handlers themselves only translate; every rule is the domain's.

const (
	scimKadraUser = "urn:ietf:params:scim:schemas:extension:kadra:2.0:User"
	scimBase      = "/scim/v2"
)

type scimCtxKey struct{}

// scimCall is what the layer learns about one request, for the handlers.
type scimCall struct {
	actor   db.Actor
	token   db.SCIMToken
	ifMatch string
}

func scimCallOf(r *http.Request) *scimCall {
	c, _ := r.Context().Value(scimCtxKey{}).(*scimCall)
	return c
}

// scimServer builds the library's server with kadra's Users and Groups.
func (s *Server) scimServer() (http.Handler, error) {
	userType := scim.ResourceType{
		ID: optional.NewString("User"), Name: "User", Endpoint: "/Users",
		Description: optional.NewString("kadra users"), Schema: schema.CoreUserSchema(),
		// The enterprise extension is accepted (Entra ID maps department,
		// employeeNumber, manager by default) but not kept: kadra has no
		// such fields.
		SchemaExtensions: []scim.SchemaExtension{{Schema: scimKadraSchema()}, {Schema: schema.ExtensionEnterpriseUser()}},
		Handler:          scimUsers{s},
	}
	groupType := scim.ResourceType{
		ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups",
		Description: optional.NewString("kadra user groups"), Schema: schema.CoreGroupSchema(),
		Handler: scimGroups{s},
	}
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{SupportFiltering: true, SupportPatch: true, MaxResults: scimMaxResults,
			AuthenticationSchemes: []scim.AuthenticationScheme{{Type: scim.AuthenticationTypeOauthBearerToken,
				Name: "SCIM token", Description: "A token made in Settings -> Katalog", Primary: true}}},
		ResourceTypes: []scim.ResourceType{userType, groupType},
	})
	if err != nil {
		return nil, err
	}
	return http.StripPrefix("/scim", srv), nil
}

const scimMaxResults = 200

// scimKadraSchema is kadra's own attributes of a user.
func scimKadraSchema() schema.Schema {
	str := func(name, desc string) schema.CoreAttribute {
		return schema.SimpleCoreAttribute(schema.SimpleStringParams(schema.StringParams{Name: name,
			Description: optional.NewString(desc)}))
	}
	return schema.Schema{ID: scimKadraUser, Name: optional.NewString("kadra user"),
		Description: optional.NewString("kadra's own attributes of a user"),
		Attributes: []schema.CoreAttribute{
			str("extension", "The SIP extension: a free one is given, a new one made (R-SIP-2)"),
			str("callerId", "The number shown on outgoing calls, one of the account's numbers"),
			str("smsSender", "The SMS sender, one of the account's senders"),
			str("role", "The permission group (role), by name"),
			str("position", "The position, by name"),
		}}
}

// scimHandle is the /scim/v2 route: the token, the thin layer, the library.
func (s *Server) scimHandle() echo.HandlerFunc {
	lib, err := s.scimServer()
	if err != nil { // only for arguments missing, which they are not
		panic(err)
	}
	return func(c echo.Context) error { return s.scimServe(c, lib) }
}

func (s *Server) scimServe(c echo.Context, lib http.Handler) error {
	r, w := c.Request(), c.Response()
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return scimWrite(w, scimerr.ScimError{Status: http.StatusUnauthorized, Detail: "A SCIM token is required."})
	}
	a, tok, err := s.db.SCIMActor(r.Context(), strings.TrimSpace(raw), c.RealIP())
	if err != nil {
		if e := db.AsError(err); e != nil && e.Code == db.EUNAUTHORIZED {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kadra-scim"`)
			return scimWrite(w, scimerr.ScimError{Status: http.StatusUnauthorized, Detail: "The SCIM token is unknown or revoked."})
		}
		return err
	}
	a.Lang = "en"
	call := &scimCall{actor: a, token: tok, ifMatch: strings.TrimSpace(r.Header.Get("If-Match"))}
	if r.Body != nil && (r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
		if err != nil {
			return scimWrite(w, scimerr.ScimErrorInvalidSyntax)
		}
		if len(body) > 1<<20 {
			return scimWrite(w, scimerr.ScimError{Status: http.StatusRequestEntityTooLarge, Detail: "The body is over 1 MB."})
		}
		r.Body = io.NopCloser(bytes.NewReader(scimBooleans(body)))
	}
	r = r.WithContext(context.WithValue(r.Context(), scimCtxKey{}, call))
	rec := &scimRecorder{header: http.Header{}}
	path := strings.TrimPrefix(r.URL.Path, scimBase)
	if path == "/ServiceProviderConfig" && r.Method == http.MethodGet {
		rec.WriteHeader(http.StatusOK)
		_ = json.NewEncoder(rec).Encode(scimProviderConfig(s.scimOrigin(c)))
	} else {
		lib.ServeHTTP(rec, r)
	}
	out := rec.body.Bytes()
	if rec.status == http.StatusOK && r.Method == http.MethodGet {
		out = scimProject(out, r.URL.Query().Get("attributes"), r.URL.Query().Get("excludedAttributes"))
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	if rec.status == http.StatusCreated && w.Header().Get("Location") == "" {
		var m map[string]any
		if json.Unmarshal(out, &m) == nil {
			if meta, ok := m["meta"].(map[string]any); ok {
				if loc, ok := meta["location"].(string); ok {
					w.Header().Set("Location", loc)
				}
			}
		}
	}
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(rec.status)
	_, _ = w.Write(out)
	detail := ""
	if rec.status >= 400 {
		var e struct {
			Detail   string `json:"detail"`
			ScimType string `json:"scimType"`
		}
		_ = json.Unmarshal(out, &e)
		detail = strings.TrimSpace(e.ScimType + " " + e.Detail)
	}
	_ = s.db.LogSCIMRequest(context.WithoutCancel(r.Context()), a, db.SCIMRequest{TokenName: tok.Name, Method: r.Method,
		Path: r.URL.RequestURI(), Status: rec.status, Detail: detail})
	return nil
}

// scimRecorder keeps the library's answer so the layer can finish it.
type scimRecorder struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (r *scimRecorder) Header() http.Header { return r.header }
func (r *scimRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *scimRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func scimWrite(w *echo.Response, e scimerr.ScimError) error {
	b, _ := json.Marshal(e)
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(e.Status)
	_, err := w.Write(b)
	return err
}

// scimOrigin is the server's own address: the configured base URL, else
// as the client reached it.
func (s *Server) scimOrigin(c echo.Context) string {
	if s.baseOrigin != "" {
		return s.baseOrigin
	}
	return c.Scheme() + "://" + c.Request().Host
}

func scimProviderConfig(base string) map[string]any {
	return map[string]any{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"documentationUri": base + "/settings/directory",
		"patch":            map[string]bool{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": scimMaxResults},
		"changePassword":   map[string]bool{"supported": false},
		"sort":             map[string]bool{"supported": false},
		"etag":             map[string]bool{"supported": true},
		"authenticationSchemes": []map[string]any{{"type": "oauthbearertoken", "name": "SCIM token",
			"description": "A token made in Settings -> Katalog", "primary": true}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": base + scimBase + "/ServiceProviderConfig"},
	}
}

// scimBooleans turns "True"/"False" strings of boolean attributes
// (active, primary) into booleans, as Entra ID sends them, anywhere in a
// body: as a member, or as a PATCH operation's value for such a path.
func scimBooleans(body []byte) []byte {
	var v any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return body
	}
	var walk func(v any) any
	boolOf := func(x any) any {
		if s, ok := x.(string); ok {
			switch strings.ToLower(s) {
			case "true":
				return true
			case "false":
				return false
			}
		}
		return x
	}
	walk = func(v any) any {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				if strings.EqualFold(k, "active") || strings.EqualFold(k, "primary") {
					t[k] = boolOf(x)
				} else {
					t[k] = walk(x)
				}
			}
			if p, ok := t["path"].(string); ok {
				lp := strings.ToLower(p)
				if lp == "active" || strings.HasSuffix(lp, ".primary") {
					for k := range t {
						if strings.EqualFold(k, "value") {
							t[k] = boolOf(t[k])
						}
					}
				}
			}
		case []any:
			for i := range t {
				t[i] = walk(t[i])
			}
		}
		return v
	}
	out, err := json.Marshal(walk(v))
	if err != nil {
		return body
	}
	return out
}

// scimProject applies attributes / excludedAttributes (RFC 7644 3.4.2.5)
// to a resource or to each resource of a list; id and schemas always stay.
func scimProject(body []byte, attrs, excluded string) []byte {
	if attrs == "" && excluded == "" {
		return body
	}
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	split := func(s string) []string {
		var out []string
		for _, x := range strings.Split(s, ",") {
			if x = strings.ToLower(strings.TrimSpace(x)); x != "" {
				x = strings.TrimPrefix(x, "urn:ietf:params:scim:schemas:core:2.0:user:")
				x = strings.TrimPrefix(x, "urn:ietf:params:scim:schemas:core:2.0:group:")
				out = append(out, x)
			}
		}
		return out
	}
	keep, drop := split(attrs), split(excluded)
	one := func(r map[string]any) {
		for k, v := range r {
			lk := strings.ToLower(k)
			if lk == "id" || lk == "schemas" {
				continue
			}
			if len(keep) > 0 {
				whole, subs := false, []string{}
				for _, a := range keep {
					if a == lk {
						whole = true
					} else if rest, ok := strings.CutPrefix(a, lk+"."); ok {
						subs = append(subs, rest)
					} else if rest, ok := strings.CutPrefix(a, lk+":"); ok { // an extension's attribute
						subs = append(subs, rest)
					}
				}
				switch {
				case whole:
				case len(subs) > 0:
					if sm, ok := v.(map[string]any); ok {
						for sk := range sm {
							if !containsFold(subs, sk) {
								delete(sm, sk)
							}
						}
					}
				default:
					delete(r, k)
				}
			}
			for _, a := range drop {
				if a == lk {
					delete(r, k)
				} else if rest, ok := strings.CutPrefix(a, lk+"."); ok {
					if sm, ok := v.(map[string]any); ok {
						for sk := range sm {
							if strings.EqualFold(sk, rest) {
								delete(sm, sk)
							}
						}
					}
				}
			}
		}
	}
	if list, ok := m["Resources"].([]any); ok {
		for _, r := range list {
			if rm, ok := r.(map[string]any); ok {
				one(rm)
			}
		}
	} else {
		one(m)
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// scimError turns a domain refusal into the SCIM error schema with the
// status RFC 7644 3.12 gives it: a taken value is 409 uniqueness, a bad
// one 400 invalidValue, a stale If-Match 412.
func (s *Server) scimError(err error) error {
	var se scimerr.ScimError
	if errors.As(err, &se) {
		return se
	}
	e := db.AsError(err)
	if e == nil {
		return err
	}
	tr := s.bundle.Translator("en")
	detail := tr.Msg(e.Msg)
	for k, m := range tr.Fields(e.Fields) {
		detail += "; " + k + ": " + m
	}
	switch e.Code {
	case db.ENOTFOUND:
		return scimerr.ScimError{Status: http.StatusNotFound, Detail: detail}
	case db.ECONFLICT:
		return scimerr.ScimError{Status: http.StatusConflict, ScimType: scimerr.ScimTypeUniqueness, Detail: detail}
	case db.EINVALID:
		for _, m := range e.Fields { // a taken e-mail or extension among other refusals
			if strings.HasSuffix(m.ID, "_taken") {
				return scimerr.ScimError{Status: http.StatusConflict, ScimType: scimerr.ScimTypeUniqueness, Detail: detail}
			}
		}
		return scimerr.ScimError{Status: http.StatusBadRequest, ScimType: scimerr.ScimTypeInvalidValue, Detail: detail}
	case db.EFORBIDDEN:
		return scimerr.ScimError{Status: http.StatusForbidden, Detail: detail}
	case db.EUNAUTHORIZED:
		return scimerr.ScimError{Status: http.StatusUnauthorized, Detail: detail}
	case db.ESTALE:
		return scimerr.ScimError{Status: http.StatusPreconditionFailed, Detail: detail}
	}
	return err
}
