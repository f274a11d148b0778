package handlers

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"time"

	"kadra/db"
)

// The schemas of openapi.json are generated from the Go types the handlers
// answer and bind, read the way encoding/json reads them, so the document
// cannot drift from the JSON (R-API-1): a field added, renamed or retyped
// changes the document with it, and the handler tests validate every answer
// against it.

// jsonSchemer is a type with its own JSON encoding that describes it.
type jsonSchemer interface{ JSONSchema() map[string]any }

var (
	schemerType   = reflect.TypeFor[jsonSchemer]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
	unmarshaler   = reflect.TypeFor[json.Unmarshaler]()
	textType      = reflect.TypeFor[encoding.TextMarshaler]()
	timeType      = reflect.TypeFor[time.Time]()
)

// typeEnums are the named string types whose values are a fixed set.
var typeEnums = map[reflect.Type]func() []any{
	reflect.TypeFor[db.Permission](): func() []any {
		out := make([]any, len(db.Catalogue))
		for i, p := range db.Catalogue {
			out[i] = string(p.Key)
		}
		return out
	},
	reflect.TypeFor[db.Code](): func() []any {
		var out []any
		for c := range statusOf {
			out = append(out, string(c))
		}
		slices.SortFunc(out, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
		return out
	},
}

// fieldEnums are the plain string members whose values are a fixed set,
// by the struct that declares them and their JSON name.
var fieldEnums = map[reflect.Type]map[string][]any{
	reflect.TypeFor[db.User]():          {"status": userStatuses},
	reflect.TypeFor[db.RoleUser]():      {"status": userStatuses},
	reflect.TypeFor[db.GroupMember]():   {"status": userStatuses},
	reflect.TypeFor[db.LicenseHolder](): {"status": userStatuses},
	reflect.TypeFor[db.Role]():          {"kind": {db.BuiltinAdministrator, db.BuiltinStaff, db.RoleCustom}},
	reflect.TypeFor[db.Group]():         {"kind": {db.GroupPositions, db.GroupPosition, db.GroupPlain}},
	reflect.TypeFor[db.QueuedMail]():    {"kind": {"activation", "reset"}},
}

var userStatuses = []any{db.StatusInvited, db.StatusActive, db.StatusBlocked, db.StatusInactive}

// schemaOf describes the JSON of an answer of type v: every member the
// encoder always writes is required, omitempty ones are not, and no other
// member is allowed. with gives values that describe their type where it
// cannot describe itself alone (a db.Presentation needs its kind).
func schemaOf(v any, with ...jsonSchemer) map[string]any {
	return newSchemaGen(false, with).of(v)
}

// inputOf describes the JSON a handler binds into v: bindJSON takes any of
// its members and refuses every other, so none is required here; the
// domain answers 400 naming a missing one.
func inputOf(v any, with ...jsonSchemer) map[string]any {
	return newSchemaGen(true, with).of(v)
}

type schemaGen struct {
	input bool
	with  map[reflect.Type]jsonSchemer
}

func newSchemaGen(input bool, with []jsonSchemer) schemaGen {
	g := schemaGen{input: input, with: map[reflect.Type]jsonSchemer{}}
	for _, w := range with {
		g.with[reflect.TypeOf(w)] = w
	}
	return g
}

func (g schemaGen) of(v any) map[string]any {
	if s, ok := v.(jsonSchemer); ok {
		return s.JSONSchema()
	}
	return g.schema(reflect.TypeOf(v))
}

func (g schemaGen) schema(t reflect.Type) map[string]any {
	if w, ok := g.with[t]; ok {
		return w.JSONSchema()
	}
	if enum, ok := typeEnums[t]; ok {
		return map[string]any{"type": "string", "enum": enum()}
	}
	switch {
	case t.Kind() == reflect.Pointer:
		return nullable(g.schema(t.Elem()))
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Implements(schemerType):
		return reflect.Zero(t).Interface().(jsonSchemer).JSONSchema()
	case t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType),
		g.input && reflect.PointerTo(t).Implements(unmarshaler),
		t.Kind() != reflect.String && (t.Implements(textType) || reflect.PointerTo(t).Implements(textType)):
		panic("openapi: " + t.String() + " has its own JSON encoding; give it a JSONSchema method")
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		// A nil slice encodes as null: the domain answers [] for an empty
		// list, and the suite's validation holds it to that.
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			break
		}
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		return g.object(t)
	}
	panic("openapi: cannot describe " + t.String())
}

// object describes a struct: its members by their json tags, embedded
// structs flattened (a shallower member wins, as in encoding/json), no
// other member allowed.
func (g schemaGen) object(t reflect.Type) map[string]any {
	props, required := map[string]any{}, map[string]bool{}
	g.members(t, props, required)
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	var names []string
	for name, req := range required {
		if req {
			names = append(names, name)
		}
	}
	if len(names) > 0 {
		slices.Sort(names)
		o["required"] = names
	}
	return o
}

func (g schemaGen) members(t reflect.Type, props map[string]any, required map[string]bool) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct && !ft.Implements(schemerType) {
			embedded = append(embedded, ft)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omitted := slices.Contains(strings.Split(opts, ","), "omitempty") ||
			slices.Contains(strings.Split(opts, ","), "omitzero")
		s := g.schema(f.Type)
		if omitted && f.Type.Kind() == reflect.Pointer && !g.input {
			s = g.schema(f.Type.Elem()) // a nil pointer is left out, never null
		}
		if enum, ok := fieldEnums[t][name]; ok {
			s = map[string]any{"type": "string", "enum": enum}
		}
		props[name] = s
		required[name] = !g.input && !omitted
	}
	for _, e := range embedded {
		inner, innerReq := map[string]any{}, map[string]bool{}
		g.members(e, inner, innerReq)
		for name, s := range inner {
			if _, taken := props[name]; !taken {
				props[name], required[name] = s, innerReq[name]
			}
		}
	}
}

// nullable lets a schema be null too, as a nil pointer encodes.
func nullable(s map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	switch typ := s["type"].(type) {
	case string:
		out["type"] = []any{typ, "null"}
		if enum, ok := s["enum"].([]any); ok {
			out["enum"] = append(slices.Clone(enum), nil)
		}
	default:
		return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
	}
	return out
}
