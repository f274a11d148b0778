package db_test

import (
	"context"
	"fmt"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// fieldMsg is the message ID err gives field, "" when none.
func fieldMsg(err error, field string) string {
	if e := db.AsError(err); e != nil {
		return e.Fields[field].ID
	}
	return ""
}

// R-SEC-8: addresses are normalised (NFC, lower-case domain) before they
// are stored and compared; look-alikes are refused with a message saying
// why: invisible or control characters, characters NFKC changes (full-width
// letters, ligatures), and two scripts within the local part or within one
// domain label. An address wholly in another script stays allowed.
func TestEmailLookalikes(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	n := 0
	create := func(email, notify string) (db.UserSaved, error) {
		n++
		in := dbtest.UserInput(t, d, owner, email)
		in.NotifyEmail, in.FullName = notify, "Look Alike"
		return d.CreateUser(ctx, owner, in)
	}
	for _, tc := range []struct {
		name, email, stored, want string
	}{
		{"OK", "anna@example.pl", "anna@example.pl", ""},
		{"OKDomainLowered", "Bartek@EXAMPLE.PL", "Bartek@example.pl", ""},
		{"OKPolish", "łucja@przykład.pl", "łucja@przykład.pl", ""},
		{"OKComposedNFC", "rene\u0301@example.pl", "ren\u00e9@example.pl", ""},
		{"OKAllCyrillic", "иван@пример.рф", "иван@пример.рф", ""},
		{"OKLatinAtCyrillicDomain", "ivan@пример.рф", "ivan@пример.рф", ""},
		{"ErrCyrillicInLatinLocal", "\u0430dmin@example.pl", "", "error.email_mixed_scripts"},
		{"ErrCyrillicInLatinLabel", "admin@ex\u0430mple.pl", "", "error.email_mixed_scripts"},
		{"ErrGreekInLatinLocal", "j\u03bfhn@example.pl", "", "error.email_mixed_scripts"},
		{"ErrMixedPunycodeLabel", "admin@xn--exmple-4nf.pl", "", "error.email_mixed_scripts"},
		{"ErrFullWidthLetter", "\uff41dmin@example.pl", "", "error.email_lookalike"},
		{"ErrFullWidthAt", "admin\uff20example.pl", "", "error.email_lookalike"},
		{"ErrLigature", "\ufb01nance@example.pl", "", "error.email_lookalike"},
		{"ErrZeroWidthSpace", "ad\u200bmin@example.pl", "", "error.email_invisible"},
		{"ErrRightToLeftOverride", "admin\u202e@example.pl", "", "error.email_invisible"},
		{"ErrSoftHyphen", "ad\u00admin@example.pl", "", "error.email_invisible"},
		{"ErrByteOrderMark", "\ufeffadmin@example.pl", "", "error.email_invisible"},
		{"ErrLineSeparator", "admin\u2028@example.pl", "", "error.email_invisible"},
		{"ErrPrivateUse", "admin\ue000@example.pl", "", "error.email_invisible"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := create(tc.email, "")
			if tc.want == "" {
				if err != nil || u.User.Email != tc.stored {
					t.Fatalf("stored %q, %v; want %q", u.User.Email, err, tc.stored)
				}
				// Signing in compares after the same normalisation.
				dbtest.Login(t, d, tc.email, dbtest.OwnerPassword)
				return
			}
			if got := fieldMsg(err, "email"); got != tc.want {
				t.Fatalf("email: %q (%v), want %q", got, err, tc.want)
			}
			if _, err := create(fmt.Sprintf("ok%d@example.pl", n), tc.email); fieldMsg(err, "notify_email") != tc.want {
				t.Fatalf("notify_email: %v, want %q", err, tc.want)
			}
			if _, err := d.CheckPasswordResetRequest(ctx, db.ForgotPasswordInput{Email: tc.email,
				IP: "192.0.2." + fmt.Sprint(n%250)}); fieldMsg(err, "email") != tc.want {
				t.Fatalf("forgot password: %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("ErrConflictAfterNormalising", func(t *testing.T) {
		if _, err := create("Bartek@example.PL", ""); fieldMsg(err, "email") == "" {
			t.Fatalf("the same address with another domain case was taken twice: %v", err)
		}
		if _, err := create("re\u0301ne\u0301e@example.pl", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := create("r\u00e9n\u00e9e@example.pl", ""); fieldMsg(err, "email") == "" {
			t.Fatalf("the same address composed and decomposed was taken twice: %v", err)
		}
	})
}

// R-SEC-8: every name and label refuses characters that change the text
// direction, invisible format characters and control characters, each with
// its own message; ordinary names in any script pass.
func TestNameLookalikes(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	n := 0
	// Each saver saves a thing named name and returns the field refused.
	savers := map[string]func(name string) (string, error){
		"full_name": func(name string) (string, error) {
			n++
			in := dbtest.UserInput(t, d, owner, fmt.Sprintf("name%d@example.pl", n))
			in.FullName = name
			_, err := d.CreateUser(ctx, owner, in)
			return "full_name", err
		},
		"role": func(name string) (string, error) {
			_, err := d.CreateRole(ctx, owner, db.RoleInput{Name: name, Permissions: []db.Permission{db.PermUsersView}})
			return "name", err
		},
		"role description": func(name string) (string, error) {
			n++
			_, err := d.CreateRole(ctx, owner, db.RoleInput{Name: fmt.Sprintf("Role %d", n), Description: name,
				Permissions: []db.Permission{db.PermUsersView}})
			return "description", err
		},
		"group": func(name string) (string, error) {
			_, err := d.CreateGroup(ctx, owner, db.GroupInput{Name: name})
			return "name", err
		},
		"account": func(name string) (string, error) {
			n++
			_, err := d.CreateAccount(ctx, owner, db.AccountInput{Name: name, ExternalID: fmt.Sprintf("ext-%d", n)})
			return "name", err
		},
		"account external id": func(name string) (string, error) {
			n++
			_, err := d.CreateAccount(ctx, owner, db.AccountInput{Name: fmt.Sprintf("Branch %d", n), ExternalID: name})
			return "external_id", err
		},
		"licence": func(name string) (string, error) {
			_, err := d.CreateLicense(ctx, owner, db.LicenseInput{Product: name, Seats: 1})
			return "product", err
		},
		"number label": func(name string) (string, error) {
			n++
			_, err := d.CreatePresentation(ctx, owner, db.PhoneNumbers, db.PresentationInput{Kind: db.PhoneNumbers,
				Value: fmt.Sprintf("+48 22 555 %02d %02d", n/100, n%100), Label: name})
			return "label", err
		},
		"sender label": func(name string) (string, error) {
			n++
			_, err := d.CreatePresentation(ctx, owner, db.SMSSenders, db.PresentationInput{Kind: db.SMSSenders,
				Value: fmt.Sprintf("Kadra%d", n), Label: name})
			return "label", err
		},
	}
	for _, tc := range []struct {
		name, text, want string
	}{
		{"OKPolish", "Zażółć Gęślą", ""},
		{"OKCyrillic", "Анна Иванова", ""},
		{"OKPunctuation", "O'Brien-Smith (Kraków)", ""},
		{"ErrRightToLeftOverride", "Anna\u202egnp.exe", "error.bidi_chars"},
		{"ErrLeftToRightEmbedding", "Anna\u202a", "error.bidi_chars"},
		{"ErrIsolate", "Anna\u2067x\u2069", "error.bidi_chars"},
		{"ErrDirectionMark", "Anna\u200f", "error.bidi_chars"},
		{"ErrArabicLetterMark", "Anna\u061c", "error.bidi_chars"},
		{"ErrZeroWidthSpace", "An\u200bna", "error.invisible_chars"},
		{"ErrZeroWidthJoiner", "An\u200dna", "error.invisible_chars"},
		{"ErrWordJoiner", "An\u2060na", "error.invisible_chars"},
		{"ErrByteOrderMark", "An\ufeffna", "error.invisible_chars"},
		{"ErrSoftHyphen", "An\u00adna", "error.invisible_chars"},
		{"ErrBell", "An\x07na", "error.control_chars"},
		{"ErrLineSeparator", "An\u2028na", "error.control_chars"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for what, save := range savers {
				text := tc.text
				if tc.want == "" {
					text = fmt.Sprintf("%s %d", tc.text, n+1) // names are unique
				}
				field, err := save(text)
				if got := fieldMsg(err, field); got != tc.want || (tc.want == "" && err != nil) {
					t.Errorf("%s: %s = %q (%v), want %q", what, field, got, err, tc.want)
				}
			}
		})
	}
}

// R-SEC-8, R-USER-13: the CSV import refuses look-alike addresses and
// names row by row (it saves through CreateUser), and spots two rows with
// one address written in two Unicode forms.
func TestImportLookalikes(t *testing.T) {
	ctx := context.Background()
	d, owner, _ := importSetup(t)
	file := "email,full_name,role,position,extension\r\n" +
		"\u0430dmin@example.pl,Admin,Staff member,Consultant,1201\r\n" + // 2: Cyrillic а among Latin letters
		"\uff4aan@example.pl,Jan,Staff member,Consultant,1202\r\n" + // 3: a full-width letter
		"ola@example.pl,Ola\u202eEvil,Staff member,Consultant,1203\r\n" + // 4: a right-to-left override
		"ren\u00e9@EXAMPLE.pl,René,Staff member,Consultant,1204\r\n" + // 5: good
		"rene\u0301@example.PL,René Again,Staff member,Consultant,1205\r\n" // 6: line 5's address, decomposed
	rep, err := d.ImportUsers(ctx, owner, parse(t, file), db.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][2]string{
		2: {"email", "error.email_mixed_scripts"},
		3: {"email", "error.email_lookalike"},
		4: {"full_name", "error.bidi_chars"},
		6: {"row", "csv.duplicate_email"},
	}
	for _, r := range rep.Rows {
		w, bad := want[r.Line]
		switch {
		case !bad && r.Outcome != db.ImportCreated:
			t.Errorf("line %d: %s %v", r.Line, r.Outcome, r.Errors)
		case bad && (r.Outcome != db.ImportRefused || r.Errors[w[0]].ID != w[1]):
			t.Errorf("line %d: %s %v, want %s: %s", r.Line, r.Outcome, r.Errors, w[0], w[1])
		}
	}
	if rep.Created != 1 {
		t.Fatalf("%d created, want 1", rep.Created)
	}
}
