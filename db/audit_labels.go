package db

import (
	"encoding/json"
	"strconv"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// AuditLabels are the names an audit entry speaks of, as they were when it
// was written (R-AUDIT-2): the actor, the admin behind a "log in as", the
// target, and the name of every id its before and after hold. Showing an
// entry never reads current names, so a renamed role or a deleted user
// still reads as it did.
type AuditLabels struct {
	Actor        string `json:"actor,omitempty"`
	Impersonator string `json:"impersonator,omitempty"`
	Target       string `json:"target,omitempty"`
	// Names maps "kind:id" (e.g. "role:3") to a name.
	Names map[string]string `json:"names,omitempty"`
}

// Name is the stored name of the id of a kind, and whether there is one.
func (l AuditLabels) Name(kind string, id int64) (string, bool) {
	n, ok := l.Names[kind+":"+strconv.FormatInt(id, 10)]
	return n, ok
}

// AuditIDKind is the kind of record a before/after field names by id
// ("role_id" -> "role"), or "" for a field that is no id. Fields holding
// lists of ids ("group_ids") name the same kinds.
func AuditIDKind(field string) string {
	switch field {
	case "role_id", "previous_role_id":
		return "role"
	case "position_id", "parent_id", "group_ids", "group_id":
		return "group"
	case "sip_account_id":
		return "sip"
	case "call_number_id":
		return "number"
	case "sms_sender_id":
		return "sender"
	case "user_id", "user_ids":
		return "user"
	case "account_id", "account_ids":
		return "account"
	case "license_ids":
		return "license"
	}
	return ""
}

// auditLabels names, through the transaction, everything a change speaks
// of by id; a name it cannot find (a record deleted by the change itself)
// is left out, and the entry then shows what the change holds.
func (t *tx) auditLabels(c change, before, after string) (string, error) {
	l := AuditLabels{Actor: t.a.Name, Names: map[string]string{}}
	if l.Actor == "" && t.a.UserID != 0 { // signing in acts before the session knows the name
		if u, err := t.AuditLabelUser(t.ctx, t.a.UserID); err == nil {
			l.Actor = u.FullName
		}
	}
	if t.a.ImpersonatorID != 0 {
		if u, err := t.AuditLabelUser(t.ctx, t.a.ImpersonatorID); err == nil {
			l.Impersonator = u.FullName
		}
	}
	ids := map[string]bool{}
	for _, j := range []string{before, after} {
		var v any
		if j != "" && json.Unmarshal([]byte(j), &v) == nil {
			collectAuditIDs(v, ids)
		}
	}
	if c.TargetID != 0 {
		if kind := auditTargetKind(c.TargetType); kind != "" {
			ids[kind+":"+strconv.FormatInt(c.TargetID, 10)] = true
		}
	}
	for key := range ids {
		if name := t.auditName(key); name != "" {
			l.Names[key] = name
		}
	}
	if kind := auditTargetKind(c.TargetType); kind != "" {
		l.Target, _ = l.Name(kind, c.TargetID)
	}
	if l.Target == "" {
		l.Target = fullNameIn(before)
	}
	b, err := json.Marshal(l)
	return string(b), err
}

// auditTargetKind is the kind of AuditIDKind a target type names.
func auditTargetKind(targetType string) string {
	switch targetType {
	case "user", "group", "role", "account", "license":
		return targetType
	case "sip_account":
		return "sip"
	case "phone_number":
		return "number"
	case "sms_sender":
		return "sender"
	}
	return ""
}

// collectAuditIDs gathers "kind:id" keys of every id field in v, at any
// depth (user.update keeps the user under "user").
func collectAuditIDs(v any, ids map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			kind := AuditIDKind(k)
			switch x := x.(type) {
			case float64:
				if kind != "" && x > 0 {
					ids[kind+":"+strconv.FormatInt(int64(x), 10)] = true
				}
			case []any:
				for _, e := range x {
					if n, ok := e.(float64); ok && kind != "" && n > 0 {
						ids[kind+":"+strconv.FormatInt(int64(n), 10)] = true
					}
				}
			default:
				collectAuditIDs(x, ids)
			}
		}
	case []any:
		for _, x := range v {
			collectAuditIDs(x, ids)
		}
	}
}

