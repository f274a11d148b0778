package db_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"kadra/db"
	"kadra/db/dbtest"
)

// fileErr returns the message ID of a refusal of the whole file.
func fileErr(err error) string {
	if e := db.AsError(err); e != nil && e.Code == db.EINVALID {
		return e.Fields["file"].ID
	}
	return ""
}

// R-USER-13: the parser reads what spreadsheets write (a BOM, ";" from a
// Polish Excel, CRLF, quoted fields, columns in any order) and refuses
// what it cannot use with a message that names the problem.
func TestParseUsersCSV(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		in := "\ufeffFull_Name;Email;role;position;extension\r\n" +
			"\"Kowalska; Ala\";ala@example.pl;Staff member;Consultant;1001\r\n" +
			";;;;\r\n" + // blank: skipped
			"\r\n" +
			"\"Bob\r\nNowak\";bob@example.pl;Staff member;Consultant;'=1002\r\n"
		rows, err := db.ParseUsersCSV(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 5 {
			t.Fatalf("rows = %+v", rows)
		}
		if rows[0].Get("full_name") != "Kowalska; Ala" || rows[0].Get("email") != "ala@example.pl" || rows[0].Get("groups") != "" {
			t.Fatalf("row 2 = %v", rows[0].Fields)
		}
		if rows[1].Get("full_name") != "Bob\nNowak" || rows[1].Get("extension") != "=1002" {
			t.Fatalf("row 5 = %v", rows[1].Fields)
		}
	})
	t.Run("RowErrors", func(t *testing.T) {
		in := "email,full_name,role,position,extension\n" +
			"a@example.pl,A,Staff member\n" +
			"b@example.pl," + strings.Repeat("x", db.CSVMaxFieldLen+1) + ",Staff member,Consultant,1001\n"
		rows, err := db.ParseUsersCSV(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if rows[0].Errors["row"].ID != "csv.field_count" || rows[1].Errors["full_name"].ID != "error.too_long" {
			t.Fatalf("errors = %v, %v", rows[0].Errors, rows[1].Errors)
		}
	})
	refusals := map[string]string{
		"": "csv.empty",
		"email,full_name,role,position,extension\n":                       "csv.no_rows",
		"email,full_name,role,position,extension,password,Shoe size\nx\n": "csv.unknown_columns",
		"email,full_name,role,position,extension,email\nx\n":              "csv.repeated_columns",
		"email,full_name\nx,y\n":                                          "csv.missing_columns",
		"email,full_name,role,position,extension\n\"a,b\n":                "csv.malformed",
		"email,full_name,role,position,extension\na\"b,c,d,e,f\n":         "csv.malformed",
		"email,full_name,role\xff,position,extension\nx\n":                "csv.not_utf8",
	}
	for in, want := range refusals {
		if _, err := db.ParseUsersCSV(strings.NewReader(in)); fileErr(err) != want {
			t.Errorf("%q: %v, want %s", in, err, want)
		}
	}
	t.Run("UnknownColumnsNamed", func(t *testing.T) {
		_, err := db.ParseUsersCSV(strings.NewReader("email,full_name,role,position,extension,password,Shoe size\nx\n"))
		if list := db.AsError(err).Fields["file"].Data["List"]; list != `"password", "Shoe size"` {
			t.Fatalf("list = %v", list)
		}
	})
	t.Run("Limits", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("email,full_name,role,position,extension\n")
		for range db.CSVMaxRows + 1 {
			b.WriteString("a,b,c,d,e\n")
		}
		if _, err := db.ParseUsersCSV(strings.NewReader(b.String())); fileErr(err) != "csv.too_many_rows" {
			t.Fatalf("too many rows: %v", err)
		}
		big := "email,full_name,role,position,extension\n" + strings.Repeat("a,b,c,d,e\n", db.CSVMaxBytes/10+1)
		if _, err := db.ParseUsersCSV(strings.NewReader(big)); fileErr(err) != "csv.too_big" {
			t.Fatalf("too big: %v", err)
		}
	})
}

// FuzzParseUsersCSV: no input makes the parser panic, and whatever it
// accepts keeps its limits. Run: go test ./db -run '^$' -fuzz FuzzParseUsersCSV -fuzztime 30s
func FuzzParseUsersCSV(f *testing.F) {
	for _, s := range []string{
		"email,full_name,role,position,extension\na@b.pl,A,Staff member,Consultant,1001\n",
		"\ufeffemail;full_name;role;position;extension;groups\r\n\"x;y\";\"a\"\"b\";c;d;e;A / B; C\r\n",
		"email,full_name,role,position,extension\n\"unterminated\n",
		"email,email\n",
		"\xff\xfe",
		"",
		"email,full_name,role,position,extension\n,,,,\n'=1,'+2,'-3,'@4,'\t5\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := db.ParseUsersCSV(strings.NewReader(string(data)))
		if err != nil {
			if db.ErrorCode(err) != db.EINVALID {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if len(rows) == 0 || len(rows) > db.CSVMaxRows {
			t.Fatalf("%d rows", len(rows))
		}
		last := 1
		for _, r := range rows {
			if r.Line <= last {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			for col, v := range r.Fields {
				if utf8.RuneCountInString(v) > db.CSVMaxFieldLen || !utf8.ValidString(v) {
					t.Fatalf("%s: %q", col, v)
				}
			}
		}
	})
}

// FuzzImportRow: no row, however odd, makes the import fail with anything
// but a per-row refusal with a reason (never an internal error, which the
// UI would show as a 500) (R-SEC-1).
// Run: go test ./db -run '^$' -fuzz FuzzImportRow -fuzztime 30s
func FuzzImportRow(f *testing.F) {
	f.Add("ala@example.pl", "", "Ala", "+48 600 100 200", "Staff member", "Consultant", "Foreign branches / France; Sales", "1001", "+48221234567", "Kadra", "yes")
	f.Add("not-an-email", "x@", "", "phone?", "Boss", "Nowhere", "A / B / ;;; / ", "1002", "999", "Nope", "maybe")
	f.Add("owner@example.pl", "", "\x00", "", "administrator", "EMPLOYEE", "Position / Employee", "", "", "", "1")
	f.Add("b@example.pl", "b@example.pl", strings.Repeat("ż", 300), "()", "Staff member", "Manager", "Foreign branches › France", "abc", "0048221234567", "kadra", "0")
	d, owner := dbtest.Setup(f)
	dbtest.CSVNames(f, d, owner)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, email, notify, name, phone, role, position, groups, ext, caller, sender, invite string) {
		rows := []db.UserCSVRow{{Line: 2, Fields: map[string]string{"email": email, "notify_email": notify,
			"full_name": name, "work_phone": phone, "role": role, "position": position, "groups": groups,
			"extension": ext, "caller_id": caller, "sms_sender": sender, "send_invite": invite}}}
		rep, err := d.ImportUsers(ctx, owner, rows, db.ImportOptions{DryRun: true})
		if err != nil {
			t.Fatalf("import failed as a whole: %v", err)
		}
		if len(rep.Rows) != 1 || rep.Created+rep.Refused != 1 {
			t.Fatalf("report = %+v", rep)
		}
		if r := rep.Rows[0]; r.Outcome == db.ImportRefused && len(r.Errors) == 0 {
			t.Fatalf("refused without a reason: %+v", r)
		}
	})
}
