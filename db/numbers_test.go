package db_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// numberCase is what differs between the two kinds in the tests below.
type numberCase struct {
	kind        *db.PresentationKind
	stored      map[string]string // typed -> kept
	search      string            // finds stored value found
	found       string
	invalid     map[string]string // typed -> message id
	taken       string            // a stored value typed another way
	msg         string            // message id prefix
	action      string            // audit action prefix
	other, free string            // two more valid values
	table       string            // for a row of another account
}

var numberCases = []numberCase{{
	kind: db.PhoneNumbers,
	// Typed nationally in a Polish account (issue 11) or internationally.
	stored:  map[string]string{"+48 22 123-45-67": "+48221234567", "0048 (61) 800 10 20": "+48618001020", "58 300 10 20": "+48583001020"},
	search:  "6180",
	found:   "+48618001020",
	invalid: map[string]string{"": "error.required", "2212345": "ui.phone.invalid", "+0221234567": "ui.phone.invalid", "+48 22 abc": "ui.phone.invalid", "+1234567890123456": "ui.phone.invalid", "+12345": "ui.phone.invalid"},
	taken:   "22 123 45 67",
	msg:     "number", action: "number", other: "+48 500 100 200", free: "+48500100201", table: "phone_numbers",
}, {
	kind:    db.SMSSenders,
	stored:  map[string]string{"KADRA": "KADRA", "Biuro Sp-1": "Biuro Sp-1", "+48 600 100 200": "+48600100200", "ABCDEFGHIJK": "ABCDEFGHIJK"},
	search:  "sp-",
	found:   "Biuro Sp-1",
	invalid: map[string]string{"ABCDEFGHIJKL": "sms.sender.too_long", "Zażółć": "sms.sender.chars", "Two  spaces": "sms.sender.chars", "12345": "ui.phone.sender_invalid", "": "error.required"},
	taken:   "kadra",
	msg:     "sms.sender", action: "sms", other: "Old", free: "New", table: "sms_senders",
}}