// BuiltinLabel marks a stored label that is the built-in name of a role or
// group not renamed: "@" and its message ID, so that each reader sees it in
// their own language (R-I18N-1), as pages show built-in names.
const BuiltinLabel = "@"

func builtinLabel(kind, name, builtin string) string {
	if name != "" || builtin == "" {
		return name
	}
	return BuiltinLabel + "builtin." + kind + "." + builtin + ".name"
}

// auditName reads the current name of "kind:id" in the transaction.
func (t *tx) auditName(key string) string {
	kind, idText, _ := strings.Cut(key, ":")
	// With a memo (the CSV import) nothing is renamed in the transaction:
	// a name read once, after its row's writes, stays right.
	if t.memo == nil {
		return t.auditNameRead(kind, idText)
	}
	if name, ok := t.memo.names[key]; ok {
		return name
	}
	if t.memo.names == nil {
		t.memo.names = map[string]string{}
	}
	name := t.auditNameRead(kind, idText)
	t.memo.names[key] = name
	return name
}

// userAuditName is how the audit labels name a user.
func userAuditName(fullName, email string) string {
	if fullName == "" {
		return email
	}
	return fullName
}

// knowAuditNames tells a memo the names of users and SIP accounts the
// transaction has just written, as auditNameRead would read them: the CSV
// import creates thousands per batch, and reading each back was most of
// its audit labels' time (issue 15).
func (t *tx) knowAuditNames(users []sqlcdb.User, sips []SIPAccount) {
	if t.memo == nil {
		return
	}
	if t.memo.names == nil {
		t.memo.names = map[string]string{}
	}
	for _, u := range users {
		t.memo.names["user:"+strconv.FormatInt(u.ID, 10)] = userAuditName(u.FullName, u.Email)
	}
	for _, s := range sips {
		t.memo.names["sip:"+strconv.FormatInt(s.ID, 10)] = s.Extension
	}
}

// auditNameRead is auditName without the memo.
func (t *tx) auditNameRead(kind, idText string) string {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return ""
	}
	var name string
	switch kind {
	case "user":
		if u, e := t.AuditLabelUser(t.ctx, id); e == nil {
			name = userAuditName(u.FullName, u.Email)
		}
	case "group":
		var g sqlcdb.Group
		if g, err = t.GetGroup(t.ctx, sqlcdb.GetGroupParams{ID: id, AccountID: t.a.AccountID}); err == nil {
			name = builtinLabel("group", g.Name, g.Builtin)
		} else {
			name, err = t.AuditLabelGroup(t.ctx, id)
		}
	case "role":
		var r sqlcdb.Role
		if r, err = t.GetRole(t.ctx, id); err == nil {
			name = builtinLabel("role", r.Name, r.Builtin)
		}
	case "sip":
		name, err = t.AuditLabelSIP(t.ctx, id)
	case "number":
		name, err = t.AuditLabelNumber(t.ctx, id)
	case "sender":
		name, err = t.AuditLabelSender(t.ctx, id)
	case "account":
		name, err = t.AuditLabelAccount(t.ctx, id)
	case "license":
		name, err = t.AuditLabelLicense(t.ctx, id)
	}
	if err != nil {
		return ""
	}
	return name
}

// fullNameIn is the "full_name" a change's JSON holds, at its top level or
// in its "user", for a target the change itself deleted.
func fullNameIn(j string) string {
	var v struct {
		FullName string `json:"full_name"`
		User     struct {
			FullName string `json:"full_name"`
		} `json:"user"`
	}
	if j != "" {
		_ = json.Unmarshal([]byte(j), &v)
	}
	if v.FullName != "" {
		return v.FullName
	}
	return v.User.FullName
}
