package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"kadra/db/dbtest"
)

// R-GOV-2 in a real browser: access given until a day through the grants
// page shows on the user's page with its last day, and ending it early
// asks first.
func TestBrowserGrantUntilADay(t *testing.T) {
	d, owner := dbtest.Setup(t)
	x := dbtest.AddAccount(t, d, owner, "Klient X")
	u := dbtest.AddUser(t, d, owner, "helper@example.pl")
	b := signedIn(t, d, "owner@example.pl")
	b.open(fmt.Sprintf("/users/%d/grants", u.ID))
	b.fill("a-ends_at", "2027-01-15")
	if st := b.submit(`form[action$="/grants"] button.primary`); st != http.StatusOK {
		t.Fatalf("give answered %d", st)
	}
	b.wantText("main", "access to Klient X until 2027-01-15")
	b.shot("grants-page")
	b.open(fmt.Sprintf("/users/%d", u.ID))
	b.wantText("#grants", "access to Klient X until 2027-01-15")
	b.shot("grants-user-page")
	b.open(fmt.Sprintf("/users/%d/grants", u.ID))
	if st := b.submit(`form[action$="/grants/end"] button`); st != http.StatusOK {
		t.Fatalf("end answered %d", st)
	}
	b.dialog()
	if ids, _ := d.AccountAccessIDs(context.Background(), owner, x.ID); len(ids) != 1 {
		t.Fatalf("access after ending it: %v", ids)
	}
	if gs, _ := d.UserGrants(context.Background(), owner, u.ID); len(gs) != 0 {
		t.Fatalf("grants left: %+v", gs)
	}
}
