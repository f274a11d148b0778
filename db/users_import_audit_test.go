package db_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"kadra/db"
)

// R-AUDIT-1, R-AUDIT-2 (issue 15): the import writes its audit rows per
// batch, yet each imported user leaves the very rows the user form leaves
// for the same input — same actions, targets, before and after, names in
// the labels — in the order they were made, row after row.
func TestImportAuditsLikeTheForm(t *testing.T) {
	ctx := context.Background()
	d, owner, names := importSetup(t)
	staff, err := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	if err != nil {
		t.Fatal(err)
	}
	// The form's user, then the same twice by import (two rows, one batch).
	if _, err := d.CreateUser(ctx, owner, db.UserInput{Email: "form@example.pl", FullName: "Ola Nowak",
		RoleID: staff, PositionID: names.Consultant, GroupIDs: []int64{names.France, names.Sales},
		NewExtension: "1201", CallNumberID: names.Number, SMSSenderID: names.Sender, SendInvite: true}); err != nil {
		t.Fatal(err)
	}
	file := "email,full_name,role,position,groups,extension,caller_id,sms_sender,send_invite\n" +
		"csv1@example.pl,Ola Nowak,Staff member,Consultant,Foreign branches / France; Sales,1202,+48221234567,Kadra,yes\n" +
		"csv2@example.pl,Ola Nowak,Staff member,Consultant,Foreign branches / France; Sales,1203,+48221234567,Kadra,yes\n"
	rep, err := d.ImportUsers(ctx, owner, parse(t, file), db.ImportOptions{})
	if err != nil || rep.Created != 2 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	compareAudit(t, d, "120", 5, 0)
}

// R-AUDIT-1, R-AUDIT-2 (issue 15): the same for a user given a free
// extension that exists, with no caller ID, sender or group, and not
// invited, as the rows of a plain file are.
func TestImportAuditsLikeTheFormPlain(t *testing.T) {
	ctx := context.Background()
	d, owner, names := importSetup(t)
	staff, err := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	if err != nil {
		t.Fatal(err)
	}
	sips := map[string]int64{}
	for _, ext := range []string{"1301", "1302", "1303"} {
		s, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: ext})
		if err != nil {
			t.Fatal(err)
		}
		sips[ext] = s.ID
	}
	var from int64 // the rows before set the test up
	if err := rawDB(t, d).QueryRow("SELECT max(id) FROM audit_log").Scan(&from); err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateUser(ctx, owner, db.UserInput{Email: "form@example.pl", FullName: "Ola Nowak",
		RoleID: staff, PositionID: names.Consultant, SIPAccountID: sips["1301"]}); err != nil {
		t.Fatal(err)
	}
	file := "email,full_name,role,position,extension\n" +
		"csv1@example.pl,Ola Nowak,Staff member,Consultant,1302\n" +
		"csv2@example.pl,Ola Nowak,Staff member,Consultant,1303\n"
	rep, err := d.ImportUsers(ctx, owner, parse(t, file), db.ImportOptions{})
	if err != nil || rep.Created != 2 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	compareAudit(t, d, "130", 2, from)
}

// compareAudit compares the audit rows of the users form@, csv1@ and
// csv2@example.pl, whose extensions are ext followed by 1, 2 and 3: the
// same rows, in the same order, each user's together; at least min each.
// Rows up to id from are not compared.
func compareAudit(t *testing.T, d *db.DB, ext string, min int, from int64) {
	t.Helper()
	rows, err := rawDB(t, d).Query(`SELECT actor_email, account_id, action, target_type, target_label,
		before_json, after_json, labels_json, target_id IS NULL FROM audit_log WHERE id > ? ORDER BY id`, from)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	// Ids, times, e-mails and extensions differ between the three users;
	// everything else must not.
	noise := regexp.MustCompile(`(?i)"[a-z_]*(id|_at)":[0-9]+|[0-9]{10}|(form|csv1|csv2)@example\.pl|` + ext + `[123]|"(user|sip):[0-9]+"`)
	byUser := map[string][]string{}
	var order []string
	for rows.Next() {
		var actor, action, typ, label, before, after, labels string
		var account any
		var noTarget bool
		if err := rows.Scan(&actor, &account, &action, &typ, &label, &before, &after, &labels, &noTarget); err != nil {
			t.Fatal(err)
		}
		who := ""
		for _, u := range []string{"form", "csv1", "csv2"} {
			if strings.Contains(before+after+label+labels, u+"@example.pl") || strings.Contains(after+label+labels, ext+map[string]string{"form": "1", "csv1": "2", "csv2": "3"}[u]) {
				who = u
			}
		}
		if who == "" {
			continue
		}
		if len(order) == 0 || order[len(order)-1] != who {
			order = append(order, who)
		}
		byUser[who] = append(byUser[who], strings.Join([]string{actor, action, typ, noise.ReplaceAllString(label, "~"),
			noise.ReplaceAllString(before, "~"), noise.ReplaceAllString(after, "~"), noise.ReplaceAllString(labels, "~")}, " | "))
	}
	if strings.Join(order, ",") != "form,csv1,csv2" {
		t.Errorf("audit rows interleave: %v", order)
	}
	form := byUser["form"]
	if len(form) < min {
		t.Fatalf("the form's user left %d audit rows: %q", len(form), form)
	}
	for _, u := range []string{"csv1", "csv2"} {
		got := byUser[u]
		if len(got) != len(form) {
			t.Errorf("%s: %d audit rows, the form's user %d:\n%s\n---\n%s", u, len(got), len(form),
				strings.Join(got, "\n"), strings.Join(form, "\n"))
			continue
		}
		for i := range form {
			if got[i] != form[i] {
				t.Errorf("%s row %d:\n got  %s\n form %s", u, i, got[i], form[i])
			}
		}
	}
}
