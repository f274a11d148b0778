package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"kadra/db"
)

// FuzzSCIMFilter sends any filter to GET /Users and /Groups of the real
// server (issue 17): the answer is a list or a SCIM error of 400, never a
// 5xx nor a panic, whatever an identity provider (or an attacker with a
// token) writes. Runs its seed corpus as a normal test; fuzz with
// go test -fuzz FuzzSCIMFilter ./handlers.
func FuzzSCIMFilter(f *testing.F) {
	for _, s := range []string{
		`userName eq "anna@example.pl"`, `userName eq "ANNA@EXAMPLE.PL"`, `externalId eq "abc"`,
		`userName co "example"`, `userName sw "a" and active eq true`, `not (userName ew ".com")`,
		`emails[type eq "work" and value co "@"]`, `meta.lastModified gt "2011-05-13T04:42:34Z"`,
		`meta.created ge "2011-05-13T04:42:34Z" or displayName pr`, `name.familyName eq "Kowalska"`,
		`urn:ietf:params:scim:schemas:extension:kadra:2.0:User:role eq "Administrator"`,
		`displayName eq "Sprzedaż"`, `members[value eq "1"]`, `userName eq`, `(userName`, `userName xx "a"`,
		`nosuch eq 1`, `active eq "False"`, `userName gt 5`, "\x00", `"`, `a[b[c]]`, `not(not(not(id pr)))`,
	} {
		f.Add(s)
	}
	w := newSCIM(&testing.T{}, db.BuiltinStaff)
	w.create(&testing.T{}, "anna@example.pl")
	f.Fuzz(func(t *testing.T, filter string) {
		for _, path := range []string{"/scim/v2/Users", "/scim/v2/Groups"} {
			req := httptest.NewRequest("GET", path+"?filter="+url.QueryEscape(filter), nil)
			req.Header.Set("Authorization", "Bearer "+w.token)
			rec := httptest.NewRecorder()
			w.a.srv.ServeHTTP(rec, req)
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("%s %q: %d, not JSON: %s", path, filter, rec.Code, rec.Body)
			}
			switch rec.Code {
			case http.StatusOK:
				if _, ok := body["totalResults"]; !ok {
					t.Fatalf("%q: a list without totalResults: %v", filter, body)
				}
			case http.StatusBadRequest:
				if body["status"] == nil {
					t.Fatalf("%q: 400 without the SCIM error schema: %v", filter, body)
				}
			default:
				t.Fatalf("%s %q: status %d %v", path, filter, rec.Code, body)
			}
		}
	})
}
