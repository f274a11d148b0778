package db_test

import (
	"context"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// userWithRole adds a user and moves them to a role, returning their
// signed-in Actor.
func userWithRole(t *testing.T, d *db.DB, owner db.Actor, email string, roleID int64) (db.User, db.Actor) {
	t.Helper()
	u := dbtest.AddUser(t, d, owner, email)
	if err := d.SetUserRole(context.Background(), owner, u.ID, roleID); err != nil {
		t.Fatal(err)
	}
	return u, dbtest.Login(t, d, email, dbtest.OwnerPassword)
}

func mustRole(t *testing.T, d *db.DB, owner db.Actor, name string, perms ...db.Permission) db.Role {
	t.Helper()
	r, err := d.CreateRole(context.Background(), owner, db.RoleInput{Name: name, Permissions: perms})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fieldErr(t *testing.T, err error, field string) {
	t.Helper()
	e := db.AsError(err)
	if e == nil || e.Code != db.EINVALID || e.Fields[field].ID == "" {
		t.Fatalf("want EINVALID on %s, got %v", field, err)
	}
}

// conflictErr asserts a taken value: ECONFLICT naming the field (R-API-1).
func conflictErr(t *testing.T, err error, field string) {
	t.Helper()
	e := db.AsError(err)
	if e == nil || e.Code != db.ECONFLICT || e.Fields[field].ID == "" {
		t.Fatalf("want ECONFLICT on %s, got %v", field, err)
	}
}

func roleCount(t *testing.T, d *db.DB, owner db.Actor) int {
	t.Helper()
	p, err := d.ListRoles(context.Background(), owner, db.RoleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// R-ROLE-1: the catalogue is fixed and documented; a role holds a name, a
// description and permissions from it, and nothing else.
func TestRoleCatalogue(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	for _, key := range []db.Permission{"users.view", "users.manage", "users.block", "users.delete",
		"users.impersonate", "groups.manage", "sip.manage", "numbers.manage", "accounts.manage",
		"licenses.manage", "audit.view", "settings.manage"} {
		if !db.KnownPermission(key) {
			t.Errorf("catalogue lacks %s", key)
		}
	}
	for _, p := range db.Catalogue {
		if p.Label != "perm."+string(p.Key)+".label" || p.Help != "perm."+string(p.Key)+".help" || p.Area == "" {
			t.Errorf("undocumented permission %+v", p)
		}
	}
	t.Run("OK", func(t *testing.T) {
		r, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "  Helpdesk ", Description: "First line",
			Permissions: []db.Permission{db.PermUsersBlock, db.PermUsersView, db.PermUsersView}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Name != "Helpdesk" || r.Description != "First line" || len(r.Permissions) != 2 ||
			r.Permissions[0] != db.PermUsersView || r.Builtin || r.Kind != db.RoleCustom {
			t.Fatalf("role = %+v", r)
		}
	})
	t.Run("ErrUnknownPermission", func(t *testing.T) {
		before := roleCount(t, d, owner)
		_, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "Bad", Permissions: []db.Permission{"users.view", "root.everything"}})
		fieldErr(t, err, "permissions")
		if e := db.AsError(err); !strings.Contains(e.Fields["permissions"].Data["List"].(string), "root.everything") {
			t.Errorf("message does not name the key: %+v", e.Fields["permissions"])
		}
		if roleCount(t, d, owner) != before {
			t.Fatal("a refused role was written")
		}
	})
	t.Run("ErrBadName", func(t *testing.T) {
		before := roleCount(t, d, owner)
		fieldErr(t, func() error { _, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "  "}); return err }(), "name")
		fieldErr(t, func() error {
			_, err := d.CreateRole(ctx, owner, db.RoleInput{Name: strings.Repeat("x", 200)})
			return err
		}(), "name")
		fieldErr(t, func() error {
			_, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "Long", Description: strings.Repeat("d", 501)})
			return err
		}(), "description")
		conflictErr(t, func() error { _, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "HELPDESK"}); return err }(), "name")
		if roleCount(t, d, owner) != before {
			t.Fatal("a refused role was written")
		}
	})
}

