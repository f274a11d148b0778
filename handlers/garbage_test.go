package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// R-SEC-1: no input produces a 500. Every route of the router, pages and
// API, gets malformed input as the owner (the client fails the test on any
// 5xx answer).
func TestGarbageNeverFails(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	tok := a.token("owner@example.pl")
	ids := []string{"1", "0", "-1", "99999999999999999999", "abc", "%00"}
	forms := []url.Values{
		{},
		{"name": {strings.Repeat("x", 5000)}, "email": {"\xff\xfe"}, "q": {"%"}, "page": {"-5"}, "per_page": {"999999"}},
		{"id": {"1"}, "ids": {"x", "-1"}, "role_id": {"abc"}, "group_ids": {"1", "zz"}, "seats": {"-3"}, "sort": {"';--"}},
		{"email": {"a@b.c"}, "password": {"x"}, "extension": {"../../etc"}, "parent_id": {"99999"}, "min_length": {"1e9"}},
	}
	jsons := []string{"", "{", "[]", "null", `{"email": 5, "role_id": "x", "group_ids": "y", "seats": -1}`,
		`{"name": "` + strings.Repeat("x", 5000) + `", "parent_id": -1}`}
	for _, r := range a.srv.Echo().Routes() {
		if strings.HasPrefix(r.Method, "echo_") || strings.HasSuffix(r.Path, "/*") {
			continue
		}
		for _, id := range ids {
			path := strings.NewReplacer(":id", id, ":token", id, ":hash", id, ":name", id).Replace(r.Path)
			if strings.HasPrefix(r.Path, "/api/") {
				for _, body := range jsons {
					req, _ := http.NewRequest(r.Method, a.ts.URL+path+"?page=-1&per_page=x&q=%25", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Content-Type", "application/json")
					c.do(req)
				}
				continue
			}
			if r.Method == http.MethodGet {
				c.get(path + "?page=-1&per_page=x&sort=nope&q=%25&status=zz&role_id=x&from=yesterday")
				continue
			}
			if r.Path == "/logout" || strings.HasSuffix(r.Path, "/sign-out-everywhere") || r.Path == "/impersonation/stop" {
				continue // they end the session the rest of the test uses
			}
			for _, f := range forms {
				c.get("/")
				c.post(path, f)
			}
		}
	}
}
