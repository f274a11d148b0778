package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-USER-7, R-ROLE-5, R-LIC-1, R-ACC-4: a user's page shows the whole user
// in sections (details, role with permissions, position and group paths,
// extension, caller ID, licences, sub-account access, recent changes), and
// offers each section's change only where the policy allows (R-SEC-2).
func TestUserPageSections(t *testing.T) {
	a := newSetupApp(t)
	ctx := context.Background()
	owner := ownerActor(t, a)
	parent, err := a.db.CreateGroup(ctx, owner, db.GroupInput{Name: "Biuro"})
	if err != nil {
		t.Fatal(err)
	}
	child, err := a.db.CreateGroup(ctx, owner, db.GroupInput{Name: "Księgowość", ParentID: parent.ID})
	if err != nil {
		t.Fatal(err)
	}
	num, err := a.db.CreatePresentation(ctx, owner, db.PhoneNumbers, db.PresentationInput{Value: "+48 22 123 45 67", Label: "Centrala"})
	if err != nil {
		t.Fatal(err)
	}
	lic, err := a.db.CreateLicense(ctx, owner, db.LicenseInput{Product: "Biuro 365", Seats: 2})
	if err != nil {
		t.Fatal(err)
	}
	jan := dbtest.AddUser(t, a.db, owner, "jan@example.pl", func(in *db.UserInput) {
		in.FullName, in.GroupIDs, in.CallNumberID = "Jan Nowak", []int64{child.ID}, num.ID
	})
	if _, err := a.db.AssignLicense(ctx, owner, lic.ID, jan.ID); err != nil {
		t.Fatal(err)
	}
	viewer, err := a.db.CreateRole(ctx, owner, db.RoleInput{Name: "Podgląd", Permissions: []db.Permission{db.PermUsersView}})
	if err != nil {
		t.Fatal(err)
	}
	dbtest.AddUser(t, a.db, owner, "ola@example.pl", func(in *db.UserInput) { in.RoleID = viewer.ID })

	c := a.ownerClient()
	page := c.get(fmt.Sprintf("/users/%d", jan.ID)).Body
	mustContain(t, "owner's view", page, `id="details"`, `id="role"`, `id="groups"`, `id="phone"`, `id="licenses"`,
		"Biuro › Księgowość", "+48 22 123 45 67", "Centrala", "Biuro 365", `id="audit"`,
		fmt.Sprintf(`href="/users/%d/edit#f-role_id"`, jan.ID), fmt.Sprintf(`href="/users/%d/licenses"`, jan.ID))

	v := a.client()
	v.login("ola@example.pl", dbtest.OwnerPassword)
	page = v.get(fmt.Sprintf("/users/%d", jan.ID)).Body
	mustContain(t, "viewer's view", page, `id="role"`, "Biuro › Księgowość", "+48 22 123 45 67")
	for _, offer := range []string{"/edit", `id="licenses"`, fmt.Sprintf("/users/%d/access", jan.ID)} {
		if strings.Contains(page, offer) {
			t.Errorf("a users.view holder is offered %s", offer)
		}
	}
}
