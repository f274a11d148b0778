package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// R-API-1: every API route that takes a body refuses members it does not
// know, with 400 naming each one, before it looks at anything else; the
// route list comes from the router, so a new route is tried too.
func TestAPIUnknownFields(t *testing.T) {
	w := newIsolation(t)
	tried := 0
	for _, r := range w.routes() {
		if !strings.HasPrefix(r.path, "/api/v1/") || r.method == http.MethodGet || r.method == http.MethodDelete {
			continue
		}
		path := routeParam.ReplaceAllStringFunc(r.path, func(m string) string {
			return strconv.FormatInt(w.a1.ids[kindOf(r.path, m[1:])], 10)
		})
		if len(w.bodyMembers(r.method, r.path)) == 0 {
			continue // no body: nothing to bind
		}
		tried++
		status, body := w.a.apiIn(r.method, path, w.token, "", map[string]any{"zz_unknown": 1, "also_unknown": true})
		f := apiFields(body)
		if status != http.StatusBadRequest || f["zz_unknown"] == nil || f["also_unknown"] == nil {
			t.Errorf("%s %s with unknown members: %d %v", r.method, path, status, body)
		}
	}
	if tried < 20 {
		t.Fatalf("only %d routes with a body", tried)
	}
	// The case that was seen: a field of another resource is not ignored.
	status, body := w.a.apiIn("PATCH", "/api/v1/accounts/"+strconv.FormatInt(w.a1.account.ID, 10), w.token, "",
		map[string]any{"sip_domain": "x.example.pl"})
	if status != http.StatusBadRequest || apiFields(body)["sip_domain"] != "Unknown field." {
		t.Errorf("sip_domain on an account: %d %v", status, body)
	}
	// A value of the wrong type is named too.
	status, body = w.a.apiIn("PATCH", "/api/v1/users/"+strconv.FormatInt(w.a1.ids["user"], 10), w.token, "",
		map[string]any{"full_name": 42})
	if status != http.StatusBadRequest || apiFields(body)["full_name"] == nil {
		t.Errorf("a number for a name: %d %v", status, body)
	}
}
