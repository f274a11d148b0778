package db_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// csvColumn is the CSV column the import reports a field's refusal under.
func csvColumn(field string) string {
	for _, f := range db.UserFields {
		if f.Name == field && f.CSV != "" {
			return f.CSV
		}
	}
	return "row"
}

// R-USER-13 (one rule set), R-SEC-1, R-SEC-2, R-USER-6: every refusal
// creating a user can give, given once through the user form (CreateUser)
// and once as a row of a CSV import (real and dry run, each row alone in
// a good file): the same messages, with the same data, under the CSV
// column of the form's field. The import checks rows in memory against
// sets read once per file (issue 15), so this is what keeps the two paths
// one.
func TestImportRefusesLikeTheForm(t *testing.T) {
	ctx := context.Background()
	d, owner, names := importSetup(t) // taken@example.pl has extension 1002
	staff, err := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := d.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	if err != nil {
		t.Fatal(err)
	}
	takenSIP := sipOf(t, d, owner, "taken@example.pl")
	off, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1003"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.SetSIPEnabled(ctx, owner, off.ID, false); err != nil {
		t.Fatal(err)
	}
	// A user manager whose role lacks sip.manage and the rest: the
	// administrator role is above them (R-SEC-2).
	role, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "User clerk",
		Permissions: []db.Permission{db.PermUsersManage}})
	if err != nil {
		t.Fatal(err)
	}
	dbtest.AddUser(t, d, owner, "clerk@example.pl", func(in *db.UserInput) { in.RoleID = role.ID })
	clerk := dbtest.Login(t, d, "clerk@example.pl", dbtest.OwnerPassword)

	header := "email,full_name,role,position,extension,work_phone,notify_email,groups\n"
	good := db.UserInput{FullName: "Ola Nowak", RoleID: staff, PositionID: names.Consultant}
	long := strings.Repeat("x", 201)
	cases := []struct {
		name  string
		actor db.Actor
		line  string // the row's fields after the e-mail
		edit  func(in *db.UserInput)
		want  []string // the CSV columns refused
	}{
		{"bad e-mail", owner, "Ola Nowak,Staff member,Consultant,1500,,,",
			func(in *db.UserInput) { in.Email, in.NewExtension = "not-an-email", "1500" }, []string{"email"}},
		{"e-mail taken", owner, "Ola Nowak,Staff member,Consultant,1500,,,",
			func(in *db.UserInput) { in.Email, in.NewExtension = "TAKEN@example.pl", "1500" }, []string{"email"}},
		{"bad notify e-mail", owner, "Ola Nowak,Staff member,Consultant,1500,,nope@,",
			func(in *db.UserInput) { in.NewExtension, in.NotifyEmail = "1500", "nope@" }, []string{"notify_email"}},
		{"name too long", owner, long + ",Staff member,Consultant,1500,,,",
			func(in *db.UserInput) { in.FullName, in.NewExtension = long, "1500" }, []string{"full_name"}},
		{"bad work phone", owner, "Ola Nowak,Staff member,Consultant,1500,call me,,",
			func(in *db.UserInput) { in.NewExtension, in.WorkPhone = "1500", "call me" }, []string{"work_phone"}},
		{"no position", owner, "Ola Nowak,Staff member,,1500,,,",
			func(in *db.UserInput) { in.NewExtension, in.PositionID = "1500", 0 }, []string{"position"}},
		{"no extension", owner, "Ola Nowak,Staff member,Consultant,,,,",
			func(in *db.UserInput) {}, []string{"extension"}},
		{"extension of letters", owner, "Ola Nowak,Staff member,Consultant,15a0,,,",
			func(in *db.UserInput) { in.NewExtension = "15a0" }, []string{"extension"}},
		{"extension against the pattern", owner, "Ola Nowak,Staff member,Consultant,1,,,",
			func(in *db.UserInput) { in.NewExtension = "1" }, []string{"extension"}},
		{"another user's extension", owner, "Ola Nowak,Staff member,Consultant,1002,,,",
			func(in *db.UserInput) { in.SIPAccountID = takenSIP }, []string{"extension"}},
		{"disabled extension", owner, "Ola Nowak,Staff member,Consultant,1003,,,",
			func(in *db.UserInput) { in.SIPAccountID = off.ID }, []string{"extension"}},
		{"a role above the actor's", clerk, "Ola Nowak,Administrator,Consultant,1500,,,",
			func(in *db.UserInput) { in.RoleID, in.NewExtension = admin, "1500" }, []string{"role"}},
		{"everything at once", owner, long + ",Staff member,,15a0,call me,nope@,",
			func(in *db.UserInput) {
				in.Email, in.FullName, in.PositionID, in.NewExtension, in.WorkPhone, in.NotifyEmail =
					"TAKEN@example.pl", long, 0, "15a0", "call me", "nope@"
			}, []string{"email", "extension", "full_name", "notify_email", "position", "work_phone"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := good
			in.Email = "new@example.pl"
			c.edit(&in)
			_, err := d.CreateUser(ctx, c.actor, in)
			e := db.AsError(err)
			if e == nil || len(e.Fields) == 0 {
				t.Fatalf("the form: %v", err)
			}
			form := map[string]db.Msg{}
			fields := make([]string, 0, len(e.Fields))
			for f := range e.Fields {
				fields = append(fields, f)
			}
			slices.Sort(fields)
			for _, f := range fields {
				if _, ok := form[csvColumn(f)]; !ok {
					form[csvColumn(f)] = e.Fields[f]
				}
			}
			line := in.Email + "," + c.line
			file := header + line + "\n"
			for _, dry := range []bool{true, false} {
				rep, err := d.ImportUsers(ctx, c.actor, parse(t, file), db.ImportOptions{DryRun: dry})
				if err != nil {
					t.Fatal(err)
				}
				got := rep.Rows[0]
				if got.Outcome != db.ImportRefused {
					t.Fatalf("dry %v: the import accepted what the form refused (%v)", dry, e.Fields)
				}
				if !reflect.DeepEqual(got.Errors, form) {
					t.Errorf("dry %v:\n import %v\n form   %v", dry, got.Errors, form)
				}
				cols := make([]string, 0, len(got.Errors))
				for col := range got.Errors {
					cols = append(cols, col)
				}
				slices.Sort(cols)
				if !slices.Equal(cols, c.want) {
					t.Errorf("dry %v: refused %v, want %v", dry, cols, c.want)
				}
			}
		})
	}
}

