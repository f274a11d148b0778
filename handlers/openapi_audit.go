package handlers

// auditSchemas describe the audit log's entries: the stored row, and the
// same entry in words in the request's language (R-AUDIT-2).
func auditSchemas() map[string]any {
	entry := obj(map[string]string{"id": "integer", "at": "string", "actor_id": "integer", "actor_email": "string",
		"impersonator_id": "integer", "impersonator_email": "string", "account_id": "integer", "action": "string",
		"target_type": "string", "target_id": "integer", "target_label": "string", "before": "string",
		"after": "string", "ip": "string", "who": "string", "sentence": "string", "action_name": "string"},
		"id", "at", "action", "sentence", "changes")
	entry["properties"].(map[string]any)["changes"] = map[string]any{"type": "array",
		"description": "Each changed field: its label, and its value before and after in words (names, not ids)",
		"items":       obj(map[string]string{"field": "string", "before": "string", "after": "string"}, "field", "before", "after")}
	page := obj(map[string]string{"total": "integer", "page": "integer", "per_page": "integer"})
	page["properties"].(map[string]any)["items"] = map[string]any{"type": "array",
		"items": map[string]any{"$ref": "#/components/schemas/AuditEntry"}}
	return map[string]any{"AuditEntry": entry, "AuditPage": page}
}

func (s *Server) openAPIAudit() map[string]any {
	return map[string]any{
		"/audit": map[string]any{"get": op("Search the audit log of the acting account (audit.view); "+
			"entries read as sentences in the request's language (Accept-Language)",
			map[string]any{"200": resp("A page of entries, newest first", map[string]any{"$ref": "#/components/schemas/AuditPage"})},
			nil, query("actor", "actor e-mail, substring", "string"),
			query("action", "an action code, a code prefix (\"user.\"), or words of the action's name (\"usunięcie\")", "string"),
			query("target", "target id or label", "string"), query("from", "RFC 3339 or YYYY-MM-DD", "string"),
			query("to", "exclusive; RFC 3339 or YYYY-MM-DD", "string"), query("page", "from 1", "integer"),
			query("per_page", "1..200", "integer"))},
	}
}
