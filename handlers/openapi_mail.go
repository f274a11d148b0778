package handlers

import "kadra/db"

// openAPIMail describes the mail the API can cause (R-USER-12).
func (s *Server) openAPIMail() map[string]any {
	queued := schemaOf(db.QueuedMail{})
	queued["description"] = "kind is activation (an invited user: the activation mail again, the old link void) " +
		"or reset (an active user: a single-use link valid 2 hours); to is where it goes: the notification " +
		"e-mail when set, else the login e-mail; delivery is smtp (handed to the SMTP sender) or outbox (no SMTP " +
		"server is set up: it waits in the outbox) (R-MAIL-1)"
	return map[string]any{
		"/users/{id}/reset-password": map[string]any{
			"post": op("Mail a user a link to set their password (users.manage): the activation mail again for an "+
				"invited user, a reset link for an active one; 409 for a blocked user. The mail goes through the "+
				"outbox, and through SMTP when configured",
				map[string]any{"202": resp("Queued", queued)}, nil, idParam),
		},
	}
}