// R-SIP-5: the account keeps its phone numbers in E.164 and its SMS
// senders (an E.164 number or a name of at most 11 characters), each with
// a label; a value is on the list once.
func TestPresentations(t *testing.T) {
	ctx := context.Background()
	eachKind(t, func(t *testing.T, tc numberCase, d *db.DB, owner db.Actor) {
		k := tc.kind
		t.Run("OK", func(t *testing.T) {
			for in, want := range tc.stored {
				p, err := d.CreatePresentation(ctx, owner, k, db.PresentationInput{Value: in, Label: " Office "})
				if err != nil {
					t.Fatalf("%q: %v", in, err)
				}
				if p.Value != want || p.Label != "Office" {
					t.Errorf("%q stored as %+v", in, p)
				}
			}
			p, err := d.SearchPresentations(ctx, owner, k, db.NumberFilter{Q: tc.search})
			if err != nil || p.Total != 1 || p.Items[0].Value != tc.found {
				t.Fatalf("search: %+v, %v", p, err)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			for in, want := range tc.invalid {
				_, err := d.CreatePresentation(ctx, owner, k, db.PresentationInput{Value: in})
				if got := fieldOf(err, k.Field); got != want {
					t.Errorf("%q: %v, want %s", in, err, want)
				}
			}
			_, err := d.CreatePresentation(ctx, owner, k, db.PresentationInput{Value: tc.free, Label: strings.Repeat("x", 101)})
			if fieldOf(err, "label") != "error.too_long" {
				t.Errorf("long label: %v", err)
			}
		})
		t.Run("ErrDuplicate", func(t *testing.T) {
			_, err := d.CreatePresentation(ctx, owner, k, db.PresentationInput{Value: tc.taken})
			if fieldOf(err, k.Field) != tc.msg+".taken" || db.ErrorCode(err) != db.ECONFLICT {
				t.Fatalf("duplicate: %v", err)
			}
		})
		t.Run("Update", func(t *testing.T) {
			p, err := d.CreatePresentation(ctx, owner, k, db.PresentationInput{Value: tc.other})
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.UpdatePresentation(ctx, owner, k, p.ID, db.PresentationInput{Value: tc.free, Label: "Marketing"})
			if err != nil || got.Value != tc.free || got.Label != "Marketing" {
				t.Fatalf("update: %+v, %v", got, err)
			}
			if s, _ := d.SearchPresentations(ctx, owner, k, db.NumberFilter{Q: "market"}); s.Total != 1 {
				t.Fatalf("search by label: %+v", s)
			}
			if _, err := d.UpdatePresentation(ctx, owner, k, p.ID, db.PresentationInput{Value: tc.taken}); fieldOf(err, k.Field) != tc.msg+".taken" {
				t.Fatalf("update onto another: %v", err)
			}
			if _, err := d.UpdatePresentation(ctx, owner, k, 999, db.PresentationInput{Value: tc.other}); db.ErrorCode(err) != db.ENOTFOUND {
				t.Fatalf("update unknown: %v", err)
			}
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			staff := staffActor(t, d, owner, "staff@example.pl")
			if _, err := d.CreatePresentation(ctx, staff, k, db.PresentationInput{Value: tc.other}); db.ErrorCode(err) != db.EFORBIDDEN {
				t.Fatalf("staff: %v", err)
			}
		})
	})
}

// R-SIP-5: each user picks one number and one sender; what a user presents
// cannot be deleted, and the refusal names the user.
func TestUserPresentation(t *testing.T) {
	ctx := context.Background()
	eachKind(t, func(t *testing.T, tc numberCase, d *db.DB, owner db.Actor) {
		k := tc.kind
		u := dbtest.AddUser(t, d, owner, "ala@example.pl")
		p, err := d.CreatePresentation(ctx, owner, k, db.PresentationInput{Value: tc.other})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetUserPresentation(ctx, owner, k, u.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.GetPresentation(ctx, owner, k, p.ID); got.UserCount != 1 {
			t.Fatalf("user count: %+v", got)
		}
		t.Run("ErrInUse", func(t *testing.T) {
			_, err := d.DeletePresentation(ctx, owner, k, p.ID)
			e := db.AsError(err)
			if e == nil || e.Code != db.ECONFLICT || e.Msg.ID != tc.msg+".in_use" ||
				!strings.Contains(e.Msg.Data["Users"].(string), "ala@example.pl") {
				t.Fatalf("delete presented: %v", err)
			}
		})
		t.Run("ErrUnknown", func(t *testing.T) {
			if err := d.SetUserPresentation(ctx, owner, k, u.ID, 999); fieldOf(err, k.UserField) != tc.msg+".unknown" {
				t.Fatalf("unknown: %v", err)
			}
			if err := d.SetUserPresentation(ctx, owner, k, 999, p.ID); db.ErrorCode(err) != db.ENOTFOUND {
				t.Fatalf("unknown user: %v", err)
			}
		})
		t.Run("ErrOtherAccount", func(t *testing.T) {
			exec(t, rawDB(t, d), `INSERT INTO accounts (id, parent_id, name, sip_domain, created_at) VALUES (50, ?, 'Branch', 'branch.pl', 0)`, owner.AccountID)
			exec(t, rawDB(t, d), fmt.Sprintf(`INSERT INTO %s (id, account_id, %s) VALUES (500, 50, '+48999000111')`, tc.table, k.Field))
			if err := d.SetUserPresentation(ctx, owner, k, u.ID, 500); fieldOf(err, k.UserField) != tc.msg+".unknown" {
				t.Fatalf("another account's: %v", err)
			}
			if _, err := d.GetPresentation(ctx, owner, k, 500); db.ErrorCode(err) != db.ENOTFOUND {
				t.Fatalf("get another account's: %v", err)
			}
		})
		t.Run("ClearThenDelete", func(t *testing.T) {
			if err := d.SetUserPresentation(ctx, owner, k, u.ID, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := d.DeletePresentation(ctx, owner, k, p.ID); err != nil {
				t.Fatal(err)
			}
			page, _ := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "user." + tc.action})
			if page.Total != 2 {
				t.Fatalf("audit of the user's choices: %d", page.Total)
			}
		})
	})
}

// eachKind runs f for both kinds, each on a database of its own.
func eachKind(t *testing.T, f func(t *testing.T, tc numberCase, d *db.DB, owner db.Actor)) {
	for _, tc := range numberCases {
		t.Run(tc.kind.Field, func(t *testing.T) {
			d, owner := dbtest.Setup(t)
			f(t, tc, d, owner)
		})
	}
}

// The API's JSON names the value by its kind, in and out.
func TestPresentationJSON(t *testing.T) {
	for _, tc := range []struct {
		kind      *db.PresentationKind
		out, in   string
		wantValue string
	}{
		{db.PhoneNumbers, `{"id":1,"number":"+48221234567","label":"HQ","user_count":2}`, `{"number":"+48 22","sender":"x"}`, "+48 22"},
		{db.SMSSenders, `{"id":1,"sender":"+48221234567","label":"HQ","user_count":2}`, `{"sender":"KADRA","number":"x"}`, "KADRA"},
	} {
		b, err := json.Marshal(db.Presentation{Kind: tc.kind, ID: 1, Value: "+48221234567", Label: "HQ", UserCount: 2})
		if err != nil || string(b) != tc.out {
			t.Errorf("%s out: %s %v", tc.kind.Field, b, err)
		}
		in := db.PresentationInput{Kind: tc.kind, Label: "kept"}
		if err := json.Unmarshal([]byte(tc.in), &in); err != nil || in.Value != tc.wantValue || in.Label != "kept" {
			t.Errorf("%s in: %+v %v", tc.kind.Field, in, err)
		}
		if err := json.Unmarshal([]byte(`{"label":5}`), &in); err == nil {
			t.Errorf("%s: a number for a label was taken", tc.kind.Field)
		}
	}
}
