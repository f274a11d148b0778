package handlers_test

import (
	"net/http"
	"testing"

	"kadra/db/dbtest"
)

// R-GOV-1, R-GOV-5: the API reads and patches the dormancy rule (fields
// left out keep their value), previews a rule, lists the access review and
// stamps it; all the owner's only.
func TestAPIGovernance(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	dbtest.AddAdmin(t, a.db, owner, "admin@example.pl")
	tok := a.token("owner@example.pl")

	st, body := a.api("GET", "/api/v1/dormancy", tok, nil)
	if st != http.StatusOK || body["enabled"] != false || body["days"].(float64) != 90 {
		t.Fatalf("get: %d %v", st, body)
	}
	st, body = a.api("PATCH", "/api/v1/dormancy", tok, map[string]any{"days": 30})
	if st != http.StatusOK || body["days"].(float64) != 30 || body["warn_days"].(float64) != 7 {
		t.Fatalf("patch: %d %v", st, body)
	}
	st, body = a.api("PATCH", "/api/v1/dormancy", tok, map[string]any{"warn_days": 30})
	if st != http.StatusBadRequest || apiFields(body)["warn_days"] == nil {
		t.Fatalf("bad patch: %d %v", st, body)
	}
	if st, _ := a.api("PATCH", "/api/v1/dormancy", tok, map[string]any{"dayz": 3}); st != http.StatusBadRequest {
		t.Fatalf("unknown member: %d", st)
	}
	st, body = a.api("POST", "/api/v1/dormancy/preview", tok, map[string]any{"days": 1, "warn_days": 0, "exempt_role_ids": []int{}})
	if st != http.StatusOK || len(body["next_week"].([]any)) != 1 {
		t.Fatalf("preview: %d %v", st, body)
	}
	st, body = a.api("GET", "/api/v1/access-review?admins=true", tok, nil)
	if st != http.StatusOK || body["total"].(float64) != 2 {
		t.Fatalf("review: %d %v", st, body)
	}
	st, body = a.api("GET", "/api/v1/access-review/state", tok, nil)
	if st != http.StatusOK || body["due"] != true {
		t.Fatalf("state: %d %v", st, body)
	}
	st, body = a.api("POST", "/api/v1/access-review/done", tok, map[string]any{})
	if st != http.StatusOK || body["due"] != false || body["done_at"] == nil {
		t.Fatalf("done: %d %v", st, body)
	}
	if st, _ := a.api("POST", "/api/v1/access-review/done", tok, map[string]any{"reviewed_on": "jutro"}); st != http.StatusBadRequest {
		t.Fatalf("bad date: %d", st)
	}

	adm := a.token("admin@example.pl")
	for _, c := range []struct{ method, path string }{{"GET", "/api/v1/dormancy"}, {"PATCH", "/api/v1/dormancy"},
		{"POST", "/api/v1/dormancy/preview"}, {"GET", "/api/v1/access-review"}, {"POST", "/api/v1/access-review/done"}} {
		if st, _ := a.api(c.method, c.path, adm, map[string]any{}); st != http.StatusForbidden {
			t.Errorf("admin %s %s: %d", c.method, c.path, st)
		}
	}
}
