package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"kadra/db/dbtest"
)

// R-MFA-4 over the API: an admin lists a user's sessions, ends them, and
// is told in words when there is no second factor to remove.
func TestAPIUserSessionsAndSecondFactor(t *testing.T) {
	a := newSetupApp(t)
	owner := dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
	u := dbtest.AddUser(t, a.db, owner, "anna@example.pl")
	dbtest.Login(t, a.db, u.Email, dbtest.OwnerPassword)
	tok := a.token("owner@example.pl")
	st, body := a.api("GET", fmt.Sprintf("/api/v1/users/%d/sessions", u.ID), tok, nil)
	if items, _ := body["items"].([]any); st != http.StatusOK || len(items) != 1 {
		t.Fatalf("sessions: %d %v", st, body)
	}
	st, body = a.api("DELETE", fmt.Sprintf("/api/v1/users/%d/sessions", u.ID), tok, nil)
	if st != http.StatusOK || body["ended"] != float64(1) {
		t.Fatalf("end sessions: %d %v", st, body)
	}
	st, body = a.api("POST", fmt.Sprintf("/api/v1/users/%d/mfa/reset", u.ID), tok, nil)
	if st != http.StatusBadRequest {
		t.Fatalf("reset with none: %d %v", st, body)
	}
	if st, _ := a.api("GET", "/api/v1/users/999999/sessions", tok, nil); st != http.StatusNotFound {
		t.Errorf("unknown user: %d", st)
	}
}
