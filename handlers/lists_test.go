package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// listRoutes are the router's GET routes without parameters: every list
// and page, from the router, so that a new list cannot escape.
func listRoutes(a *app) []string {
	var out []string
	for _, r := range a.srv.Echo().Routes() {
		if r.Method != http.MethodGet || strings.ContainsAny(r.Path, ":*") ||
			r.Path == "/metrics" || r.Path == "/setup" || r.Path == "/api/v1/openapi.json" {
			continue
		}
		out = append(out, r.Path)
	}
	return out
}

// getAny reads a page or an API list as the owner; client.do and a.api
// fail the test on any 5xx.
func getAny(a *app, c *client, token, path string) {
	a.t.Helper()
	if strings.HasPrefix(path, "/api/") {
		a.api(http.MethodGet, path, token, nil)
		return
	}
	c.get(path)
}

// R-SEC-1: huge, negative and overflowing page numbers never answer 5xx
// on any list: the one paging clamp bounds the offset (R-SEC-6 hygiene).
func TestListsHugePages(t *testing.T) {
	a := newSetupApp(t)
	c, tok := a.ownerClient(), a.token("owner@example.pl")
	routes := listRoutes(a)
	if len(routes) < 15 {
		t.Fatalf("only %d list routes: %v", len(routes), routes)
	}
	const maxInt, minInt = "9223372036854775807", "-9223372036854775808"
	queries := []string{"page=" + maxInt, "page=" + minInt, "per_page=" + maxInt, "per_page=" + minInt,
		"page=" + maxInt + "&per_page=" + maxInt, "page=" + maxInt + "&per_page=200", "page=-1&per_page=-1",
		"page=4611686018427387904&per_page=2", "page=99999999999999999999", "page=1e9&per_page=1e9"}
	for _, p := range routes {
		for _, q := range queries {
			getAny(a, c, tok, p+"?"+q)
		}
	}
}

// R-SEC-1: search terms FTS5 would read as syntax (a NUL, quotes, *, AND,
// NEAR, column filters) or that are not text at all never answer 5xx on
// any list. Terms are escaped as a URL carries them: a raw space would be
// refused by the HTTP server before kadra saw it.
func TestListsOddSearches(t *testing.T) {
	a := newSetupApp(t)
	c, tok := a.ownerClient(), a.token("owner@example.pl")
	terms := []string{"%00", "%00%00%00", "ab%00c", "%22", "%22%22%22", "abc%22", "*", "***", "abc*", "AND",
		"a%20AND%20b", "OR", "NOT%20abc", "NEAR(abc)", "email:abc", "^abc", "(((", "%01%02%03", "%ff%fe%fd",
		"%e2%80%ae" + "abc", "%5C%5C%5C", "'--", "%25%25%25", "_%25_"}
	for _, p := range listRoutes(a) {
		for _, q := range terms {
			getAny(a, c, tok, p+"?q="+q)
		}
	}
}
