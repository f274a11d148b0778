package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// PresentationKind is one of the two things an account's users present
// (R-SIP-5): phone numbers on calls (caller ID) and senders on SMS. Both
// lists have one shape, a value with a label, and one set of rules; a kind
// says which table, which field names and which messages.
type PresentationKind struct {
	// Field names the value in forms, JSON, sorting and the queries:
	// "number" or "sender".
	Field string
	// UserField is a user's choice of this kind: "call_number_id" or
	// "sms_sender_id".
	UserField string
	// Sorts are the list's sort keys: the value, "label" and "users".
	Sorts []string

	msg    string // message id prefix: "number" or "sms.sender"
	action string // audit action prefix: "number" or "sms"
	target string // audit target type
	normal func(v *ValidationError, s, country string) string
	writes presentationWrites
}

// presentationWrites are the statements that name the kind's table: an
// INSERT, UPDATE or DELETE changes one table only, where a read serves both
// kinds.
type presentationWrites struct {
	insert  func(ctx context.Context, q *sqlcdb.Queries, account int64, value, label string) (int64, error)
	update  func(ctx context.Context, q *sqlcdb.Queries, account, id int64, value, label string) error
	remove  func(ctx context.Context, q *sqlcdb.Queries, account, id int64) error
	setUser func(ctx context.Context, q *sqlcdb.Queries, account, user int64, id sql.NullInt64, at int64) error
}

// The generated writes of both tables take parameters of one shape, for
// their queries name the arguments alike; tableWrites adapts either table's.
type (
	insertArgs interface {
		~struct {
			AccountID int64
			Value     string
			Label     string
		}
	}
	updateArgs interface {
		~struct {
			Value     string
			Label     string
			ID        int64
			AccountID int64
		}
	}
	deleteArgs interface {
		~struct {
			ID        int64
			AccountID int64
		}
	}
	setUserArgs interface {
		~struct {
			PresentedID sql.NullInt64
			UpdatedAt   int64
			ID          int64
			AccountID   int64
		}
	}
)

func tableWrites[I insertArgs, U updateArgs, D deleteArgs, S setUserArgs](
	insert func(*sqlcdb.Queries, context.Context, I) (int64, error),
	update func(*sqlcdb.Queries, context.Context, U) error,
	remove func(*sqlcdb.Queries, context.Context, D) error,
	setUser func(*sqlcdb.Queries, context.Context, S) error,
) presentationWrites {
	return presentationWrites{
		insert: func(ctx context.Context, q *sqlcdb.Queries, account int64, value, label string) (int64, error) {
			return insert(q, ctx, I{AccountID: account, Value: value, Label: label})
		},
		update: func(ctx context.Context, q *sqlcdb.Queries, account, id int64, value, label string) error {
			return update(q, ctx, U{ID: id, AccountID: account, Value: value, Label: label})
		},
		remove: func(ctx context.Context, q *sqlcdb.Queries, account, id int64) error {
			return remove(q, ctx, D{ID: id, AccountID: account})
		},
		setUser: func(ctx context.Context, q *sqlcdb.Queries, account, user int64, id sql.NullInt64, at int64) error {
			return setUser(q, ctx, S{PresentedID: id, UpdatedAt: at, ID: user, AccountID: account})
		},
	}
}

// PhoneNumbers are the account's numbers for caller ID, in E.164.
var PhoneNumbers = &PresentationKind{
	Field: "number", UserField: "call_number_id", Sorts: []string{"number", "label", "users"},
	msg: "number", action: "number", target: "phone_number", normal: normalNumber,
	writes: tableWrites((*sqlcdb.Queries).CreatePhoneNumber, (*sqlcdb.Queries).UpdatePhoneNumber,
		(*sqlcdb.Queries).DeletePhoneNumber, (*sqlcdb.Queries).SetUserCallNumber),
}

// SMSSenders are the account's SMS senders: numbers in E.164 or names.
var SMSSenders = &PresentationKind{
	Field: "sender", UserField: "sms_sender_id", Sorts: []string{"sender", "label", "users"},
	msg: "sms.sender", action: "sms", target: "sms_sender", normal: normalSender,
	writes: tableWrites((*sqlcdb.Queries).CreateSMSSender, (*sqlcdb.Queries).UpdateSMSSender,
		(*sqlcdb.Queries).DeleteSMSSender, (*sqlcdb.Queries).SetUserSMSSender),
}

// PresentationKinds are both kinds, in the order the pages show them.
var PresentationKinds = []*PresentationKind{PhoneNumbers, SMSSenders}

