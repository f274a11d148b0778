package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// apiClient calls the JSON API of a running binary with a bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

// ownerAPI is the API of p as the owner, through a token that
// "kadra token create" makes in the database at path.
func ownerAPI(t *testing.T, p *process, path string) apiClient {
	t.Helper()
	r := runKadra(t, "token", "create", "--db", path, "--user", ownerEmail, "--name", "e2e")
	if r.Code != 0 {
		t.Fatalf("token create: %d\n%s", r.Code, r.Stderr)
	}
	return apiClient{t: t, base: p.URL, token: strings.TrimSpace(r.Stdout)}
}

// call sends body (none when nil) as JSON and decodes the JSON answer.
func (c apiClient) call(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// must is call for steps that have to succeed (2xx).
func (c apiClient) must(method, path string, body any) map[string]any {
	c.t.Helper()
	status, out := c.call(method, path, body)
	if status >= 300 {
		c.t.Fatalf("%s %s: %d %v", method, path, status, out)
	}
	return out
}
