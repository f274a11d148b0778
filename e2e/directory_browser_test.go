package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// Issue 17 in a browser: Settings -> Katalog makes a SCIM token (shown
// once), an identity provider creates a user with it, and the page lists
// the request with its result.
func TestBrowserDirectorySCIM(t *testing.T) {
	d, _ := dbtest.Setup(t)
	b := signedIn(t, d, "owner@example.pl")
	b.open("/settings")
	b.submit(`a[href="/settings/directory"]`) // waits for the page, unlike a click
	b.wantPath("/settings/directory")
	b.wantText("h1", "Directory")
	b.fill("f-name", "Microsoft Entra ID")
	if status := b.submit(`form[action="/settings/directory/scim-tokens"] button[type=submit]`); status != 200 {
		t.Fatalf("create token: %d", status)
	}
	tok := regexp.MustCompile(`kadra_scim_\S+`).FindString(b.text(".secret"))
	if tok == "" {
		t.Fatal("the token is not shown")
	}
	req, _ := http.NewRequest("POST", b.base+"/scim/v2/Users", strings.NewReader(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"anna.kowalska@example.pl","displayName":"Anna Kowalska","active":true}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/scim+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("SCIM create: %d", res.StatusCode)
	}
	b.open("/settings/directory")
	b.wantText("#scim-requests", "POST /scim/v2/Users")
	b.wantText("#scim-tokens", "Microsoft Entra ID")
	b.shot("directory-scim")
	b.open("/users")
	b.wantText("table", "Anna Kowalska")
}