// R-ROLE-2: the wizard checks each step where it is typed, and picking
// users moves them out of their previous role.
func TestRoleWizard(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	staffID, _ := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	anna := dbtest.AddUser(t, d, owner, "anna@example.pl")
	bob := dbtest.AddUser(t, d, owner, "bob@example.pl")

	t.Run("StepChecks", func(t *testing.T) {
		fieldErr(t, d.CheckRoleStep(ctx, owner, db.RoleInput{}, db.RoleStepDetails), "name")
		if err := d.CheckRoleStep(ctx, owner, db.RoleInput{Name: "Sales", Permissions: []db.Permission{"nope"}}, db.RoleStepDetails); err != nil {
			t.Fatalf("step 1 judged step 2's field: %v", err)
		}
		fieldErr(t, d.CheckRoleStep(ctx, owner, db.RoleInput{Name: "Sales", Permissions: []db.Permission{"nope"}}, db.RoleStepPermissions), "permissions")
		fieldErr(t, d.CheckRoleStep(ctx, owner, db.RoleInput{Name: "Sales", UserIDs: []int64{99999}}, db.RoleStepUsers), "user_ids")
		fieldErr(t, d.CheckRoleStep(ctx, owner, db.RoleInput{Name: "Sales", UserIDs: []int64{owner.UserID}}, db.RoleStepUsers), "user_ids")
	})
	t.Run("OK", func(t *testing.T) {
		cands, err := d.RoleCandidates(ctx, owner, db.UserFilter{Q: "anna"})
		if err != nil || cands.Total != 1 || cands.Items[0].RoleID != staffID || cands.Items[0].RoleName != "Staff member" {
			t.Fatalf("candidates = %+v, %v", cands, err)
		}
		r, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "Sales", Permissions: []db.Permission{db.PermUsersView},
			UserIDs: []int64{anna.ID, bob.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if r.UserCount != 2 {
			t.Fatalf("user count %d", r.UserCount)
		}
		staff, _ := d.GetRole(ctx, owner, staffID)
		if staff.UserCount != 0 {
			t.Fatalf("users were not moved out of Staff member: %d left", staff.UserCount)
		}
		a := dbtest.Login(t, d, "anna@example.pl", dbtest.OwnerPassword)
		if a.RoleID != r.ID || !a.Can(db.PermUsersView) || a.Can(db.PermUsersManage) {
			t.Fatalf("anna acts with %+v", a)
		}
	})
	t.Run("ErrOwnerPicked", func(t *testing.T) {
		before := roleCount(t, d, owner)
		_, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "Mine", UserIDs: []int64{owner.UserID}})
		fieldErr(t, err, "user_ids")
		if roleCount(t, d, owner) != before {
			t.Fatal("half a role was written")
		}
	})
}

// R-ROLE-3: only the owner creates, edits or deletes roles; others with
// users.view see them, others still see nothing.
func TestRolesOwnerOnly(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	adminID, _ := d.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	_, admin := userWithRole(t, d, owner, "admin@example.pl", adminID)
	dbtest.AddUser(t, d, owner, "staff@example.pl")
	staff := dbtest.Login(t, d, "staff@example.pl", dbtest.OwnerPassword)
	r := mustRole(t, d, owner, "Support")

	if _, err := d.CreateRole(ctx, admin, db.RoleInput{Name: "Mine"}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("admin created a role: %v", err)
	}
	name := "Renamed"
	if _, err := d.UpdateRole(ctx, admin, r.ID, db.RolePatch{Name: &name}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("admin edited a role: %v", err)
	}
	if err := d.DeleteRole(ctx, admin, r.ID); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("admin deleted a role: %v", err)
	}
	if err := d.CheckRoleStep(ctx, admin, db.RoleInput{Name: "x"}, db.RoleStepDetails); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("admin used the wizard: %v", err)
	}
	if p, err := d.ListRoles(ctx, admin, db.RoleFilter{}); err != nil || p.Total != 3 {
		t.Errorf("admin cannot read roles: %v", err)
	}
	if _, err := d.ListRoles(ctx, staff, db.RoleFilter{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("staff read roles: %v", err)
	}
}

