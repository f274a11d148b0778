package db

// UserField is one field of a user with its one name (R-API-1): the same
// in the form, the JSON API and the domain's per-field messages. The CSV
// file names things rather than ids (a role's name, not its id), so its
// column may differ; "" means the file has no such column.
type UserField struct {
	Name string // form, JSON and message key
	CSV  string
}

// UserFields is the table of every field of UserInput.
var UserFields = []UserField{
	{"email", "email"},
	{"notify_email", "notify_email"},
	{"sip_account_id", "extension"}, // the file names the extension
	{"extension", "extension"},
	{"call_number_id", "caller_id"},
	{"sms_sender_id", "sms_sender"},
	{"password", "send_invite"}, // the file has no passwords: it invites
	{"password_confirm", "send_invite"},
	{"send_invite", "send_invite"},
	{"full_name", "full_name"},
	{"work_phone", "work_phone"},
	{"role_id", "role"},
	{"position_id", "position"},
	{"group_ids", "groups"},
}

// csvColumnOf names the CSV column of a field of the user form, "row" for
// a refusal that belongs to no column.
func csvColumnOf(field string) string {
	for _, f := range UserFields {
		if f.Name == field && f.CSV != "" {
			return f.CSV
		}
	}
	return "row"
}
