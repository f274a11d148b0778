package db

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"kadra/db/internal/sqlcdb"
)

// PhoneNumber is one of an account's numbers, presented as caller ID on
// outgoing calls (R-SIP-5).
type PhoneNumber struct {
	ID        int64  `json:"id"`
	Number    string `json:"number"`
	Label     string `json:"label"`
	UserCount int    `json:"user_count"`
}

// NumberInput creates or edits a phone number.
type NumberInput struct {
	Number string `json:"number" form:"number"`
	Label  string `json:"label" form:"label"`
}

// NumberFilter narrows the lists of numbers and SMS senders.
type NumberFilter struct {
	Q       string `query:"q"`
	Sort    string `query:"sort"` // number (sender), label, users; "-" first for descending
	Page    int    `query:"page"`
	PerPage int    `query:"per_page"`
}

// NumberSorts and SenderSorts are the sort keys of the two lists.
var (
	NumberSorts = []string{"number", "label", "users"}
	SenderSorts = []string{"sender", "label", "users"}
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// normalE164 turns a number as people write it (+48 22 123-45-67, 0048...)
// into E.164 (+48221234567); ok is false when it is not one.
func normalE164(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(" -.()/\u00a0", r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if rest, ok := strings.CutPrefix(s, "00"); ok {
		s = "+" + rest
	}
	return s, e164.MatchString(s)
}

func checkLabel(v *ValidationError, label string) {
	switch {
	case utf8.RuneCountInString(label) > 100:
		v.Add("label", M("error.too_long", "Max", 100))
	default:
		checkText(v, "label", label, false)
	}
}

func (in NumberInput) check() (NumberInput, error) {
	var v ValidationError
	in.Label = strings.TrimSpace(in.Label)
	if strings.TrimSpace(in.Number) == "" {
		v.Add("number", M("error.required"))
	} else if n, ok := normalE164(in.Number); !ok {
		v.Add("number", M("number.e164"))
	} else {
		in.Number = n
	}
	checkLabel(&v, in.Label)
	return in, v.Err()
}

// requireNumbersRead admits those who manage numbers and those who pick
// them for users in the user form.
func requireNumbersRead(a Actor) error {
	if err := a.require(PermNumbersManage); err == nil {
		return nil
	}
	return a.require(PermUsersManage)
}

// SearchPhoneNumbers returns a page of the acting account's phone numbers.
// Returns EFORBIDDEN without numbers.manage or users.manage.
func (d *DB) SearchPhoneNumbers(ctx context.Context, a Actor, f NumberFilter) (Page[PhoneNumber], error) {
	if err := requireNumbersRead(a); err != nil {
		return Page[PhoneNumber]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	q := likeContains(f.Q)
	total, err := d.rq.CountPhoneNumbers(ctx, sqlcdb.CountPhoneNumbersParams{AccountID: a.AccountID, Q: q})
	if err != nil {
		return Page[PhoneNumber]{}, err
	}
	rows, err := d.rq.SearchPhoneNumbers(ctx, sqlcdb.SearchPhoneNumbersParams{AccountID: a.AccountID, Q: q,
		Sort: normalSort(f.Sort, NumberSorts, "number"), Lim: int64(f.PerPage), Off: int64((f.Page - 1) * f.PerPage)})
	if err != nil {
		return Page[PhoneNumber]{}, err
	}
	out := Page[PhoneNumber]{Items: make([]PhoneNumber, len(rows)), Total: int(total), Page: f.Page, PerPage: f.PerPage}
	for i, r := range rows {
		out.Items[i] = PhoneNumber{ID: r.ID, Number: r.Number, Label: r.Label, UserCount: int(r.UserCount)}
	}
	return out, nil
}

// GetPhoneNumber returns one phone number of the acting account.
// Returns EFORBIDDEN without numbers.manage or users.manage, ENOTFOUND.
func (d *DB) GetPhoneNumber(ctx context.Context, a Actor, id int64) (PhoneNumber, error) {
	if err := requireNumbersRead(a); err != nil {
		return PhoneNumber{}, err
	}
	n, err := d.rq.GetPhoneNumber(ctx, sqlcdb.GetPhoneNumberParams{ID: id, AccountID: a.AccountID})
	if err != nil {
		return PhoneNumber{}, notFound(err)
	}
	users, err := d.rq.CountUsersPresentingNumber(ctx, nullID(id))
	return PhoneNumber{ID: n.ID, Number: n.Number, Label: n.Label, UserCount: int(users)}, err
}

// CreatePhoneNumber adds a number to the acting account.
// Returns EFORBIDDEN without numbers.manage, EINVALID for a number that is
// not E.164 or is already on the list, or a bad label.
func (d *DB) CreatePhoneNumber(ctx context.Context, a Actor, in NumberInput) (PhoneNumber, error) {
	return d.savePhoneNumber(ctx, a, 0, in)
}

// UpdatePhoneNumber changes a number or its label; users presenting it keep
// presenting it.
// Returns what CreatePhoneNumber returns, and ENOTFOUND.
func (d *DB) UpdatePhoneNumber(ctx context.Context, a Actor, id int64, in NumberInput) (PhoneNumber, error) {
	if id == 0 {
		return PhoneNumber{}, errNotFound
	}
	return d.savePhoneNumber(ctx, a, id, in)
}

func (d *DB) savePhoneNumber(ctx context.Context, a Actor, id int64, in NumberInput) (PhoneNumber, error) {
	if err := a.require(PermNumbersManage); err != nil {
		return PhoneNumber{}, err
	}
	in, err := in.check()
	if err != nil {
		return PhoneNumber{}, err
	}
	var out PhoneNumber
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		var before *PhoneNumber
		if id != 0 {
			n, err := t.GetPhoneNumber(ctx, sqlcdb.GetPhoneNumberParams{ID: id, AccountID: a.AccountID})
			if err != nil {
				return nil, notFound(err)
			}
			before = &PhoneNumber{ID: n.ID, Number: n.Number, Label: n.Label}
		}
		other, err := t.PhoneNumberByNumber(ctx, sqlcdb.PhoneNumberByNumberParams{AccountID: a.AccountID,
			Number: in.Number})
		switch {
		case err == nil && other.ID != id:
			var v ValidationError
			v.Conflict("number", M("number.taken"))
			return nil, v.Err()
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
		if before == nil {
			n, err := t.CreatePhoneNumber(ctx, sqlcdb.CreatePhoneNumberParams{AccountID: a.AccountID,
				Number: in.Number, Label: in.Label})
			if err != nil {
				return nil, err
			}
			out = PhoneNumber{ID: n.ID, Number: n.Number, Label: n.Label}
			return one(change{Action: "number.create", TargetType: "phone_number", TargetID: n.ID,
				TargetLabel: n.Number, After: out}), nil
		}
		if err := t.UpdatePhoneNumber(ctx, sqlcdb.UpdatePhoneNumberParams{ID: id, AccountID: a.AccountID,
			Number: in.Number, Label: in.Label}); err != nil {
			return nil, err
		}
		users, err := t.CountUsersPresentingNumber(ctx, nullID(id))
		if err != nil {
			return nil, err
		}
		out = PhoneNumber{ID: id, Number: in.Number, Label: in.Label, UserCount: int(users)}
		return one(change{Action: "number.update", TargetType: "phone_number", TargetID: id,
			TargetLabel: in.Number, Before: before, After: PhoneNumber{ID: id, Number: in.Number, Label: in.Label}}), nil
	})
	return out, err
}

// DeletePhoneNumber removes a number no user presents and returns it.
// Returns EFORBIDDEN without numbers.manage, ENOTFOUND, ECONFLICT naming
// the users who present it.
func (d *DB) DeletePhoneNumber(ctx context.Context, a Actor, id int64) (PhoneNumber, error) {
	if err := a.require(PermNumbersManage); err != nil {
		return PhoneNumber{}, err
	}
	var out PhoneNumber
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		n, err := t.GetPhoneNumber(ctx, sqlcdb.GetPhoneNumberParams{ID: id, AccountID: a.AccountID})
		if err != nil {
			return nil, notFound(err)
		}
		users, err := t.UsersPresentingNumber(ctx, sqlcdb.UsersPresentingNumberParams{NumberID: nullID(id),
			AccountID: a.AccountID})
		if err != nil {
			return nil, err
		}
		if len(users) > 0 {
			total, err := t.CountUsersPresentingNumber(ctx, nullID(id))
			if err != nil {
				return nil, err
			}
			names := make([]string, len(users))
			for i, u := range users {
				names[i] = personLabel(u.FullName, u.Email)
			}
			return nil, Errorf(ECONFLICT, "number.in_use", "Number", n.Number, "Users", nameList(names, int(total)),
				"Count", int(total))
		}
		if err := t.DeletePhoneNumber(ctx, sqlcdb.DeletePhoneNumberParams{ID: id, AccountID: a.AccountID}); err != nil {
			return nil, err
		}
		out = PhoneNumber{ID: n.ID, Number: n.Number, Label: n.Label}
		return one(change{Action: "number.delete", TargetType: "phone_number", TargetID: id, TargetLabel: n.Number,
			Before: out}), nil
	})
	return out, err
}

func personLabel(fullName, email string) string {
	if fullName != "" {
		return fullName + " <" + email + ">"
	}
	return email
}

// nameList joins the first three names and marks that there are more.
func nameList(names []string, total int) string {
	if len(names) > 3 {
		names = names[:3]
	}
	s := strings.Join(names, ", ")
	if total > len(names) {
		s += ", …"
	}
	return s
}
