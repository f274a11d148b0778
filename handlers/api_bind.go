package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// bindJSON reads a JSON object into dst, strictly (R-API-1): every member
// must be a field of dst, each unknown one is named in the answer's fields
// ("unknown field"), and a value of the wrong type is named too. An empty
// body binds nothing. Anything else that is not one JSON object is a 400.
func bindJSON(c echo.Context, dst any) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return db.Errorf(db.EINVALID, "error.bad_json")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		return db.Errorf(db.EINVALID, "error.bad_json")
	}
	known := jsonNames(reflect.TypeOf(dst))
	if m, ok := dst.(interface{ JSONMembers() []string }); ok {
		known = map[string]bool{}
		for _, name := range m.JSONMembers() {
			known[name] = true
		}
	}
	var v db.ValidationError
	for name := range members {
		if !known[name] {
			v.Add(name, db.M("error.unknown_field"))
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			v.Add(te.Field, db.M("error.wrong_type", "Type", jsonType(te.Type)))
			return v.Err()
		}
		return db.Errorf(db.EINVALID, "error.bad_json")
	}
	return nil
}

// jsonNames lists the JSON member names a struct (or pointer to one)
// accepts, embedded structs included.
func jsonNames(t reflect.Type) map[string]bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return out
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case tag == "-":
		case f.Anonymous && tag == "":
			for k := range jsonNames(f.Type) {
				out[k] = true
			}
		case !f.IsExported():
		case tag != "":
			out[tag] = true
		default:
			out[f.Name] = true
		}
	}
	return out
}

// jsonType names a Go type as JSON calls it, for the wrong-type message.
func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}
