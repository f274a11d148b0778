package handlers

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"kadra/db"
	"kadra/i18n"
)

// auditLine is an audit entry as a person reads it (R-AUDIT-2): who did
// what to whom as a sentence, and each change as a field with its value
// before and after, in words. Names come from the labels stored with the
// entry, never from the records as they are now.
type auditLine struct {
	db.AuditEntry
	Who      string           `json:"who"`
	Sentence string           `json:"sentence"`
	Name     string           `json:"action_name"` // the action as a noun, "Zablokowanie użytkownika"
	Changes  []auditChangeRow `json:"changes"`
}

// auditChangeRow is one row of an entry's change table.
type auditChangeRow struct {
	Field  string `json:"field"` // the field's label
	Before string `json:"before"`
	After  string `json:"after"`
}

// auditHidden are fields that say nothing to a reader of the log.
var auditHidden = map[string]bool{"id": true, "created_at": true, "updated_at": true, "last_login_at": true,
	"is_owner": true}

// auditFieldOrder puts a user's fields in the order of the user form.
var auditFieldOrder = []string{"full_name", "email", "notify_email", "work_phone", "status", "role_id", "role",
	"position_id", "group_ids", "sip_account_id", "extension", "call_number_id", "sms_sender_id", "license_ids",
	"account_ids", "name", "description", "permissions", "parent_id"}

func describeAudits(tr i18n.Translator, es []db.AuditEntry) []auditLine {
	out := make([]auditLine, len(es))
	for i, e := range es {
		out[i] = describeAudit(tr, e)
	}
	return out
}

func describeAudit(tr i18n.Translator, e db.AuditEntry) auditLine {
	e.Labels = localLabels(tr, e.Labels)
	l := auditLine{AuditEntry: e, Who: auditWho(tr, e)}
	target := auditTarget(tr, e)
	did := tr.T("audit.did."+e.Action, "Target", target)
	if did == "audit.did."+e.Action {
		did = tr.T("audit.unknown_action", "Action", e.Action, "Target", target)
	}
	l.Sentence = tr.T("audit.line", "Who", l.Who, "Did", did)
	if l.Name = tr.T("audit.action." + e.Action); l.Name == "audit.action."+e.Action {
		l.Name = e.Action
	}
	l.Changes = auditChanges(tr, e)
	return l
}

// localLabels reads the built-in names among an entry's stored labels in
// the reader's language (db.BuiltinLabel).
func localLabels(tr i18n.Translator, l db.AuditLabels) db.AuditLabels {
	local := func(s string) string {
		if id, ok := strings.CutPrefix(s, db.BuiltinLabel); ok {
			return tr.T(id)
		}
		return s
	}
	names := make(map[string]string, len(l.Names))
	for k, v := range l.Names {
		names[k] = local(v)
	}
	l.Names, l.Target = names, local(l.Target)
	return l
}

// auditWho names the person who acted, and the admin behind a "log in as".
func auditWho(tr i18n.Translator, e db.AuditEntry) string {
	who := e.Labels.Actor
	if who == "" {
		who = e.ActorEmail
	}
	switch {
	case e.ActorID == 0 && (who == "" || who == "system"):
		who = tr.T("audit.system")
	case who == "":
		who = tr.T("audit.someone")
	}
	if e.ImpersonatorEmail == "" && e.ImpersonatorID == 0 {
		return who
	}
	admin := e.Labels.Impersonator
	if admin == "" {
		admin = e.ImpersonatorEmail
	}
	return tr.T("audit.as", "Admin", admin, "User", who)
}

// auditTarget names the object of an entry: a user by name (their e-mail
// when the name is not known), anything else by its label.
func auditTarget(tr i18n.Translator, e db.AuditEntry) string {
	switch {
	case e.TargetType == "user" && e.Labels.Target != "":
		return e.Labels.Target
	case e.TargetLabel != "":
		return e.TargetLabel
	case e.Labels.Target != "":
		return e.Labels.Target
	case e.TargetID != 0:
		return "#" + strconv.FormatInt(e.TargetID, 10)
	}
	return tr.T("audit.unnamed")
}

// auditChanges makes the change table: every field of before and after,
// those that stayed the same left out when both sides are known.
func auditChanges(tr i18n.Translator, e db.AuditEntry) []auditChangeRow {
	before, after := auditFields(e.Before), auditFields(e.After)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var order []string
	for k := range keys {
		if auditHidden[k] {
			continue
		}
		// A name beside its id ("role" beside "role_id") is the id's
		// fallback for rows written before labels were kept.
		if _, ok := keys[k+"_id"]; ok {
			continue
		}
		// Unchanged fields are left out, and so are the empty fields of a
		// record created or deleted.
		if auditValue(tr, e, k, before) == auditValue(tr, e, k, after) {
			continue
		}
		order = append(order, k)
	}
	rank := func(k string) int {
		for i, f := range auditFieldOrder {
			if f == k {
				return i
			}
		}
		return len(auditFieldOrder)
	}
	sort.Slice(order, func(i, j int) bool {
		ri, rj := rank(order[i]), rank(order[j])
		if ri != rj {
			return ri < rj
		}
		return order[i] < order[j]
	})
	rows := make([]auditChangeRow, 0, len(order))
	for _, k := range order {
		label := tr.T("audit.field." + k)
		if label == "audit.field."+k {
			label = k
		}
		rows = append(rows, auditChangeRow{Field: label, Before: auditValue(tr, e, k, before),
			After: auditValue(tr, e, k, after)})
	}
	return rows
}

// auditFields reads a before or after value as fields; a record nested
// one level down (user.update keeps the user under "user") is lifted up.
func auditFields(j string) map[string]any {
	out := map[string]any{}
	if j == "" {
		return out
	}
	var m map[string]any
	if json.Unmarshal([]byte(j), &m) != nil {
		return out
	}
	for k, v := range m {
		if inner, ok := v.(map[string]any); ok && k == "user" {
			for ik, iv := range inner {
				out[ik] = iv
			}
			continue
		}
		out[k] = v
	}
	return out
}

// auditValue is the value of field k in words: ids by the names stored
// with the entry, yes/no, statuses translated, lists joined.
func auditValue(tr i18n.Translator, e db.AuditEntry, k string, fields map[string]any) string {
	v, ok := fields[k]
	if !ok || v == nil {
		return tr.T("audit.none")
	}
	if kind := db.AuditIDKind(k); kind != "" {
		name := func(id int64) string {
			if n, ok := e.Labels.Name(kind, id); ok {
				return n
			}
			if s, ok := fields[strings.TrimSuffix(k, "_id")].(string); ok && s != "" && k != strings.TrimSuffix(k, "_id") {
				return s
			}
			return "#" + strconv.FormatInt(id, 10)
		}
		switch v := v.(type) {
		case float64:
			if v == 0 {
				return tr.T("audit.none")
			}
			return name(int64(v))
		case []any:
			if len(v) == 0 {
				return tr.T("audit.none")
			}
			names := make([]string, 0, len(v))
			for _, x := range v {
				if f, ok := x.(float64); ok {
					names = append(names, name(int64(f)))
				}
			}
			return strings.Join(names, ", ")
		}
	}
	switch v := v.(type) {
	case bool:
		if v {
			return tr.T("audit.yes")
		}
		return tr.T("audit.no")
	case string:
		if v == "" {
			return tr.T("audit.none")
		}
		if k == "status" {
			if s := tr.T("status." + v); s != "status."+v {
				return s
			}
		}
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		if len(v) == 0 {
			return tr.T("audit.none")
		}
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, ", ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}