// m is the kind's message id with suffix, e.g. "number.taken".
func (k *PresentationKind) m(suffix string) string { return k.msg + "." + suffix }

// valueKey is the value's name in messages: "Number" or "Sender".
func (k *PresentationKind) valueKey() string { return strings.ToUpper(k.Field[:1]) + k.Field[1:] }

// Presentation is one phone number or SMS sender of an account. Its JSON
// names the value by its kind: {"id", "number" or "sender", "label",
// "user_count"}.
type Presentation struct {
	Kind      *PresentationKind
	ID        int64
	Value     string
	Label     string
	UserCount int
}

// MarshalJSON writes the fields in the order of the API's documents.
func (p Presentation) MarshalJSON() ([]byte, error) {
	field, value, label := jsonString(p.Kind.Field), jsonString(p.Value), jsonString(p.Label)
	return fmt.Appendf(nil, `{"id":%d,%s:%s,"label":%s,"user_count":%d}`, p.ID, field, value, label, p.UserCount), nil
}

// JSONSchema describes the JSON MarshalJSON writes, for the API's document.
func (p Presentation) JSONSchema() map[string]any {
	return map[string]any{"type": "object", "additionalProperties": false,
		"required": []string{"id", p.Kind.Field, "label", "user_count"},
		"properties": map[string]any{"id": map[string]any{"type": "integer"},
			p.Kind.Field: map[string]any{"type": "string"}, "label": map[string]any{"type": "string"},
			"user_count": map[string]any{"type": "integer"}}}
}

func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}

// PresentationInput creates or edits a number or a sender. Set Kind before
// decoding JSON into it: the value's field is the kind's Field.
type PresentationInput struct {
	Kind  *PresentationKind `json:"-"`
	Value string
	Label string
}

// JSONMembers names the members its JSON may have, for strict decoding.
func (in PresentationInput) JSONMembers() []string { return []string{in.Kind.Field, "label"} }

// JSONSchema describes the JSON UnmarshalJSON reads, for the API's
// document: any of its members, no other.
func (in PresentationInput) JSONSchema() map[string]any {
	return map[string]any{"type": "object", "additionalProperties": false,
		"properties": map[string]any{in.Kind.Field: map[string]any{"type": "string"},
			"label": map[string]any{"type": "string"}}}
}

// UnmarshalJSON reads the kind's field and "label".
func (in *PresentationInput) UnmarshalJSON(b []byte) error {
	return decodeFields(b, map[string]any{in.Kind.Field: &in.Value, "label": &in.Label})
}

// PresentationPatch changes what it sets of a number or a sender. Set Kind
// before decoding JSON into it: the value's member is the kind's Field.
type PresentationPatch struct {
	Kind  *PresentationKind `json:"-"`
	Value *string
	Label *string
}

// JSONMembers names the members its JSON may have, for strict decoding.
func (p PresentationPatch) JSONMembers() []string { return []string{p.Kind.Field, "label"} }

// UnmarshalJSON reads the kind's field and "label".
func (p *PresentationPatch) UnmarshalJSON(b []byte) error {
	return decodeFields(b, map[string]any{p.Kind.Field: &p.Value, "label": &p.Label})
}

// UserPresentationInput is a user's choice of a kind in JSON, under the
// kind's UserField: {"call_number_id": 3}. Set Kind before decoding.
type UserPresentationInput struct {
	Kind *PresentationKind `json:"-"`
	ID   int64
}

// JSONMembers names the members its JSON may have, for strict decoding.
func (in UserPresentationInput) JSONMembers() []string { return []string{in.Kind.UserField} }

// JSONSchema describes the JSON UnmarshalJSON reads, for the API's
// document.
func (in UserPresentationInput) JSONSchema() map[string]any {
	return map[string]any{"type": "object", "additionalProperties": false,
		"properties": map[string]any{in.Kind.UserField: map[string]any{"type": "integer"}}}
}

// UnmarshalJSON reads the kind's UserField.
func (in *UserPresentationInput) UnmarshalJSON(b []byte) error {
	return decodeFields(b, map[string]any{in.Kind.UserField: &in.ID})
}

// decodeFields decodes the named members of a JSON object into their
// pointers; a missing or null member keeps its value. Members it does not
// name are refused before (handlers' bindJSON asks JSONMembers).
func decodeFields(b []byte, fields map[string]any) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for name, dst := range fields {
		if raw, ok := m[name]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return err
			}
		}
	}
	return nil
}
