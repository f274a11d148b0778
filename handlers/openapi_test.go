package handlers_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The OpenAPI document names exactly the routes under /api/v1.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	a := newApp(t)
	status, doc := a.api("GET", "/api/v1/openapi.json", "", nil)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	documented := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	for p, ops := range paths {
		for m := range ops.(map[string]any) {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	served := map[string]bool{}
	for _, r := range a.srv.Echo().Routes() {
		p, ok := strings.CutPrefix(r.Path, "/api/v1")
		if !ok || p == "" || strings.HasSuffix(p, "/*") || strings.HasPrefix(r.Method, "echo_") {
			continue
		}
		served[r.Method+" "+param.ReplaceAllString(p, "{$1}")] = true
	}
	var missing, extra []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("openapi.json out of step with the router:\nnot documented: %v\ndocumented but not served: %v", missing, extra)
	}
}

// Every object schema of the document says what else it allows: an object
// with properties allows nothing more (additionalProperties: false), so
// the contract check catches an answer that grows a member; a map names
// the schema of its values.
func TestOpenAPIObjectsAreClosed(t *testing.T) {
	a := newApp(t)
	status, doc := a.api("GET", "/api/v1/openapi.json", "", nil)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if isObjectSchema(v) {
				extra, stated := v["additionalProperties"]
				switch {
				case v["properties"] != nil && extra != false:
					t.Errorf("%s: an object with properties without additionalProperties: false", at)
				case v["properties"] == nil && !stated:
					t.Errorf("%s: an object that says nothing of its members", at)
				}
			}
			for k, child := range v {
				walk(at+"/"+k, child)
			}
		case []any:
			for i, child := range v {
				walk(fmt.Sprintf("%s/%d", at, i), child)
			}
		}
	}
	walk("#", doc["components"])
	walk("#/paths", doc["paths"])
}

// isObjectSchema reports whether v is a schema of a JSON object.
func isObjectSchema(v map[string]any) bool {
	switch typ := v["type"].(type) {
	case string:
		return typ == "object"
	case []any:
		return slices.Contains(typ, any("object"))
	}
	return false
}
