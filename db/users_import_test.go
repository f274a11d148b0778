package db_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// importFile is a file with good and bad rows; its comments say what each
// line holds (line 1 is the header).
const importFile = "email,full_name,role,position,groups,extension,caller_id,sms_sender,send_invite,work_phone,notify_email\r\n" +
	"ala@example.pl,Ala Kowalska,Staff member,Consultant,Foreign branches / France; Sales,1001,22 123 45 67,Kadra,yes,+48 600 100 200,ala.home@example.pl\r\n" + // 2: good, free extension, the number typed nationally (issue 11)
	"bob@example.pl,Bob Nowak,administrator,manager,,1100,,,no,,\r\n" + // 3: good, new extension, names in any case
	"cyd@example.pl,Cyd,Boss,Consultant,,1101,,,,,\r\n" + // 4: unknown role
	"not-an-email,Dee,Staff member,Consultant,,1102,,,,,\r\n" + // 5: bad e-mail
	"ALA@example.pl,Ala Again,Staff member,Consultant,,1103,,,,,\r\n" + // 6: duplicate of line 2
	"eve@example.pl,Eve,Staff member,Consultant,,1002,,,,,\r\n" + // 7: extension of another user
	"fay@example.pl,Fay,Staff member,Consultant,Nowhere / Else,1104,,,,,\r\n" + // 8: unknown group
	"gus@example.pl,Gus,Staff member,Consultant,,1105,+48 99 999 99 99,Nope,maybe,,\r\n" + // 9: unknown number and sender, bad bool
	"owner@example.pl,Again,Staff member,Consultant,,1106,,,,,\r\n" // 10: e-mail taken in the database

func importSetup(t *testing.T) (*db.DB, db.Actor, dbtest.Names) {
	t.Helper()
	d, owner := dbtest.Setup(t)
	names := dbtest.CSVNames(t, d, owner)
	dbtest.AddUser(t, d, owner, "taken@example.pl", func(in *db.UserInput) {
		in.PositionID, in.NewExtension = names.Consultant, "1002" // line 7 of importFile asks for 1002
	})
	return d, owner, names
}

