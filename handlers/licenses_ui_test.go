package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-LIC-1 (issue 11): a seat is assigned by finding the user by name,
// e-mail or extension; a full licence is shown full and cannot be ticked
// on a user's page, which saves what fits and names what did not.
func TestLicenceSeatsTypeaheadAndFull(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	ctx := t.Context()
	ann := dbtest.AddUser(t, a.db, owner, "anna.kowalska@example.pl", func(in *db.UserInput) { in.FullName = "Anna Kowalska" })
	bob := dbtest.AddUser(t, a.db, owner, "bob@example.pl")
	full, err := a.db.CreateLicense(ctx, owner, db.LicenseInput{Product: "Pełna", Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	free, err := a.db.CreateLicense(ctx, owner, db.LicenseInput{Product: "Wolna", Seats: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.AssignLicense(ctx, owner, full.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	c := a.ownerClient()
	r := c.get(fmt.Sprintf("/licenses/%d/candidates?email=Kowal", free.ID))
	mustContain(t, "by name", r.Body, `data-email="anna.kowalska@example.pl"`)
	if r := c.get(fmt.Sprintf("/licenses/%d/candidates?email=bob", full.ID)); strings.Contains(r.Body, "bob@example.pl") {
		t.Error("a holder of the seat is offered again")
	}
	d, _ := a.db.GetUserDetails(ctx, owner, ann.ID)
	mustContain(t, "by extension", c.get(fmt.Sprintf("/licenses/%d/candidates?email=%s", free.ID, d.Extension)).Body, "anna.kowalska@example.pl")

	page := c.get(fmt.Sprintf("/users/%d/licenses", ann.ID)).Body
	mustContain(t, "full shown", page, fmt.Sprintf(`id="lic-%d" name="license_ids" value="%d" disabled`, full.ID, full.ID), "no free seat")
	r = c.post(fmt.Sprintf("/users/%d/licenses", ann.ID), url.Values{"license_ids": {fmt.Sprint(full.ID), fmt.Sprint(free.ID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.Status, r.Body)
	}
	page = c.get(r.Header.Get("Location")).Body
	mustContain(t, "what did not fit", page, "Pełna was not assigned: it has no free seat.",
		fmt.Sprintf(`id="lic-%d" name="license_ids" value="%d" checked`, free.ID, free.ID))
}
