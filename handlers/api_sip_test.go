package handlers_test

import (
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// bareUser adds a user without a SIP account, whatever dbtest.AddUser
// gives them, so that assignment can be tested from the start.
func bareUser(t *testing.T, a *app, email string) db.User {
	t.Helper()
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), email)
	if u.SIPAccountID == 0 {
		return u
	}
	r, err := sql.Open("sqlite", "file:"+a.db.Path()+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, q := range []string{`UPDATE users SET sip_account_id = NULL WHERE id = ?`, `DELETE FROM sip_accounts WHERE id = ?`} {
		id := u.ID
		if strings.HasPrefix(q, "DELETE") {
			id = u.SIPAccountID
		}
		if _, err := r.Exec(q, id); err != nil {
			t.Fatal(err)
		}
	}
	u.SIPAccountID = 0
	return u
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// R-SIP-1..3 through the API: the password appears only in the answers that
// set it; refusals are 400 with a message per field, or 409.
func TestAPISIPAccounts(t *testing.T) {
	a := newSetupApp(t)
	tok := a.token("owner@example.pl")
	status, body := a.api("POST", "/api/v1/sip-accounts", tok, map[string]any{"extension": "1001"})
	if status != http.StatusCreated || len(fmt.Sprint(body["password"])) != db.SIPSecretLength || body["extension"] != "1001" {
		t.Fatalf("create: %d %v", status, body)
	}
	id := int64(body["id"].(float64))
	pw := body["password"].(string)
	status, body = a.api("GET", fmt.Sprintf("/api/v1/sip-accounts/%d", id), tok, nil)
	if status != http.StatusOK || body["password"] != nil || body["ha1"] != nil || body["domain"] != "localhost" {
		t.Fatalf("get: %d %v", status, body)
	}
	status, body = a.api("GET", "/api/v1/sip-accounts?q=100", tok, nil)
	if status != http.StatusOK || body["total"] != float64(1) {
		t.Fatalf("list: %d %v", status, body)
	}
	if item := body["items"].([]any)[0].(map[string]any); item["password"] != nil {
		t.Fatal("the list shows a password")
	}
	status, body = a.api("POST", fmt.Sprintf("/api/v1/sip-accounts/%d/secret", id), tok, map[string]any{"password": "Typed-secret-42"})
	if status != http.StatusOK || body["password"] != "Typed-secret-42" {
		t.Fatalf("secret: %d %v", status, body)
	}
	status, body = a.api("POST", fmt.Sprintf("/api/v1/sip-accounts/%d/secret", id), tok, nil)
	if status != http.StatusOK || body["password"] == pw || body["password"] == "Typed-secret-42" {
		t.Fatalf("generated secret: %d %v", status, body)
	}

	t.Run("ErrInvalid", func(t *testing.T) {
		status, body := a.api("POST", "/api/v1/sip-accounts", tok, map[string]any{"extension": "12", "password": "weak"})
		f := apiFields(body)
		if status != http.StatusBadRequest || f["extension"] == nil || f["password"] == nil {
			t.Fatalf("bad create: %d %v", status, body)
		}
		status, body = a.api("POST", "/api/v1/sip-accounts", tok, map[string]any{"extension": "1001"})
		if status != http.StatusConflict || apiFields(body)["extension"] == nil { // R-API-1
			t.Fatalf("duplicate: %d %v", status, body)
		}
		status, _ = a.api("POST", "/api/v1/sip-accounts", tok, "not an object")
		if status != http.StatusBadRequest {
			t.Fatalf("bad JSON: %d", status)
		}
	})
	t.Run("AssignAndDelete", func(t *testing.T) {
		u := bareUser(t, a, "ala@example.pl")
		status, body := a.api("PATCH", fmt.Sprintf("/api/v1/sip-accounts/%d", id), tok, map[string]any{"user_id": u.ID})
		if status != http.StatusOK || body["user_id"] != float64(u.ID) {
			t.Fatalf("assign: %d %v", status, body)
		}
		status, body = a.api("POST", "/api/v1/sip-accounts", tok, map[string]any{"extension": "1002", "user_id": u.ID})
		if status != http.StatusConflict {
			t.Fatalf("second account for a user: %d %v", status, body)
		}
		ola := bareUser(t, a, "ola@example.pl")
		status, body = a.api("PATCH", fmt.Sprintf("/api/v1/sip-accounts/%d", id), tok, map[string]any{"user_id": ola.ID})
		if status != http.StatusConflict {
			t.Fatalf("taken account: %d %v", status, body)
		}
		status, body = a.api("POST", "/api/v1/sip-accounts", tok, map[string]any{"extension": "1002", "user_id": ola.ID})
		if status != http.StatusCreated || body["user_id"] != float64(ola.ID) || body["password"] == nil {
			t.Fatalf("create for user: %d %v", status, body)
		}
		status, body = a.api("DELETE", fmt.Sprintf("/api/v1/sip-accounts/%d", id), tok, nil)
		if status != http.StatusConflict {
			t.Fatalf("delete assigned: %d %v", status, body)
		}
		status, body = a.api("PATCH", fmt.Sprintf("/api/v1/sip-accounts/%d", id), tok, map[string]any{"enabled": false})
		if status != http.StatusOK || body["enabled"] != false {
			t.Fatalf("disable: %d %v", status, body)
		}
		status, _ = a.api("DELETE", "/api/v1/sip-accounts/999", tok, nil)
		if status != http.StatusNotFound {
			t.Fatalf("delete unknown: %d", status)
		}
	})
	t.Run("Settings", func(t *testing.T) {
		status, body := a.api("PATCH", "/api/v1/sip-settings", tok, map[string]any{"sip_domain": "pbx.example.pl"})
		if status != http.StatusOK || body["sip_domain"] != "pbx.example.pl" || body["extension_pattern"] != db.DefaultExtensionPattern ||
			body["stale_accounts"] != float64(2) {
			t.Fatalf("settings: %d %v", status, body)
		}
		status, body = a.api("POST", "/api/v1/sip-settings/regenerate-stale", tok, nil)
		if status != http.StatusOK || len(body["items"].([]any)) != 2 {
			t.Fatalf("regenerate stale: %d %v", status, body)
		}
		status, body = a.api("PATCH", "/api/v1/sip-settings", tok, map[string]any{"extension_pattern": "("})
		if status != http.StatusBadRequest || apiFields(body)["extension_pattern"] == nil {
			t.Fatalf("bad pattern: %d %v", status, body)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		dbtest.AddUser(t, a.db, ownerActor(t, a), "staff@example.pl")
		staff := a.token("staff@example.pl")
		if status, _ := a.api("GET", "/api/v1/sip-accounts", staff, nil); status != http.StatusForbidden {
			t.Fatalf("staff list: %d", status)
		}
		if status, _ := a.api("POST", "/api/v1/numbers", staff, map[string]any{"number": "+48221234567"}); status != http.StatusForbidden {
			t.Fatalf("staff number: %d", status)
		}
	})
}

// R-SIP-5 through the API: numbers and senders alike.
func TestAPINumbersAndSenders(t *testing.T) {
	for _, tc := range []struct {
		path, field, user, userField string
		typed, stored, bad, q        string
	}{
		{"/api/v1/numbers", "number", "caller-id", "call_number_id", "+48 22 123 45 67", "+48221234567", "123", "2212"},
		{"/api/v1/sms-senders", "sender", "sms-sender", "sms_sender_id", "KADRA", "KADRA", "ABCDEFGHIJKL", "KAD"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			a := newSetupApp(t)
			tok := a.token("owner@example.pl")
			status, body := a.api("POST", tc.path, tok, map[string]any{tc.field: tc.typed, "label": "Office"})
			if status != http.StatusCreated || body[tc.field] != tc.stored {
				t.Fatalf("create: %d %v", status, body)
			}
			id := int64(body["id"].(float64))
			if status, body := a.api("POST", tc.path, tok, map[string]any{tc.field: tc.bad}); status != http.StatusBadRequest || apiFields(body)[tc.field] == nil {
				t.Fatalf("invalid: %d %v", status, body)
			}
			if status, body := a.api("POST", tc.path, tok, map[string]any{tc.field: tc.typed}); status != http.StatusConflict || apiFields(body)[tc.field] == nil {
				t.Fatalf("taken: %d %v", status, body)
			}
			status, body = a.api("PATCH", fmt.Sprintf("%s/%d", tc.path, id), tok, map[string]any{"label": "HQ"})
			if status != http.StatusOK || body["label"] != "HQ" || body[tc.field] != tc.stored {
				t.Fatalf("patch: %d %v", status, body)
			}
			u := dbtest.AddUser(t, a.db, ownerActor(t, a), "ala@example.pl")
			choice := fmt.Sprintf("/api/v1/users/%d/%s", u.ID, tc.user)
			if status, body := a.api("PUT", choice, tok, map[string]any{tc.userField: id}); status != http.StatusNoContent {
				t.Fatalf("user's choice: %d %v", status, body)
			}
			if status, body := a.api("PUT", choice, tok, map[string]any{tc.userField: 999}); status != http.StatusBadRequest || apiFields(body)[tc.userField] == nil {
				t.Fatalf("unknown: %d %v", status, body)
			}
			if status, body := a.api("GET", fmt.Sprintf("%s/%d", tc.path, id), tok, nil); status != http.StatusOK || body["user_count"] != float64(1) {
				t.Fatalf("presented by: %d %v", status, body)
			}
			status, body = a.api("DELETE", fmt.Sprintf("%s/%d", tc.path, id), tok, nil)
			if status != http.StatusConflict || !errorSays(body, "ala@example.pl") {
				t.Fatalf("delete presented: %d %v", status, body)
			}
			status, body = a.api("GET", tc.path+"?q="+tc.q, tok, nil)
			if status != http.StatusOK || body["total"] != float64(1) {
				t.Fatalf("list: %d %v", status, body)
			}
		})
	}
}

// errorSays reports whether an API error's message contains s.
func errorSays(body map[string]any, s string) bool {
	e, _ := body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return strings.Contains(msg, s)
}