// R-ROLE-4: a role in use is not deleted, and the refusal says how many
// users hold it.
func TestDeleteRole(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	staffID, _ := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	r := mustRole(t, d, owner, "Sales", db.PermUsersView)
	a, _ := userWithRole(t, d, owner, "a@example.pl", r.ID)
	b, _ := userWithRole(t, d, owner, "b@example.pl", r.ID)

	t.Run("ErrRoleInUse", func(t *testing.T) {
		err := d.DeleteRole(ctx, owner, r.ID)
		e := db.AsError(err)
		if e == nil || e.Code != db.ECONFLICT || e.Msg.ID != "role.in_use" || e.Msg.Count != 2 {
			t.Fatalf("err = %#v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		for _, u := range []db.User{a, b} {
			if err := d.SetUserRole(ctx, owner, u.ID, staffID); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.DeleteRole(ctx, owner, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.GetRole(ctx, owner, r.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("deleted role still there: %v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if err := d.DeleteRole(ctx, owner, 4242); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatal(err)
		}
	})
}

// R-ROLE-5: a role's details are its permissions and its users.
func TestRoleDetails(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	r := mustRole(t, d, owner, "Telephony", db.PermSIPManage, db.PermNumbersManage)
	u, _ := userWithRole(t, d, owner, "tel@example.pl", r.ID)
	got, err := d.GetRole(ctx, owner, r.ID)
	if err != nil || !got.Has(db.PermSIPManage) || !got.Has(db.PermNumbersManage) || got.Has(db.PermUsersView) {
		t.Fatalf("role = %+v, %v", got, err)
	}
	holders, err := d.RoleHolders(ctx, owner, r.ID, db.UserFilter{})
	if err != nil || holders.Total != 1 || holders.Items[0].ID != u.ID {
		t.Fatalf("holders = %+v, %v", holders, err)
	}
	if p, _ := d.RoleHolders(ctx, owner, r.ID, db.UserFilter{Q: "nobody"}); p.Total != 0 {
		t.Fatalf("search found %d", p.Total)
	}
}

// R-ROLE-6: Administrator and Staff member always exist, cannot be deleted,
// keep their permissions; the owner never leaves Administrator.
func TestBuiltinRoles(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	adminID, err1 := d.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	staffID, err2 := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	admin, _ := d.GetRole(ctx, owner, adminID)
	if len(admin.Permissions) != len(db.Catalogue) {
		t.Fatalf("Administrator holds %v", admin.Permissions)
	}
	for _, id := range []int64{adminID, staffID} {
		err := d.DeleteRole(ctx, owner, id)
		if e := db.AsError(err); e == nil || e.Code != db.ECONFLICT || e.Msg.ID != "role.builtin_delete" {
			t.Errorf("built-in role %d deleted: %v", id, err)
		}
	}
	fewer := []db.Permission{db.PermUsersView}
	_, err := d.UpdateRole(ctx, owner, adminID, db.RolePatch{Permissions: &fewer})
	fieldErr(t, err, "permissions")
	_, err = d.UpdateRole(ctx, owner, staffID, db.RolePatch{Permissions: &fewer})
	fieldErr(t, err, "permissions")
	name, desc := "Administrator (all)", "Runs the office"
	if r, err := d.UpdateRole(ctx, owner, adminID, db.RolePatch{Name: &name, Description: &desc}); err != nil ||
		r.Name != name || len(r.Permissions) != len(db.Catalogue) {
		t.Fatalf("renaming Administrator: %+v %v", r, err)
	}
	if err := d.SetUserRole(ctx, owner, owner.UserID, staffID); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("the owner left Administrator: %v", err)
	}
	if a := dbtest.Login(t, d, "owner@example.pl", dbtest.OwnerPassword); a.RoleID != adminID {
		t.Fatal("owner's role changed")
	}
}

// R-ROLE-2, R-USER-14: moving users between roles; a manager who is not
// the owner never hands out or takes away more than their own rights.
func TestSetUserRole(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	adminID, _ := d.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	staffID, _ := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	hr := mustRole(t, d, owner, "HR", db.PermUsersView, db.PermUsersManage)
	viewer := mustRole(t, d, owner, "Viewer", db.PermUsersView)
	mgr, mgrActor := userWithRole(t, d, owner, "hr@example.pl", hr.ID)
	u := dbtest.AddUser(t, d, owner, "u@example.pl")
	boss, _ := userWithRole(t, d, owner, "boss@example.pl", adminID)

	t.Run("OK", func(t *testing.T) {
		if err := d.SetUserRole(ctx, mgrActor, u.ID, viewer.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrAboveOwnRights", func(t *testing.T) {
		if err := d.SetUserRole(ctx, mgrActor, u.ID, adminID); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Errorf("manager handed out Administrator: %v", err)
		}
		if err := d.SetUserRole(ctx, mgrActor, boss.ID, staffID); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Errorf("manager demoted an administrator: %v", err)
		}
		if err := d.SetUserRole(ctx, mgrActor, mgr.ID, viewer.ID); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Errorf("manager changed their own role: %v", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		fieldErr(t, d.SetUserRole(ctx, owner, u.ID, 9999), "role_id")
		if err := d.SetUserRole(ctx, owner, 9999, staffID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Errorf("unknown user: %v", err)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		staff := dbtest.Login(t, d, "u@example.pl", dbtest.OwnerPassword)
		if err := d.SetUserRole(ctx, staff, mgr.ID, staffID); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Errorf("a viewer moved a user: %v", err)
		}
	})
}

// R-ROLE-7: permissions are read on every request, so a permission taken
// away acts on the holder's very next request, through the session and
// through an API token alike.
func TestPermissionRemovedActsAtOnce(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	r := mustRole(t, d, owner, "Organiser", db.PermGroupsManage)
	userWithRole(t, d, owner, "org@example.pl", r.ID)
	login, err := d.Login(ctx, db.LoginInput{Email: "org@example.pl", Password: dbtest.OwnerPassword})
	sid := login.Session
	if err != nil {
		t.Fatal(err)
	}
	token, err := d.CreateAPIToken(ctx, db.System(), "org@example.pl", db.TokenInput{Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	viaSession := func() db.Actor {
		a, err := d.SessionActor(ctx, sid, "")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	viaToken := func() db.Actor {
		a, err := d.TokenActor(ctx, token, "")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for i, actor := range []func() db.Actor{viaSession, viaToken} {
		if _, err := d.CreateGroup(ctx, actor(), db.GroupInput{Name: "Before " + string(rune('A'+i))}); err != nil {
			t.Fatalf("with groups.manage: %v", err)
		}
	}
	none := []db.Permission{}
	if _, err := d.UpdateRole(ctx, owner, r.ID, db.RolePatch{Permissions: &none}); err != nil {
		t.Fatal(err)
	}
	for _, actor := range []func() db.Actor{viaSession, viaToken} {
		if _, err := d.CreateGroup(ctx, actor(), db.GroupInput{Name: "After"}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("permission still acted after removal: %v", err)
		}
	}
}
