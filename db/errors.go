package db

import (
	"errors"
	"fmt"
	"strings"
)

// Code says what kind of failure an error is; handlers/errors.go maps each to
// one HTTP status. The string is the "code" of the API's error body.
type Code string

const (
	EINVALID      Code = "validation"
	ENOTFOUND     Code = "not_found"
	ECONFLICT     Code = "conflict"
	EFORBIDDEN    Code = "forbidden"
	EUNAUTHORIZED Code = "unauthorized"
	ETOOMANY      Code = "rate_limited"
	ESTALE        Code = "precondition_failed" // If-Match names an older version
	EINTERNAL     Code = "internal"
)

// Msg is a message for a person: an ID of assets/i18n with its template
// data. Count, when set, picks the CLDR plural form.
type Msg struct {
	ID    string
	Data  map[string]any
	Count any
}

// M builds a Msg from an ID and key/value pairs of template data. A key named
// "Count" also sets the plural count.
func M(id string, kv ...any) Msg {
	m := Msg{ID: id}
	if len(kv) > 0 {
		m.Data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k := fmt.Sprint(kv[i])
			m.Data[k] = kv[i+1]
			if k == "Count" {
				m.Count = kv[i+1]
			}
		}
	}
	return m
}

// Error is the one error type the domain returns for an expected failure.
type Error struct {
	Code   Code
	Msg    Msg
	Fields map[string]Msg // per-field messages, for EINVALID
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Code, e.Msg.ID)
	for _, k := range sortedKeys(e.Fields) {
		fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k].ID)
	}
	return b.String()
}

// Errorf returns an *Error with the given code and message.
func Errorf(code Code, id string, kv ...any) *Error {
	return &Error{Code: code, Msg: M(id, kv...)}
}

// ErrorCode returns the code of err, EINTERNAL for unexpected errors and ""
// for nil.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// AsError returns the *Error inside err, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// ValidationError collects per-field messages; Err turns them into an
// EINVALID *Error, or nil when every field was fine. A field whose only
// fault is a value someone else already has (Conflict) makes it ECONFLICT
// when nothing else is wrong (R-API-1: 409, with the field named).
type ValidationError struct {
	Fields    map[string]Msg
	conflicts map[string]bool
}

// Conflict records that field's value is taken (an e-mail, an extension, a
// name).
func (v *ValidationError) Conflict(field string, m Msg) {
	if v.Has(field) {
		return
	}
	v.Add(field, m)
	if v.conflicts == nil {
		v.conflicts = map[string]bool{}
	}
	v.conflicts[field] = true
}

// Merge adds the fields of a refusal, keeping whether they are conflicts.
func (v *ValidationError) Merge(e *Error) {
	for k, m := range e.Fields {
		if e.Code == ECONFLICT {
			v.Conflict(k, m)
		} else {
			v.Add(k, m)
		}
	}
}

// Add records the first message for field; later ones are dropped so that
// the person sees the most basic problem first.
func (v *ValidationError) Add(field string, m Msg) {
	if v.Fields == nil {
		v.Fields = map[string]Msg{}
	}
	if _, ok := v.Fields[field]; !ok {
		v.Fields[field] = m
	}
}

// Has reports whether field already has a message.
func (v *ValidationError) Has(field string) bool {
	_, ok := v.Fields[field]
	return ok
}

// Err is nil when no field failed.
func (v *ValidationError) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	if len(v.conflicts) == len(v.Fields) {
		return &Error{Code: ECONFLICT, Msg: M("error.conflict"), Fields: v.Fields}
	}
	return &Error{Code: EINVALID, Msg: M("error.validation"), Fields: v.Fields}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

var (
	errNotFound     = Errorf(ENOTFOUND, "error.not_found")
	errForbidden    = Errorf(EFORBIDDEN, "error.forbidden")
	errUnauthorized = Errorf(EUNAUTHORIZED, "error.unauthorized")
)
