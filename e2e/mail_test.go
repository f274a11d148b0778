package e2e

import (
	"bytes"
	"encoding/json"
	"io"
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
	r := runKadra(t, "token", "create", "--db", path, "--user", ownerEmail, "--name", "e2e")
	if r.Code != 0 {
		t.Fatalf("token create: %d\n%s", r.Code, r.Stderr)
	}
	token := strings.TrimSpace(r.Stdout)

	call := func(method, path string, body ...any) (int, map[string]any) {
		var rd io.Reader
		if len(body) > 0 {
			b, _ := json.Marshal(body[0])
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, p.URL+path, rd)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	status, me := call("GET", "/api/v1/me")
	if status != http.StatusOK {
		t.Fatalf("me: %d %v (token %q)", status, me, token)
	}
	// The owner resets a colleague's password: one's own goes through the
	// profile (R-SEC-2).
	const colleague = "kolega@example.pl"
	status, u := call("POST", "/api/v1/users", map[string]any{"email": colleague, "full_name": "Kolega",
		"password": "Kolega-123!x", "role_id": me["role_id"], "position_id": me["position_id"], "extension": "1234"})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, u)
	}
	id := strconv.FormatInt(int64(u["id"].(float64)), 10)
	if status, body := call("POST", "/api/v1/users/"+id+"/reset-password"); status != http.StatusAccepted {
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
