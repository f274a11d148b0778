package handlers_test

import (
	"net/http"
	"regexp"
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
