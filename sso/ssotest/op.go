// Package ssotest runs a real OpenID Provider on 127.0.0.1 for tests:
// zitadel/oidc's example OP (github.com/zitadel/oidc/v3/example/server),
// with its own login page, users and clients chosen by the test. Only
// tests import it, so the kadra binary does not carry it.
package ssotest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// User is a person the provider knows. MFA makes the provider say (amr)
// that it used several factors.
type User struct {
	ID            string
	Email         string // also the login name on the provider's page
	EmailVerified bool
	Name          string
	MFA           bool
}

// Password is every user's password at the provider.
const Password = "op-password-1"

// Client is an application registered at the provider.
type Client struct {
	ID, Secret, RedirectURL string
}

// OP is a running provider.
type OP struct {
	Issuer string
	users  map[string]*storage.User
	mfa    map[string]bool
}

// Start runs a provider with these users and clients until the test ends.
func Start(t testing.TB, users []User, clients ...Client) *OP {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o := &OP{Issuer: "http://" + l.Addr().String(), users: map[string]*storage.User{}, mfa: map[string]bool{}}
	for _, u := range users {
		first, last, _ := strings.Cut(u.Name, " ")
		o.users[u.ID] = &storage.User{ID: u.ID, Username: u.Email, Password: Password, FirstName: first,
			LastName: last, Email: u.Email, EmailVerified: u.EmailVerified}
		o.mfa[u.ID] = u.MFA
	}
	cs := map[string]*storage.Client{}
	for _, c := range clients {
		cs[c.ID] = storage.WebClient(c.ID, c.Secret, c.RedirectURL)
	}
	st := &mfaStorage{Storage: storage.NewStorageWithClients(userStore{o.users}, cs), mfa: o.mfa}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: exampleop.SetupServer(o.Issuer, st, nil, false)}}
	srv.Start()
	t.Cleanup(srv.Close)
	return o
}

type userStore struct{ users map[string]*storage.User }

func (u userStore) GetUserByID(id string) *storage.User { return u.users[id] }
func (u userStore) GetUserByUsername(name string) *storage.User {
	for _, x := range u.users {
		if x.Username == name {
			return x
		}
	}
	return nil
}
func (u userStore) ExampleClientID() string { return storage.ServiceUserID }

// mfaStorage is the example storage, except that the ID token of a user
// marked MFA carries amr ["pwd", "mfa"], as Entra ID's does after MFA.
type mfaStorage struct {
	*storage.Storage
	mfa map[string]bool
}

func (s *mfaStorage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := s.Storage.AuthRequestByCode(ctx, code)
	if err != nil || !s.mfa[r.GetSubject()] {
		return r, err
	}
	return mfaRequest{r}, nil
}

type mfaRequest struct{ op.AuthRequest }

func (mfaRequest) GetAMR() []string { return []string{"pwd", "mfa"} }

var idField = regexp.MustCompile(`name="id" value="([^"]+)"`)

// Authorize plays the browser at the provider: from the authorization URL
// it follows redirects, fills in the provider's login page for email, and
// returns the URL the provider sends the browser back to (the client's
// redirect URL with code and state), without visiting it.
func Authorize(t testing.TB, hc *http.Client, authURL, email, password, redirectURL string) string {
	t.Helper()
	next, method, form := authURL, http.MethodGet, url.Values(nil)
	for range 10 {
		if strings.HasPrefix(next, redirectURL) {
			return next
		}
		var req *http.Request
		if method == http.MethodPost {
			req, _ = http.NewRequest(method, next, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req, _ = http.NewRequest(method, next, nil)
		}
		res, err := noFollow(hc).Do(req)
		if err != nil {
			t.Fatalf("provider: %v", err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if loc := res.Header.Get("Location"); loc != "" {
			u, err := res.Request.URL.Parse(loc)
			if err != nil {
				t.Fatal(err)
			}
			next, method = u.String(), http.MethodGet
			continue
		}
		m := idField.FindSubmatch(body)
		if m == nil || method == http.MethodPost {
			t.Fatalf("provider answered %d at %s:\n%s", res.StatusCode, next, body)
		}
		u, _ := res.Request.URL.Parse("/login/username")
		next, method = u.String(), http.MethodPost
		form = url.Values{"id": {string(m[1])}, "username": {email}, "password": {password}}
	}
	t.Fatalf("provider: too many redirects")
	return ""
}

func noFollow(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// String names the provider in test output.
func (o *OP) String() string { return fmt.Sprintf("zitadel example OP at %s", o.Issuer) }
