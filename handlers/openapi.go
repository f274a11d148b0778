package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// Building blocks of the OpenAPI document, shared by the files that
// describe each part of the API (openapi_*.go).
var errorRef = ref("Error")

func ref(schema string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + schema}
}

// resp is a response; a nil schema is one without a body (204).
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
	"500": resp("Something went wrong on the server's side; nothing was changed", errorRef),
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

// optionalBody marks an operation's body as one it may go without.
func optionalBody(o map[string]any) map[string]any {
	o["requestBody"].(map[string]any)["required"] = false
	return o
}

func query(name, desc string, typ string) map[string]any {
	return map[string]any{"name": name, "in": "query", "description": desc, "schema": map[string]any{"type": typ}}
}

// idParam is the {id} path parameter.
var idParam = map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}

// versionedOps adds to the operations on one resource what apiVersions
// does to them: the ETag of a GET's answer, and If-Match with its 412 on
// PATCH and DELETE.
func versionedOps(paths map[string]any) map[string]any {
	etag := map[string]any{"ETag": map[string]any{"required": true, "schema": map[string]any{"type": "string"},
		"description": "The version of the resource; send it back as If-Match on PATCH and DELETE"}}
	ifMatch := map[string]any{"name": "If-Match", "in": "header", "schema": map[string]any{"type": "string"},
		"description": "The ETag of the version this change is based on; 412 when the resource has changed since"}
	for p, ops := range paths {
		if !versioned(strings.ReplaceAll(p, "{id}", ":id")) {
			continue
		}
		for method, o := range ops.(map[string]any) {
			o := o.(map[string]any)
			responses := o["responses"].(map[string]any)
			switch method {
			case "get":
				responses["200"] = merge(responses["200"].(map[string]any), map[string]any{"headers": etag})
			case "patch", "delete":
				params, _ := o["parameters"].([]map[string]any)
				o["parameters"] = slices.Concat(params, []map[string]any{ifMatch})
				responses["412"] = resp("If-Match names an older version (precondition_failed)", errorRef)
			}
		}
	}
	return paths
}

// pageOf is a page of a list of items described by schemaOf.
func pageOf[T any](with ...jsonSchemer) map[string]any {
	return schemaOf(db.Page[T]{}, with...)
}

// openAPI describes the JSON API as it exists; a test checks that every
// route under /api/v1 is here and nothing else is, and the handler tests
// validate every answer against it.
func (s *Server) openAPI() map[string]any {
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "kadra API", "version": s.version,
			"description": "Users, roles, groups, SIP accounts and sub-accounts of a kadra installation. " +
				"Authenticate with `Authorization: Bearer <token>` (kadra token create); cookies are ignored. " +
				"A request acts in the token user's own account; a main-account user with access to a sub-account " +
				"acts there by sending `X-Kadra-Account: <account id>` (404 for an account they may not enter). " +
				"Bodies are read strictly: a member the operation does not name is refused with 400 naming it. " +
				"Every refusal is an Error; so is the 404 of any path under /api/v1 not described here."},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": merge(usersSchemas(), sipSchemas(), rolesSchemas(), accountsSchemas(), grantsSchemas(), offboardingSchemas(), govSchemas(), map[string]any{
				"Error":     schemaOf(apiErrorBody{}),
				"Me":        schemaOf(apiMeBody{}),
				"AuditPage": pageOf[auditLine](),
			}),
		},
		"security": []any{map[string]any{"bearer": []any{}}},
		"paths": versionedOps(merge(s.openAPIUsers(), s.openAPIRoles(), s.openAPISIP(), s.openAPIMail(), s.openAPIMFA(),
			s.openAPIAccounts(), s.openAPIAudit(), s.openAPIGrants(), s.openAPIOffboarding(), s.openAPIGov(), map[string]any{
				"/openapi.json": map[string]any{"get": map[string]any{"summary": "This document", "security": []any{},
					"responses": map[string]any{"200": resp("OpenAPI 3.1 document",
						map[string]any{"type": "object", "additionalProperties": true})}}},
				"/setup": map[string]any{"post": merge(op("First-run setup with the one-time token from the server log",
					map[string]any{"201": resp("The owner", ref("User")),
						"409": resp("Setup is already done", errorRef)},
					inputOf(apiSetupBody{})),
					map[string]any{"security": []any{}})},
				"/me": map[string]any{"get": op("The token's user, permissions and account",
					map[string]any{"200": resp("The user", ref("Me"))}, nil)},
				"/me/password": map[string]any{"post": op("Change one's own password; ends every session",
					map[string]any{"204": resp("Changed", nil)}, inputOf(db.PasswordChange{}))},
			})),
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
