package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"kadra/mail/mailtest"
)

// R-USER-12: the real binary, given KADRA_SMTP_URL (the environment twin
// of --smtp-url) and --base-url, mails a reset link asked for through the
// API to an SMTP server, with the public address in the link; it stops
// cleanly on SIGTERM with the sender running.
func TestBinaryMailsThroughSMTP(t *testing.T) {
	path := initDB(t)
	smtp := mailtest.Start(t, "kadra", "smtp-secret")
	t.Setenv("KADRA_SMTP_URL", smtp.URL)
	p := startServe(t, "--db", path, "--base-url", "https://panel.example.pl", "--smtp-from", "panel@example.pl")
	// The sender logs its start from its own goroutine, which may come just
	// after /healthz first answers.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(p.stderr.String(), "mail: delivering the outbox"); {
		if time.Now().After(deadline) {
			t.Fatalf("sender not started:\n%s", p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	owner := ownerAPI(t, p, path)
	call := owner.call
	status, me := call("GET", "/api/v1/me", nil)
	if status != http.StatusOK {
		t.Fatalf("me: %d %v (token %q)", status, me, owner.token)
	}
	// The owner resets a colleague's password: one's own goes through the
	// profile (R-SEC-2).
	const colleague = "kolega@example.pl"
	status, u := call("POST", "/api/v1/users", map[string]any{"email": colleague, "full_name": "Kolega",
		"password": "Sosna-Lato-123!x", "role_id": me["role_id"], "position_id": me["position_id"], "extension": "1234"})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, u)
	}
	id := strconv.FormatInt(int64(u["id"].(float64)), 10)
	if status, body := call("POST", "/api/v1/users/"+id+"/reset-password", nil); status != http.StatusAccepted {
		t.Fatalf("reset-password: %d %v", status, body)
	}
	m := smtp.Wait(t, 1, 20*time.Second)[0]
	if m.From != "panel@example.pl" || m.To[0] != colleague ||
		!strings.Contains(m.Body, "https://panel.example.pl/reset-password/") {
		t.Fatalf("%s -> %v\n%s", m.From, m.To, m.Body)
	}
	if code := p.stop(); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.stderr)
	}
}
