package handlers

// openAPIAudit describes the audit log; its entries read as sentences with
// their changes in words (R-AUDIT-2), in the request's language.
func (s *Server) openAPIAudit() map[string]any {
	return map[string]any{
		"/audit": map[string]any{"get": op("Search the audit log of the acting account (audit.view); "+
			"entries read as sentences in the request's language (Accept-Language)",
			map[string]any{"200": resp("A page of entries, newest first", ref("AuditPage"))},
			nil, query("actor", "actor e-mail, substring", "string"),
			query("action", "an action code, a code prefix (\"user.\"), or words of the action's name (\"usunięcie\")", "string"),
			query("target", "target id or label", "string"), query("from", "RFC 3339 or YYYY-MM-DD", "string"),
			query("to", "exclusive; RFC 3339 or YYYY-MM-DD", "string"), query("page", "from 1", "integer"),
			query("per_page", "1..200", "integer"))},
	}
}
