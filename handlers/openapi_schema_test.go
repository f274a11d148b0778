package handlers

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type schemaInner struct {
	Shared string `json:"shared"`
	Deep   int    `json:"deep"`
}

type schemaOuter struct {
	schemaInner
	Shared   bool              `json:"shared"`
	Name     string            `json:"name"`
	Note     string            `json:"note,omitempty"`
	Seen     *time.Time        `json:"seen"`
	Later    *schemaInner      `json:"later,omitempty"`
	Tags     []string          `json:"tags"`
	Extra    map[string]int    `json:"extra"`
	Hidden   string            `json:"-"`
	Untagged float64           // encoded under its Go name
	private  string            // never encoded
	Raw      map[string]string `json:"raw,omitempty"`
}

type selfEncoded struct{}

func (selfEncoded) MarshalJSON() ([]byte, error) { return []byte(`1`), nil }

// schemaOf reads a type as encoding/json writes it: embedded structs
// flattened with the shallower member winning, omitempty not required,
// json:"-" and unexported fields left out, pointers nullable unless left
// out when nil.
func TestSchemaOf(t *testing.T) {
	got := schemaOf(schemaOuter{})
	want := map[string]any{"type": "object", "additionalProperties": false,
		"required": []string{"Untagged", "deep", "extra", "name", "seen", "shared", "tags"},
		"properties": map[string]any{
			"shared":   map[string]any{"type": "boolean"},
			"deep":     map[string]any{"type": "integer"},
			"name":     map[string]any{"type": "string"},
			"note":     map[string]any{"type": "string"},
			"seen":     map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
			"later":    schemaOf(schemaInner{}),
			"tags":     map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			"extra":    map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}},
			"Untagged": map[string]any{"type": "number"},
			"raw":      map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		}}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("schemaOf:\n got %s\nwant %s", g, w)
	}
	if in := inputOf(schemaOuter{}); in["required"] != nil {
		t.Errorf("an input requires %v: bindJSON takes any of its members", in["required"])
	}
}

// A type with its own JSON encoding must describe itself.
func TestSchemaOfRefusesSelfEncoded(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("schemaOf described a self-encoded type from its fields")
		}
	}()
	schemaOf(struct {
		V selfEncoded `json:"v"`
	}{})
}
