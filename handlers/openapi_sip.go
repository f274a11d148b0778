package handlers

import "kadra/db"

// sipSchemas are the objects of the SIP, numbers and SMS sender API.
func sipSchemas() map[string]any {
	number, sender := db.Presentation{Kind: db.PhoneNumbers}, db.Presentation{Kind: db.SMSSenders}
	return map[string]any{
		"SIPAccount":      schemaOf(db.SIPAccount{}),
		"SIPSecret":       schemaOf(db.SIPSecret{}),
		"SIPSecrets":      schemaOf(apiSecrets{}),
		"SIPAccountPage":  pageOf[db.SIPAccount](),
		"SIPSettings":     schemaOf(db.SIPSettings{}),
		"PhoneNumber":     schemaOf(number),
		"PhoneNumberPage": pageOf[db.Presentation](number),
		"SMSSender":       schemaOf(sender),
		"SMSSenderPage":   pageOf[db.Presentation](sender),
	}
}

// openAPISIP describes /sip-accounts, /sip-settings, /numbers,
// /sms-senders and the user's caller ID and SMS sender.
func (s *Server) openAPISIP() map[string]any {
	deleted := map[string]any{"204": resp("Deleted", nil)}
	changed := map[string]any{"204": resp("Changed", nil)}
	list := func(sorts []string, extra ...map[string]any) []map[string]any {
		return append(extra,
			query("sort", "one of "+joinKeys(sorts)+"; prefix - for descending", "string"),
			query("page", "from 1", "integer"), query("per_page", "1..200, default 50", "integer"))
	}
	secretBody := inputOf(db.SIPSecretInput{})
	number := inputOf(db.PresentationInput{Kind: db.PhoneNumbers})
	sender := inputOf(db.PresentationInput{Kind: db.SMSSenders})
	return map[string]any{
		"/sip-accounts": map[string]any{
			"get": op("List the acting account's SIP accounts with their users (sip.manage)",
				map[string]any{"200": resp("A page of SIP accounts", ref("SIPAccountPage"))}, nil,
				list(db.SIPSorts, query("q", "extension, user name or e-mail, substring", "string"),
					query("state", "one of "+joinKeys(db.SIPStates), "string"))...),
			"post": op("Create a SIP account; the password is generated unless one is given (12-64 printable "+
				"ASCII characters, letters and digits, not containing the extension). With user_id the account "+
				"is given to that user at once (sip.manage, or users.manage with user_id). The answer is the "+
				"only time the password is shown.",
				map[string]any{"201": resp("The account with its password", ref("SIPSecret"))},
				inputOf(db.SIPAccountInput{})),
		},
		"/sip-accounts/{id}": map[string]any{
			"get": op("One SIP account (sip.manage)", map[string]any{"200": resp("The account", ref("SIPAccount"))}, nil, idParam),
			"patch": op("Enable or disable (sip.manage), or give the free account to a user who has none "+
				"(sip.manage or users.manage)", map[string]any{"200": resp("The account", ref("SIPAccount"))},
				inputOf(db.SIPAccountPatch{}), idParam),
			"delete": op("Delete a SIP account no user has (sip.manage)", deleted, nil, idParam),
		},
		"/sip-accounts/{id}/secret": map[string]any{
			"post": optionalBody(op("Set a new password, generated unless one is given; the old one stops working at once "+
				"(sip.manage). The answer is the only time the password is shown.",
				map[string]any{"200": resp("The account with its new password", ref("SIPSecret"))}, secretBody, idParam)),
		},
		"/sip-settings": map[string]any{
			"get": op("The account's SIP domain (realm) and extension pattern (sip.manage)",
				map[string]any{"200": resp("The settings", ref("SIPSettings"))}, nil),
			"patch": op("Change the SIP domain or the extension pattern (sip.manage). A new domain stops every "+
				"extension of the account from registering until it gets a new password (stale_accounts).",
				map[string]any{"200": resp("The settings", ref("SIPSettings"))},
				inputOf(db.SIPSettingsInput{})),
		},
		"/sip-settings/regenerate-stale": map[string]any{
			"post": op("Generate a new password for every extension that needs one after a change of domain "+
				"(sip.manage); shown only in this answer",
				map[string]any{"200": resp("The accounts with their new passwords", ref("SIPSecrets"))}, nil),
		},
		"/numbers": map[string]any{
			"get": op("List the account's phone numbers for caller ID (numbers.manage or users.manage)",
				map[string]any{"200": resp("A page of numbers", ref("PhoneNumberPage"))}, nil,
				list(db.PhoneNumbers.Sorts, query("q", "number or label, substring", "string"))...),
			"post": op("Add a number in E.164 (spaces, dashes and a 00 prefix are accepted) (numbers.manage)",
				map[string]any{"201": resp("The number", ref("PhoneNumber"))}, number),
		},
		"/numbers/{id}": map[string]any{
			"get":    op("One number", map[string]any{"200": resp("The number", ref("PhoneNumber"))}, nil, idParam),
			"patch":  op("Change a number or its label (numbers.manage)", map[string]any{"200": resp("The number", ref("PhoneNumber"))}, number, idParam),
			"delete": op("Delete a number no user presents; 409 names who does (numbers.manage)", deleted, nil, idParam),
		},
		"/sms-senders": map[string]any{
			"get": op("List the account's SMS senders (numbers.manage or users.manage)",
				map[string]any{"200": resp("A page of senders", ref("SMSSenderPage"))}, nil,
				list(db.SMSSenders.Sorts, query("q", "sender or label, substring", "string"))...),
			"post": op("Add a sender: a number in E.164, or a name of at most 11 characters (letters, digits, "+
				"spaces, . - _ &) (numbers.manage)", map[string]any{"201": resp("The sender", ref("SMSSender"))}, sender),
		},
		"/sms-senders/{id}": map[string]any{
			"get":    op("One sender", map[string]any{"200": resp("The sender", ref("SMSSender"))}, nil, idParam),
			"patch":  op("Change a sender or its label (numbers.manage)", map[string]any{"200": resp("The sender", ref("SMSSender"))}, sender, idParam),
			"delete": op("Delete a sender no user presents; 409 names who does (numbers.manage)", deleted, nil, idParam),
		},
		"/users/{id}/caller-id": map[string]any{
			"put": op("Set the number the user presents on calls; 0 clears it (users.manage or numbers.manage)",
				changed, inputOf(db.UserPresentationInput{Kind: db.PhoneNumbers}), idParam),
		},
		"/users/{id}/sms-sender": map[string]any{
			"put": op("Set the sender the user presents on SMS; 0 clears it (users.manage or numbers.manage)",
				changed, inputOf(db.UserPresentationInput{Kind: db.SMSSenders}), idParam),
		},
	}
}