func parse(t *testing.T, s string) []db.UserCSVRow {
	t.Helper()
	rows, err := db.ParseUsersCSV(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return rows
}

// counts is what an import may write, to prove what it did not.
func counts(t *testing.T, d *db.DB) map[string]int {
	t.Helper()
	r := rawDB(t, d)
	out := map[string]int{}
	for _, table := range []string{"users", "sip_accounts", "group_members", "audit_log", "outbox", "tokens", "seat_history"} {
		var n int
		if err := r.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func userByEmail(t *testing.T, d *db.DB, a db.Actor, email string) (db.UserRow, bool) {
	t.Helper()
	p, err := d.ListUsers(context.Background(), a, db.UserFilter{Q: email})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range p.Items {
		if strings.EqualFold(u.Email, email) {
			return u, true
		}
	}
	return db.UserRow{}, false
}

// R-USER-13, R-SEC-1: a file with good and bad rows saves the good ones
// whole and reports each bad one at its line with a message per column;
// a bad row leaves nothing of itself (no user, no extension, no group).
func TestImportUsers(t *testing.T) {
	ctx := context.Background()
	d, owner, names := importSetup(t)
	before := counts(t, d)
	rep, err := d.ImportUsers(ctx, owner, parse(t, importFile), db.ImportOptions{BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 9 || rep.Created != 2 || rep.Refused != 7 || len(rep.Rows) != 9 {
		t.Fatalf("report = %d rows, %d created, %d refused", rep.Total, rep.Created, rep.Refused)
	}
	want := map[int]map[string]string{ // line -> column -> message id
		2:  nil,
		3:  nil,
		4:  {"role": "csv.unknown_role"},
		5:  {"email": "error.email"},
		6:  {"row": "csv.duplicate_email"},
		7:  {"extension": "sip.assign.taken"},
		8:  {"groups": "csv.unknown_groups"},
		9:  {"caller_id": "csv.unknown_number", "sms_sender": "csv.unknown_sender", "send_invite": "csv.bad_bool"},
		10: {"email": "user.email_taken"},
	}
	for _, r := range rep.Rows {
		w, ok := want[r.Line]
		if !ok {
			t.Errorf("line %d reported", r.Line)
			continue
		}
		if w == nil {
			if r.Outcome != db.ImportCreated || r.UserID == 0 || len(r.Errors) != 0 {
				t.Errorf("line %d: %+v", r.Line, r)
			}
			continue
		}
		if r.Outcome != db.ImportRefused || r.UserID != 0 {
			t.Errorf("line %d: outcome %s", r.Line, r.Outcome)
		}
		for col, id := range w {
			if r.Errors[col].ID != id {
				t.Errorf("line %d %s: %q, want %q (all: %v)", r.Line, col, r.Errors[col].ID, id, r.Errors)
			}
		}
	}

	t.Run("OK", func(t *testing.T) {
		u, ok := userByEmail(t, d, owner, "ala@example.pl")
		if !ok {
			t.Fatal("ala not saved")
		}
		if u.Status != db.StatusInvited || u.Position != "Consultant" || u.RoleName != "Staff member" ||
			u.SIPAccountID != names.FreeSIP || u.CallNumberID != names.Number || u.SMSSenderID != names.Sender ||
			u.WorkPhone != "+48600100200" || u.NotifyEmail != "ala.home@example.pl" {
			t.Fatalf("ala = %+v", u)
		}
		groups, _ := d.UserGroupIDs(ctx, owner, u.ID)
		if !slices.Equal(groups, []int64{names.France, names.Sales}) {
			t.Fatalf("ala's groups = %v", groups)
		}
		b, ok := userByEmail(t, d, owner, "bob@example.pl")
		if !ok || b.Status != db.StatusInactive || b.Extension != "1100" || b.RoleName != "Administrator" || b.Position != "Manager" {
			t.Fatalf("bob = %+v", b)
		}
	})
	t.Run("NothingPartial", func(t *testing.T) {
		after := counts(t, d)
		if after["users"] != before["users"]+2 || after["sip_accounts"] != before["sip_accounts"]+1 ||
			after["group_members"] != before["group_members"]+2 || after["outbox"] != before["outbox"]+1 {
			t.Fatalf("before %v, after %v", before, after)
		}
		r := rawDB(t, d)
		for _, ext := range []string{"1101", "1102", "1103", "1104", "1105", "1106"} {
			var n int
			if err := r.QueryRow("SELECT count(*) FROM sip_accounts WHERE extension = ?", ext).Scan(&n); err != nil || n != 0 {
				t.Errorf("extension %s of a refused row exists (%d, %v)", ext, n, err)
			}
		}
		for _, email := range []string{"cyd@example.pl", "eve@example.pl", "fay@example.pl", "gus@example.pl"} {
			if _, ok := userByEmail(t, d, owner, email); ok {
				t.Errorf("%s of a refused row saved", email)
			}
		}
	})
	t.Run("Audited", func(t *testing.T) {
		var n int
		if err := rawDB(t, d).QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'user.import'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("import audit rows = %d, %v", n, err)
		}
	})
}

// R-USER-13: a dry run checks every row as the import would and writes
// nothing at all.
func TestImportUsersDryRun(t *testing.T) {
	ctx := context.Background()
	d, owner, _ := importSetup(t)
	before := counts(t, d)
	var progress []int
	rep, err := d.ImportUsers(ctx, owner, parse(t, importFile), db.ImportOptions{DryRun: true, BatchSize: 4,
		Progress: func(done, total int) { progress = append(progress, done) }})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.DryRun || rep.Created != 2 || rep.Refused != 7 {
		t.Fatalf("report: %d would be created, %d refused", rep.Created, rep.Refused)
	}
	if rep.Rows[0].Outcome != db.ImportWouldCreate || rep.Rows[5].Errors["extension"].ID != "sip.assign.taken" || rep.Rows[0].UserID != 0 {
		t.Fatalf("rows = %+v", rep.Rows[:5])
	}
	if after := counts(t, d); !mapsEqual(before, after) {
		t.Fatalf("dry run wrote: before %v, after %v", before, after)
	}
	if !slices.Equal(progress, []int{4, 8, 9}) {
		t.Fatalf("progress = %v", progress)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// R-USER-13: the same e-mail or extension twice in one file refuses the
// later line, within a batch and across batches, in a dry run too.
func TestImportUsersDuplicates(t *testing.T) {
	ctx := context.Background()
	file := "email,full_name,role,position,extension\n" +
		"a@example.pl,A,Staff member,Consultant,1200\n" +
		"b@example.pl,B,Staff member,Consultant,1200\n" +
		"A@EXAMPLE.PL,A2,Staff member,Consultant,1201\n"
	for _, dry := range []bool{false, true} {
		for _, batch := range []int{1, 10} {
			d, owner, _ := importSetup(t)
			rep, err := d.ImportUsers(ctx, owner, parse(t, file), db.ImportOptions{DryRun: dry, BatchSize: batch})
			if err != nil {
				t.Fatal(err)
			}
			got := []string{rep.Rows[0].Outcome, rep.Rows[1].Errors["row"].ID, rep.Rows[2].Errors["row"].ID}
			first := db.ImportCreated
			if dry {
				first = db.ImportWouldCreate
			}
			if !slices.Equal(got, []string{first, "csv.duplicate_extension", "csv.duplicate_email"}) {
				t.Errorf("dry %v batch %d: %v", dry, batch, got)
			}
			if line := rep.Rows[2].Errors["row"].Data["Line"]; line != 2 {
				t.Errorf("duplicate names line %v, want 2", line)
			}
		}
	}
}

// R-USER-13, R-USER-15: importing needs users.manage.
func TestImportUsersForbidden(t *testing.T) {
	ctx := context.Background()
	d, owner, _ := importSetup(t)
	dbtest.AddUser(t, d, owner, "staff@example.pl")
	staff := dbtest.Login(t, d, "staff@example.pl", dbtest.OwnerPassword)
	rows := parse(t, "email,full_name,role,position,extension\nx@example.pl,X,Staff member,Consultant,1300\n")
	if _, err := d.ImportUsers(ctx, staff, rows, db.ImportOptions{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("staff imported: %v", err)
	}
	if err := d.ExportUsers(ctx, staff, db.UserFilter{}, &bytes.Buffer{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("staff exported: %v", err)
	}
}

// R-USER-13: an exported file (all matching users, not one page) imports
// back unchanged into another database with the same names: exporting the
// imported users gives the same file.
func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, owner, _ := importSetup(t)
	var rows strings.Builder
	rows.WriteString("email,full_name,role,position,groups,extension,caller_id,sms_sender,send_invite,work_phone,notify_email\n")
	rows.WriteString("ala@example.pl,Ala Kowalska,Staff member,Consultant,Foreign branches / France; Sales,1001,+48221234567,Kadra,true,+48 600 100 200,ala.home@example.pl\n")
	rows.WriteString("\"=cmd|' /C calc'!A0\",Formula,Staff member,Consultant,,1400,,,false,,\n") // refused: not an e-mail
	rows.WriteString("zed@example.pl,\"=HYPERLINK(\"\"http://x\"\")\",Staff member,Manager,Foreign branches,1401,,,false,,\n")
	for i := range 120 { // more than a page of the list
		rows.WriteString(strings.Join([]string{
			"user" + strconv.Itoa(i) + "@example.pl", "Łucja Źdźbło " + strconv.Itoa(i), "Staff member", "Employee", "Sales", strconv.Itoa(3000 + i),
			"", "", "true", "", ""}, ",") + "\n")
	}
	rep, err := src.ImportUsers(ctx, owner, parse(t, rows.String()), db.ImportOptions{})
	if err != nil || rep.Created != 122 {
		t.Fatalf("import: %d created, %v; %+v", rep.Created, err, rep.Rows[1])
	}
	var first bytes.Buffer
	if err := src.ExportUsers(ctx, owner, db.UserFilter{Sort: "email"}, &first); err != nil {
		t.Fatal(err)
	}
	out := first.String()
	if !strings.HasPrefix(out, "\ufeffemail,notify_email,full_name,work_phone,role,position,groups,extension,caller_id,sms_sender,send_invite\r\n") {
		t.Fatalf("header: %q", out[:120])
	}
	if !strings.Contains(out, "zed@example.pl,,\"'=HYPERLINK(\"\"http://x\"\")\",") {
		t.Fatalf("a formula is not escaped:\n%s", out)
	}
	if n := strings.Count(out, "\r\n"); n != 1+1+1+122 { // header, owner, taken, imported
		t.Fatalf("exported %d lines", n)
	}

	dst, dstOwner, _ := importSetup(t)
	rep, err = dst.ImportUsers(ctx, dstOwner, parse(t, out), db.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The owner and the taken user exist there already: only they are refused.
	if rep.Created != 122 || rep.Refused != 2 {
		t.Fatalf("re-import: %d created, %d refused", rep.Created, rep.Refused)
	}
	var second bytes.Buffer
	if err := dst.ExportUsers(ctx, dstOwner, db.UserFilter{Sort: "email"}, &second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Fatalf("round trip differs:\n%s\n---\n%s", first.String(), second.String())
	}

	t.Run("Filtered", func(t *testing.T) {
		var b bytes.Buffer
		if err := dst.ExportUsers(ctx, dstOwner, db.UserFilter{Q: "zed", PerPage: 1, Page: 3}, &b); err != nil {
			t.Fatal(err)
		}
		if lines := strings.Split(strings.TrimSpace(b.String()), "\r\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "zed@") {
			t.Fatalf("filtered export: %q", b.String())
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		var b bytes.Buffer
		err := dst.ExportUsers(ctx, dstOwner, db.UserFilter{Sort: "password"}, &b)
		if db.ErrorCode(err) != db.EINVALID || b.Len() != 0 {
			t.Fatalf("bad sort: %v, wrote %d bytes", err, b.Len())
		}
	})
}
