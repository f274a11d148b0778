package handlers

import "kadra/db"

// usersSchemas are the schemas of users.
func usersSchemas() map[string]any {
	return map[string]any{
		"User":        schemaOf(db.User{}),
		"UserDetails": schemaOf(db.UserDetails{}),
		"UserSaved":   schemaOf(db.UserSaved{}),
		"UserPage":    pageOf[db.UserRow](),
		"UserInput":   inputOf(db.UserInput{}),
		"UserPatch":   inputOf(db.UserPatch{}),
	}
}

// openAPIUsers describes /users.
func (s *Server) openAPIUsers() map[string]any {
	filters := []map[string]any{
		query("q", "search in name, e-mail, work phone (3+ characters: substring; fewer: prefix) and extension (prefix)", "string"),
		query("status", "invited, active, blocked or inactive", "string"),
		query("role_id", "role", "integer"), query("group_id", "group or position, with its subgroups", "integer"),
		query("account_id", "another account the token's user may enter (default: the acting account)", "integer"),
		query("sort", "one of "+joinKeys(db.UserSortKeys())+"; prefix - for descending", "string"),
		query("page", "from 1", "integer"), query("per_page", "1..200, default 50", "integer"),
		query("inactive_days", "not signed in for this many days (never signed in: since created_at)", "integer"),
	}
	user := map[string]any{"200": resp("The user", ref("User"))}
	return map[string]any{
		"/users": map[string]any{
			"get": op("List the acting account's users (users.view)", map[string]any{"200": resp(
				"A page of users; total_capped says total is a lower bound", ref("UserPage"))}, nil, filters...),
			"post": op("Create a user with everything of the form (users.manage). Give sip_account_id (a free "+
				"account) or extension (created, its password answered once under sip.password); "+
				"password or send_invite", map[string]any{"201": resp("The user", ref("UserSaved"))}, ref("UserInput")),
		},
		"/users/{id}": map[string]any{
			"get": op("One user with their groups and extension (users.view, or oneself)",
				map[string]any{"200": resp("The user", ref("UserDetails"))}, nil, idParam),
			"patch": op("Change a user; fields left out keep their value (users.manage). A new extension's "+
				"password is answered once under sip.password",
				map[string]any{"200": resp("The user", ref("UserSaved"))}, ref("UserPatch"), idParam),
			"delete": op("Delete a user for good; their SIP account stops at once (users.delete)", map[string]any{"204": resp("Deleted", nil)}, nil, idParam),
		},
		"/users/{id}/block": map[string]any{
			"post": op("Block panel sign-in; sessions end, the phone keeps working (users.block)", user, nil, idParam),
		},
		"/users/{id}/unblock": map[string]any{
			"post": op("Restore panel sign-in (users.block)", user, nil, idParam),
		},
	}
}

func joinKeys(keys []string) string {
	out := ""
	for i, k := range keys {
		if i > 0 {
			out += ", "
		}
		out += k
	}
	return out
}
