package db_test

import (
	"bytes"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-I18N-1: built-in roles and positions are named in the viewer's
// language until an admin renames them; a renamed one keeps its name.
func TestBuiltinNamesFollowTheViewer(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := t.Context()
	pl, en := owner, owner
	pl.Lang, en.Lang = "pl", "en"

	names := func(a db.Actor) (roles map[string]string, tree []string) {
		t.Helper()
		rs, err := d.RoleOptions(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		roles = map[string]string{}
		for _, r := range rs {
			roles[r.Kind] = r.Name + " / " + r.Description
		}
		gs, err := d.GroupOptions(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			tree = append(tree, g.Path)
		}
		return roles, tree
	}
	roles, tree := names(pl)
	if roles[db.BuiltinAdministrator] != "Administrator / Wszystkie uprawnienia." ||
		roles[db.BuiltinStaff] != "Pracownik / Loguje się i widzi własny profil." {
		t.Errorf("Polish roles = %v", roles)
	}
	if strings.Join(tree, "|") != "Stanowisko|Stanowisko › Pracownik" {
		t.Errorf("Polish tree = %v", tree)
	}
	roles, tree = names(en)
	if roles[db.BuiltinAdministrator] != "Administrator / Every permission." ||
		roles[db.BuiltinStaff] != "Staff member / Signs in and sees their own profile." {
		t.Errorf("English roles = %v", roles)
	}
	if strings.Join(tree, "|") != "Position|Position › Employee" {
		t.Errorf("English tree = %v", tree)
	}

	// The user list, its CSV export and the role pages read the same names.
	dbtest.AddUser(t, d, owner, "anna@example.pl")
	list, err := d.ListUsers(ctx, pl, db.UserFilter{Q: "anna"})
	if err != nil || len(list.Items) != 1 || list.Items[0].RoleName != "Pracownik" || list.Items[0].Position != "Pracownik" {
		t.Errorf("Polish user list = %+v, %v", list.Items, err)
	}
	var csv bytes.Buffer
	if err := d.ExportUsers(ctx, pl, db.UserFilter{Q: "anna"}, &csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), ",Pracownik,Pracownik,") {
		t.Errorf("Polish export = %q", csv.String())
	}

	staff := roleOf(t, d, pl, db.BuiltinStaff)
	t.Run("SavedUnchangedStaysBuiltin", func(t *testing.T) {
		// The form sends back the name it showed, in either language.
		for _, a := range []db.Actor{pl, en} {
			r, err := d.GetRole(ctx, a, staff.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.UpdateRole(ctx, a, staff.ID, db.RolePatch{Name: &r.Name, Description: &r.Description}); err != nil {
				t.Fatal(err)
			}
		}
		if r, _ := d.GetRole(ctx, en, staff.ID); r.Name != "Staff member" {
			t.Errorf("after saving unchanged, English name = %q", r.Name)
		}
	})
	t.Run("ErrNameOfABuiltinInAnyLanguage", func(t *testing.T) {
		for _, name := range []string{"pracownik", "Staff member"} {
			_, err := d.CreateRole(ctx, pl, db.RoleInput{Name: name})
			if e := db.AsError(err); e == nil || e.Fields["name"].ID != "role.name_taken" {
				t.Errorf("a new role %q: %v", name, err)
			}
		}
		root := rootOf(t, d, pl)
		_, err := d.CreateGroup(ctx, pl, db.GroupInput{Name: "Employee", ParentID: root})
		if e := db.AsError(err); e == nil || e.Fields["name"].ID != "group.name_taken" {
			t.Errorf("a new position Employee: %v", err)
		}
	})
	t.Run("RenamedKeepsItsName", func(t *testing.T) {
		name, desc := "Biuro", "Pracownicy biura."
		if _, err := d.UpdateRole(ctx, pl, staff.ID, db.RolePatch{Name: &name, Description: &desc}); err != nil {
			t.Fatal(err)
		}
		first, err := d.DefaultPositionID(ctx, pl)
		if err != nil {
			t.Fatal(err)
		}
		pos := "Konsultant"
		if _, err := d.UpdateGroup(ctx, pl, first, db.GroupPatch{Name: &pos}); err != nil {
			t.Fatal(err)
		}
		for _, a := range []db.Actor{pl, en} {
			r, _ := d.GetRole(ctx, a, staff.ID)
			g, _ := d.GetGroup(ctx, a, first)
			if r.Name != name || r.Description != desc || g.Name != pos {
				t.Errorf("%s reads %q %q %q", a.Lang, r.Name, r.Description, g.Name)
			}
		}
	})
}

func roleOf(t *testing.T, d *db.DB, a db.Actor, kind string) db.Role {
	t.Helper()
	rs, err := d.RoleOptions(t.Context(), a)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Kind == kind {
			return r
		}
	}
	t.Fatalf("no role %s", kind)
	return db.Role{}
}

func rootOf(t *testing.T, d *db.DB, a db.Actor) int64 {
	t.Helper()
	gs, err := d.GroupOptions(t.Context(), a)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.Builtin {
			return g.ID
		}
	}
	t.Fatal("no Position root")
	return 0
}

// R-I18N-1: a CSV file names the built-in role and position in Polish or in
// English alike.
func TestImportReadsBuiltinNamesInEveryLanguage(t *testing.T) {
	d, owner := dbtest.Setup(t)
	pl := owner
	pl.Lang = "pl"
	rows := []db.UserCSVRow{}
	for i, rp := range [][2]string{{"Pracownik", "Pracownik"}, {"staff member", "employee"}, {"ADMINISTRATOR", "Pracownik"}} {
		rows = append(rows, db.UserCSVRow{Line: i + 2, Fields: map[string]string{"email": "u" + string(rune('a'+i)) + "@example.pl",
			"full_name": "U", "role": rp[0], "position": rp[1], "extension": dbtest.Extension()}})
	}
	rep, err := d.ImportUsers(t.Context(), pl, rows, db.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Refused != 0 || rep.Created != 3 {
		for _, r := range rep.Rows {
			t.Log(r)
		}
		t.Errorf("report = %+v", rep)
	}
}
