package handlers

import "kadra/db"

// offboardingSchemas are the schemas of offboarding (R-GOV-4).
func offboardingSchemas() map[string]any {
	o := schemaOf(db.Offboarding{})
	o["description"] = "An offboarding: state scheduled (runs at run_at, the start of its local day), done " +
		"(report says what was done) or cancelled. user_id is gone once the user is deleted; user keeps the name. " +
		"sip_secret is the extension's new password when it went to the successor, in the answer that did it only."
	o["properties"].(map[string]any)["state"] = map[string]any{"type": "string",
		"enum": []any{"scheduled", "done", "cancelled"}}
	in := inputOf(db.OffboardingInput{})
	in["description"] = "The plan. day: the local day the user is blocked at the start of (YYYY-MM-DD), empty for " +
		"now. sip: successor, free (default) or disable; numbers (caller ID and SMS sender), seats: successor or " +
		"free (default); groups: copy (to the successor) or drop (default); delete: never (default), now or on " +
		"(delete_day). successor_id is needed when anything goes to the successor and must be a user the token's " +
		"user may act on. Sessions and API tokens always end and sub-account access is withdrawn. Needs users.block " +
		"and, for each step, that step's own permission (sip.manage, users.manage, licenses.manage, users.delete)."
	return map[string]any{
		"Offboarding":      o,
		"OffboardingList":  schemaOf(apiOffboardingList{}),
		"OffboardingInput": in,
	}
}

// openAPIOffboarding describes /users/{id}/offboarding and /offboardings.
func (s *Server) openAPIOffboarding() map[string]any {
	one := map[string]any{"200": resp("The offboarding with its report", ref("Offboarding"))}
	return map[string]any{
		"/users/{id}/offboarding": map[string]any{
			"post": op("Offboard a user now (200, with the report) or on a day (202, scheduled)",
				map[string]any{"200": resp("Done, with its report", ref("Offboarding")),
					"202": resp("Scheduled", ref("Offboarding"))}, ref("OffboardingInput"), idParam),
		},
		"/offboardings": map[string]any{
			"get": op("The account's offboardings, scheduled first (users.delete)",
				map[string]any{"200": resp("The offboardings", ref("OffboardingList"))}, nil,
				query("state", "scheduled, done or cancelled; all when empty", "string")),
		},
		"/offboardings/{id}": map[string]any{
			"get":    op("One offboarding with its report (users.block or users.delete)", one, nil, idParam),
			"delete": op("Cancel a scheduled offboarding (users.delete)", map[string]any{"204": resp("Cancelled", nil)}, nil, idParam),
		},
	}
}
