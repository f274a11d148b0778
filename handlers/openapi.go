package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Building blocks of the OpenAPI document, shared by the files that
// describe each part of the API (openapi_*.go).
var errorRef = map[string]any{"$ref": "#/components/schemas/Error"}

func ref(schema string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + schema}
}

func resp(desc string, schema any) map[string]any {
	r := map[string]any{"description": desc}
	if schema != nil {
		r["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
	}
	return r
}

var commonErrors = map[string]any{
	"400": resp("Invalid input, with a message per field", errorRef),
	"401": resp("Missing or invalid bearer token", errorRef),
	"403": resp("Not allowed", errorRef),
	"404": resp("Not found (or in another account)", errorRef),
	"409": resp("Conflicts with existing data", errorRef),
	"429": resp("Too many requests", errorRef),
}

// op is one operation: its summary, success responses, JSON body (or nil)
// and parameters.
func op(summary string, ok map[string]any, body any, params ...map[string]any) map[string]any {
	o := map[string]any{"summary": summary, "responses": merge(commonErrors, ok)}
	if body != nil {
		o["requestBody"] = map[string]any{"required": true,
			"content": map[string]any{"application/json": map[string]any{"schema": body}}}
	}
	if len(params) > 0 {
		o["parameters"] = params
	}
	return o
}

func query(name, desc string, typ string) map[string]any {
	return map[string]any{"name": name, "in": "query", "description": desc, "schema": map[string]any{"type": typ}}
}

// idParam is the {id} path parameter.
var idParam = map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}

func obj(props map[string]string, required ...string) map[string]any {
	p := map[string]any{}
	for k, t := range props {
		if strings.HasSuffix(t, "[]") {
			p[k] = map[string]any{"type": "array", "items": map[string]any{"type": strings.TrimSuffix(t, "[]")}}
			continue
		}
		p[k] = map[string]any{"type": t}
	}
	o := map[string]any{"type": "object", "properties": p}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// openAPI describes the JSON API as it exists; a test checks that every
// route under /api/v1 is here and nothing else is.
func (s *Server) openAPI() map[string]any {
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "kadra API", "version": s.version,
			"description": "Users, roles, groups, SIP accounts and sub-accounts of a kadra installation. " +
				"Authenticate with `Authorization: Bearer <token>` (kadra token create); cookies are ignored. " +
				"A request acts in the token user's own account; a main-account user with access to a sub-account " +
				"acts there by sending `X-Kadra-Account: <account id>` (404 for an account they may not enter)."},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": merge(sipSchemas(), rolesSchemas(), map[string]any{
				"Error": map[string]any{"type": "object", "properties": map[string]any{
					"error": obj(map[string]string{"code": "string", "message": "string", "fields": "object"}, "code", "message"),
				}},
				"User": obj(map[string]string{"id": "integer", "account_id": "integer", "email": "string",
					"notify_email": "string", "full_name": "string", "work_phone": "string", "status": "string",
					"role_id": "integer", "position_id": "integer", "sip_account_id": "integer",
					"last_login_at": "string", "created_at": "string"}),
				"UserPage": obj(map[string]string{"items": "array", "total": "integer", "total_capped": "boolean",
					"page": "integer", "per_page": "integer"}),
				"AuditPage": obj(map[string]string{"items": "array", "total": "integer", "page": "integer", "per_page": "integer"}),
			}),
		},
		"security": []any{map[string]any{"bearer": []any{}}},
		"paths": merge(s.openAPIUsers(), s.openAPIRoles(), s.openAPISIP(), s.openAPIMail(), s.openAPIAccounts(), map[string]any{
			"/openapi.json": map[string]any{"get": map[string]any{"summary": "This document", "security": []any{},
				"responses": map[string]any{"200": resp("OpenAPI 3.1 document", nil)}}},
			"/setup": map[string]any{"post": merge(op("First-run setup with the one-time token from the server log",
				map[string]any{"201": resp("The owner", map[string]any{"$ref": "#/components/schemas/User"}),
					"409": resp("Setup is already done", errorRef)},
				obj(map[string]string{"token": "string", "account_name": "string", "full_name": "string",
					"email": "string", "password": "string", "sip_domain": "string", "time_zone": "string"},
					"token", "account_name", "email", "password")),
				map[string]any{"security": []any{}})},
			"/me": map[string]any{"get": op("The token's user, permissions and account; lang and time_zone are the user's "+
				"own choices (\"\" = as the browser / the installation), time_zone_in_use the zone their times are shown in",
				map[string]any{"200": resp("The user", map[string]any{"$ref": "#/components/schemas/User"})}, nil)},
			"/me/password": map[string]any{"post": op("Change one's own password; ends every session",
				map[string]any{"204": resp("Changed", nil)},
				obj(map[string]string{"current_password": "string", "new_password": "string"}, "current_password", "new_password"))},
			"/audit": map[string]any{"get": op("Search the audit log of the acting account (audit.view)",
				map[string]any{"200": resp("A page of entries, newest first", map[string]any{"$ref": "#/components/schemas/AuditPage"})},
				nil, query("actor", "actor e-mail, substring", "string"), query("action", "action prefix", "string"),
				query("target", "target id or label", "string"), query("from", "RFC 3339, or YYYY-MM-DD: that day's midnight in the user's time zone", "string"),
				query("to", "exclusive; RFC 3339, or YYYY-MM-DD as for from", "string"), query("page", "from 1", "integer"),
				query("per_page", "1..200", "integer"))},
		}),
	}
}

func merge(maps ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func (s *Server) apiOpenAPI(c echo.Context) error {
	return c.JSON(http.StatusOK, s.openAPI())
}