// R-USER-13: a row refused because an earlier row of the same file took
// what it asks for says so as the form says it of a saved user, across
// batches, and a dry run reports the same as a real run (issue 15: the
// import's checks see the rows accepted before, not only the database).
func TestImportLaterRowsSeeEarlierOnes(t *testing.T) {
	ctx := context.Background()
	file := "email,full_name,role,position,extension\n" +
		"a@example.pl,Ala A,Staff member,Consultant,1001\n" + // the free extension 1001
		"b@example.pl,Bob B,Staff member,Consultant,1400\n" +
		"c@example.pl,Cyd C,Staff member,Consultant,1001\n" + // given to line 2
		"d@example.pl,Dee D,Staff member,Consultant,1400\n" // created for line 3
	var reports []db.ImportReport
	for _, dry := range []bool{true, false} {
		d, owner, _ := importSetup(t)
		rep, err := d.ImportUsers(ctx, owner, parse(t, file), db.ImportOptions{DryRun: dry, BatchSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i := range rep.Rows {
			rep.Rows[i].Outcome, rep.Rows[i].UserID = strings.Replace(rep.Rows[i].Outcome, "would_create", "created", 1), 0
		}
		reports = append(reports, rep)
		c, dd := rep.Rows[2].Errors, rep.Rows[3].Errors
		if c["extension"].ID != "sip.assign.taken" || c["extension"].Data["User"] != "Ala A" {
			t.Errorf("dry %v: line 4: %v", dry, c)
		}
		if dd["extension"].ID != "sip.extension.taken" {
			t.Errorf("dry %v: line 5: %v", dry, dd)
		}
		if c["row"].ID != "csv.duplicate_extension" || dd["row"].ID != "csv.duplicate_extension" {
			t.Errorf("dry %v: duplicates: %v %v", dry, c, dd)
		}
	}
	if !reflect.DeepEqual(reports[0].Rows, reports[1].Rows) {
		t.Errorf("the dry run says\n%+v\na real run\n%+v", reports[0].Rows, reports[1].Rows)
	}
}

// sipOf is the id of the SIP account of the user with email.
func sipOf(t *testing.T, d *db.DB, a db.Actor, email string) int64 {
	t.Helper()
	u, ok := userByEmail(t, d, a, email)
	if !ok {
		t.Fatalf("no user %s", email)
	}
	det, err := d.GetUserDetails(context.Background(), a, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return det.SIPAccountID
}

// R-USER-13: what another admin saves while a file is imported (between
// its batches) is seen by the rows after it, with the form's messages,
// and the import goes on: each batch reads its rows' e-mails and
// extensions in its own transaction.
func TestImportSeesWritesBetweenBatches(t *testing.T) {
	ctx := context.Background()
	d, owner, names := importSetup(t)
	file := "email,full_name,role,position,extension\n" +
		"a@example.pl,Ala A,Staff member,Consultant,1401\n" +
		"b@example.pl,Bob B,Staff member,Consultant,1402\n" + // the other admin takes this e-mail
		"c@example.pl,Cyd C,Staff member,Consultant,1403\n" // and this extension
	other := func(done, _ int) {
		if done != 1 {
			return
		}
		dbtest.AddUser(t, d, owner, "B@example.pl", func(in *db.UserInput) {
			in.PositionID, in.NewExtension = names.Consultant, "1403"
		})
	}
	rep, err := d.ImportUsers(ctx, owner, parse(t, file), db.ImportOptions{BatchSize: 1, Progress: other})
	if err != nil {
		t.Fatalf("the import stopped: %v", err)
	}
	got := []string{rep.Rows[0].Outcome, rep.Rows[1].Errors["email"].ID, rep.Rows[2].Errors["extension"].ID}
	if !slices.Equal(got, []string{db.ImportCreated, "user.email_taken", "sip.extension.taken"}) {
		t.Errorf("rows: %v (%+v)", got, rep.Rows)
	}
}
