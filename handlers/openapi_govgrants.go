package handlers

import "kadra/db"

// grantsSchemas are the schemas of grants that end (R-GOV-2).
func grantsSchemas() map[string]any {
	grant := schemaOf(db.Grant{})
	grant["description"] = "Sub-account access (kind access, with account_id) or a role (kind role, with role_id " +
		"and previous_role_id, the role the user goes back to) that ends by itself at ends_at, the midnight " +
		"after last_day in the installation's time zone. The end is audited as the system and mailed to the " +
		"user and to the admin who gave it."
	grant["properties"].(map[string]any)["kind"] = map[string]any{"type": "string",
		"enum": []any{db.GrantAccess, db.GrantRole}}
	input := inputOf(db.GrantInput{})
	input["description"] = "Give access (kind access, account_id) or a role (kind role, role_id) until a day: " +
		"ends_at is the last day it holds (YYYY-MM-DD, or an RFC 3339 moment), or days is \"for N days\", " +
		"today being the first; one of the two. Giving again what the user holds until a day moves its end. " +
		"Needs what giving it needs: accounts.manage for access, users.manage and every permission of the " +
		"role for a role."
	input["properties"].(map[string]any)["kind"] = map[string]any{"type": "string",
		"enum": []any{db.GrantAccess, db.GrantRole}}
	end := inputOf(apiGrantEnd{})
	end["description"] = "The new end: ends_at (last day, YYYY-MM-DD) or days from today; one of the two."
	return map[string]any{
		"Grant":      grant,
		"GrantList":  schemaOf(apiGrantList{}),
		"GrantInput": input,
		"GrantEnd":   end,
	}
}

// openAPIGrants describes /users/{id}/grants.
func (s *Server) openAPIGrants() map[string]any {
	accountParam := map[string]any{"name": "account_id", "in": "path", "required": true,
		"schema": map[string]any{"type": "integer"}}
	grant := map[string]any{"200": resp("The grant as it now is", ref("Grant"))}
	ended := map[string]any{"204": resp("Ended: access withdrawn, or the role set back to the previous one", nil)}
	return map[string]any{
		"/users/{id}/grants": map[string]any{
			"get": op("The user's grants that end, soonest first (users.view)",
				map[string]any{"200": resp("The grants", ref("GrantList"))}, nil, idParam),
			"post": op("Give access or a role until a day, or move the end of one the user holds",
				grant, ref("GrantInput"), idParam),
		},
		"/users/{id}/grants/access/{account_id}": map[string]any{
			"patch":  op("Extend or shorten the user's access to a sub-account until a day (accounts.manage)", grant, ref("GrantEnd"), idParam, accountParam),
			"delete": op("End the user's access until a day now (accounts.manage)", ended, nil, idParam, accountParam),
		},
		"/users/{id}/grants/role": map[string]any{
			"patch":  op("Extend or shorten the user's role until a day (users.manage)", grant, ref("GrantEnd"), idParam),
			"delete": op("End the user's role until a day now: back to the previous role (users.manage)", ended, nil, idParam),
		},
	}
}
