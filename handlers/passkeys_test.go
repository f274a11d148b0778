package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// R-MFA-2: passkeys need https or localhost. On an installation reached by
// an IP address (as this test server is), the sign-in page offers no
// passkey button, the profile says why, and the ceremony's routes answer a
// clear JSON refusal instead of starting one.
func TestPasskeysNeedAName(t *testing.T) {
	a := newSetupApp(t)
	c := a.client()
	r := c.get("/login")
	if strings.Contains(r.Body, "data-passkey-login") || strings.Contains(r.Body, "webauthn") {
		t.Error("the sign-in page offers passkeys on an IP address")
	}
	res := c.postJSON("/login/passkey/begin", map[string]any{})
	if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "https") ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("begin: %d %s %s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	// A body that is no answer at all is refused the same way, never a 500.
	res = c.postJSON("/login/passkey/finish", map[string]any{"credential": "x", "unknown": 1})
	if res.Status != http.StatusBadRequest {
		t.Errorf("finish with junk: %d %s", res.Status, res.Body)
	}
	oc := a.ownerClient()
	wantBody(t, oc.get("/profile"), http.StatusOK, `id="passkeys"`, "https")
	res = oc.postJSON("/profile/passkeys/begin", map[string]any{"name": "Laptop"})
	if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "https") {
		t.Errorf("profile begin: %d %s", res.Status, res.Body)
	}
}
