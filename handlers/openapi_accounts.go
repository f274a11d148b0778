package handlers

import "kadra/db"

// openAPIAccounts describes /accounts, /licenses and /usage.
func (s *Server) openAPIAccounts() map[string]any {
	account := obj(map[string]string{"id": "integer", "parent_id": "integer", "name": "string",
		"external_id": "string", "sip_domain": "string", "user_count": "integer", "created_at": "string"})
	accountPage := obj(map[string]string{"items": "array", "total": "integer", "page": "integer", "per_page": "integer"})
	license := obj(map[string]string{"id": "integer", "account_id": "integer", "product": "string",
		"seats": "integer", "used": "integer", "free": "integer", "created_at": "string"})
	access := obj(map[string]string{"user_ids": "integer[]"}, "user_ids")
	paging := []map[string]any{query("page", "from 1", "integer"), query("per_page", "1..200, default 50", "integer")}
	manage := " (accounts.manage, users of the main account only)"
	return map[string]any{
		"/accounts": map[string]any{
			"get": op("List every account with its user count, the main account first"+manage,
				map[string]any{"200": resp("A page of accounts", accountPage)}, nil,
				append([]map[string]any{query("q", "name, external id or SIP domain, substring", "string"),
					query("sort", "one of "+joinKeys(db.AccountSorts)+"; prefix - for descending", "string")},
					paging...)...),
			"post": op("Add a sub-account with its own Position group and SIP domain (derived from the name when empty)"+manage,
				map[string]any{"201": resp("The new account", account)},
				obj(map[string]string{"name": "string", "external_id": "string", "sip_domain": "string"},
					"name", "external_id")),
		},
		"/accounts/{id}": map[string]any{
			"get": op("One account"+manage, map[string]any{"200": resp("The account", account)}, nil, idParam),
			"patch": op("Rename an account or change its external id; the SIP domain is changed in /sip-settings"+manage,
				map[string]any{"200": resp("The account", account)},
				obj(map[string]string{"name": "string", "external_id": "string"}), idParam),
			"delete": op("Delete a sub-account; one with users only with everything=true and confirm=<its name>. "+
				"Its users stay billed until the period ends"+manage,
				map[string]any{"204": resp("Deleted", nil)}, nil, idParam,
				query("everything", "also delete its users", "boolean"),
				query("confirm", "the account's name, with everything=true", "string")),
		},
		"/accounts/{id}/access": map[string]any{
			"get": op("Users of the main account who may enter this sub-account; the owner always may"+manage,
				map[string]any{"200": resp("Their ids, the owner first", access)}, nil, idParam),
			"put": op("Replace who may enter this sub-account; withdrawn users are refused on their next request "+
				"there; the owner stays whatever the list says"+manage,
				map[string]any{"200": resp("Their ids, the owner first", access)}, access, idParam),
		},
		"/licenses": map[string]any{
			"get": op("List the acting account's licences with used and free seats (licenses.manage)",
				map[string]any{"200": resp("A page of licences", accountPage)}, nil,
				append([]map[string]any{query("q", "product, substring", "string"),
					query("sort", "one of "+joinKeys(db.LicenseSorts)+"; prefix - for descending", "string")},
					paging...)...),
			"post": op("Add a licence to the acting account (licenses.manage, users of the main account only)",
				map[string]any{"201": resp("The licence", license)},
				obj(map[string]string{"product": "string", "seats": "integer"}, "product", "seats")),
		},
		"/licenses/{id}": map[string]any{
			"get": op("One licence with the users holding its seats (licenses.manage)",
				map[string]any{"200": resp("The licence and its holders", license)}, nil, idParam),
			"patch": op("Rename a licence or change its seats; never below the seats in use "+
				"(licenses.manage, users of the main account only)",
				map[string]any{"200": resp("The licence", license)},
				obj(map[string]string{"product": "string", "seats": "integer"}), idParam),
			"delete": op("Delete a licence and its seats (licenses.manage, users of the main account only)",
				map[string]any{"204": resp("Deleted", nil)}, nil, idParam),
		},
		"/licenses/{id}/seats": map[string]any{
			"post": op("Give a user of the account a seat; 409 when none is free (licenses.manage)",
				map[string]any{"200": resp("The licence", license)},
				obj(map[string]string{"user_id": "integer", "email": "string"}), idParam),
			"delete": op("Take a user's seat back (licenses.manage)",
				map[string]any{"200": resp("The licence", license)}, nil, idParam,
				query("user_id", "the user", "integer")),
		},
		"/usage": map[string]any{
			"get": op("Billed seats per account and in total, for the previous and the current billing period. "+
				"A user counts in a period if they existed at any moment of it"+manage,
				map[string]any{"200": resp("The usage", obj(map[string]string{"billing_day": "integer", "time_zone": "string",
					"previous_period": "object", "current_period": "object", "accounts": "array",
					"total_previous": "integer", "total_current": "integer"}))}, nil),
		},
	}
}
