package handlers

import "kadra/db"

// numberTab is one list of the Numbers section (R-SIP-5): a kind of
// db.PresentationKind and where the pages and the API serve it.
type numberTab struct {
	*db.PresentationKind
	Key  string // "numbers" or "senders": i18n prefix and tab
	Base string // the list page's path
	API  string // the API's path under /api/v1
	User string // the API's path under /api/v1/users/:id for a user's choice
}

var numberTabs = []numberTab{
	{PresentationKind: db.PhoneNumbers, Key: "numbers", Base: "/numbers", API: "/numbers", User: "/caller-id"},
	{PresentationKind: db.SMSSenders, Key: "senders", Base: "/numbers/senders", API: "/sms-senders", User: "/sms-sender"},
}
