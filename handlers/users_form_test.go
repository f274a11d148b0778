package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

func formIDs(t *testing.T, a *app) (staff, position int64) {
	t.Helper()
	ctx := context.Background()
	staff, _ = a.db.BuiltinRoleID(ctx, db.BuiltinStaff)
	position, _ = a.db.DefaultPositionID(ctx, ownerActor(t, a))
	return staff, position
}

// R-USER-1: one page, three sections in this order.
func TestUserFormSections(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	r := c.get("/users/new")
	if r.Status != http.StatusOK {
		t.Fatal(r.Status)
	}
	order := []string{"Account settings", `name="email"`, `name="sip_account_id"`, `name="call_number_id"`,
		`name="sms_sender_id"`, `name="password"`, `name="send_invite"`, "Basic information", `name="full_name"`,
		`name="work_phone"`, `name="role_id"`, "Additional information", `name="position_id"`, "Groups and subgroups"}
	at := 0
	for _, s := range order {
		i := strings.Index(r.Body[at:], s)
		if i < 0 {
			t.Fatalf("%q missing or out of order", s)
		}
		at += i
	}
}

// R-SEC-1, R-USER-2, R-USER-4, R-USER-5, R-USER-6: a refused form keeps
// every typed value and says per field what is wrong; the API answers 400
// with the same messages.
func TestUserFormRefusals(t *testing.T) {
	a := newSetupApp(t)
	staff, pos := formIDs(t, a)
	taken := dbtest.AddUser(t, a.db, ownerActor(t, a), "taken@example.pl")
	takenDet, _ := a.db.GetUserDetails(context.Background(), ownerActor(t, a), taken.ID)
	c := a.ownerClient()
	c.get("/users/new")
	r := c.post("/users", url.Values{"email": {"TAKEN@example.pl"}, "full_name": {"Zofia Typed"},
		"work_phone": {"+48 600 100 200"}, "password": {"short"}, "password_confirm": {"other"},
		"role_id": {fmt.Sprint(staff)}, "position_id": {"0"}, "sip_account_id": {fmt.Sprint(takenDet.SIPAccountID)}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	for _, want := range []string{"Another user already signs in with this e-mail.", "The password needs at least 8 characters",
		"The passwords do not match.", "Every user needs a position.", `value="Zofia Typed"`, `value="TAKEN@example.pl"`,
		`600 100 200"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(r.Body, `value="short"`) {
		t.Error("a password was sent back")
	}
	// SIP taken: reported on its field once the others are right.
	r = c.post("/users", url.Values{"email": {"new@example.pl"}, "full_name": {"New"},
		"role_id": {fmt.Sprint(staff)}, "position_id": {fmt.Sprint(pos)}, "sip_account_id": {fmt.Sprint(takenDet.SIPAccountID)}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-sip_account_id"`) {
		t.Fatalf("SIP taken: %d", r.Status)
	}
	status, body := a.api("POST", "/api/v1/users", a.token("owner@example.pl"), map[string]any{
		"email": "taken@example.pl", "full_name": "Z", "role_id": staff, "position_id": 0, "extension": "1234"})
	f := apiFields(body)
	if status != http.StatusBadRequest || f["email"] != "Another user already signs in with this e-mail." ||
		f["position_id"] != "Every user needs a position." {
		t.Fatalf("API: %d %v", status, body)
	}
}

// R-USER-1, R-SIP-3, R-USER-13: create with a new extension, see its SIP
// password once; "save and add next" keeps the shared choices.
func TestUserFormCreate(t *testing.T) {
	a := newSetupApp(t)
	staff, pos := formIDs(t, a)
	g, err := a.db.CreateGroup(context.Background(), ownerActor(t, a), db.GroupInput{Name: "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	c := a.ownerClient()
	c.get("/users/new")
	r := c.post("/users", url.Values{"email": {"anna@example.pl"}, "full_name": {"Anna"},
		"password": {"Secret-pass1"}, "password_confirm": {"Secret-pass1"}, "role_id": {fmt.Sprint(staff)},
		"position_id": {fmt.Sprint(pos)}, "sip_account_id": {"0"}, "extension": {"1001"},
		"group_ids": {fmt.Sprint(g.ID)}, "next": {"1"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/users/new?") {
		t.Fatalf("save and next: %d %s\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	next := r.Header.Get("Location")
	r = c.get(next)
	if !strings.Contains(r.Body, "SIP password, shown once") || !strings.Contains(r.Body, "1001@") {
		t.Fatalf("the new SIP password is not shown")
	}
	if !strings.Contains(r.Body, fmt.Sprintf(`<option value="%d" selected>`, g.ID)) {
		t.Error("the group choice was not kept for the next user")
	}
	if r := c.get(next); strings.Contains(r.Body, "SIP password, shown once") {
		t.Fatal("the SIP password was shown twice")
	}
	c.login("anna@example.pl", "Secret-pass1")
}

// R-USER-10: the edit form changes every field and keeps the SIP account.
func TestUserFormEdit(t *testing.T) {
	a := newSetupApp(t)
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), "anna@example.pl")
	c := a.ownerClient()
	r := c.get(fmt.Sprintf("/users/%d/edit", u.ID))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `value="anna@example.pl"`) {
		t.Fatalf("edit form: %d", r.Status)
	}
	det, _ := a.db.GetUserDetails(context.Background(), ownerActor(t, a), u.ID)
	r = c.post(fmt.Sprintf("/users/%d", u.ID), url.Values{"email": {"anna@example.pl"}, "full_name": {"Anna Renamed"},
		"role_id": {fmt.Sprint(u.RoleID)}, "position_id": {fmt.Sprint(u.PositionID)},
		"sip_account_id": {fmt.Sprint(det.SIPAccountID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", r.Status, r.Body)
	}
	if r := c.get(r.Header.Get("Location")); !strings.Contains(r.Body, "Anna Renamed") || !strings.Contains(r.Body, det.Extension) {
		t.Fatal("details page lacks the change")
	}
	if r := c.get("/users/99999/edit"); r.Status != http.StatusNotFound {
		t.Fatalf("unknown user: %d", r.Status)
	}
}
