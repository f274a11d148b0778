package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"kadra/db/internal/sqlcdb"
)

// SMSSender is a sender an account's users may present on SMS (R-SIP-5): a
// phone number in E.164, or an alphanumeric name.
type SMSSender struct {
	ID        int64  `json:"id"`
	Sender    string `json:"sender"`
	Label     string `json:"label"`
	UserCount int    `json:"user_count"`
}

// SenderInput creates or edits an SMS sender.
type SenderInput struct {
	Sender string `json:"sender" form:"sender"`
	Label  string `json:"label" form:"label"`
}

// SMSSenderMaxLength is the longest alphanumeric sender SMS networks carry.
const SMSSenderMaxLength = 11

func isSenderChar(r rune) bool {
	return isASCIILetter(r) || r >= '0' && r <= '9' || strings.ContainsRune(" .-_&", r)
}

// normalSender validates a sender into v: a number (starting with + or
// 00, or only digits and separators) must be E.164; a name has 1 to 11 of
// A-Z a-z 0-9 space . - _ & and at least one letter.
func normalSender(v *ValidationError, s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		v.Add("sender", M("error.required"))
	case strings.IndexFunc(s, isASCIILetter) < 0:
		n, ok := normalE164(s)
		if !ok {
			v.Add("sender", M("sms.sender.number"))
		}
		return n
	case utf8.RuneCountInString(s) > SMSSenderMaxLength:
		v.Add("sender", M("sms.sender.too_long", "Max", SMSSenderMaxLength))
	case strings.IndexFunc(s, func(r rune) bool { return !isSenderChar(r) }) >= 0 || strings.Contains(s, "  "):
		v.Add("sender", M("sms.sender.chars"))
	}
	return s
}

// SearchSMSSenders returns a page of the acting account's SMS senders.
// Returns EFORBIDDEN without numbers.manage or users.manage.
func (d *DB) SearchSMSSenders(ctx context.Context, a Actor, f NumberFilter) (Page[SMSSender], error) {
	if err := requireNumbersRead(a); err != nil {
		return Page[SMSSender]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	q := likeContains(f.Q)
	total, err := d.rq.CountSMSSenders(ctx, sqlcdb.CountSMSSendersParams{AccountID: a.AccountID, Q: q})
	if err != nil {
		return Page[SMSSender]{}, err
	}
	rows, err := d.rq.SearchSMSSenders(ctx, sqlcdb.SearchSMSSendersParams{AccountID: a.AccountID, Q: q,
		Sort: normalSort(f.Sort, SenderSorts, "sender"), Lim: int64(f.PerPage), Off: int64((f.Page - 1) * f.PerPage)})
	if err != nil {
		return Page[SMSSender]{}, err
	}
	out := Page[SMSSender]{Items: make([]SMSSender, len(rows)), Total: int(total), Page: f.Page, PerPage: f.PerPage}
	for i, r := range rows {
		out.Items[i] = SMSSender{ID: r.ID, Sender: r.Sender, Label: r.Label, UserCount: int(r.UserCount)}
	}
	return out, nil
}

// GetSMSSender returns one SMS sender of the acting account.
// Returns EFORBIDDEN without numbers.manage or users.manage, ENOTFOUND.
func (d *DB) GetSMSSender(ctx context.Context, a Actor, id int64) (SMSSender, error) {
	if err := requireNumbersRead(a); err != nil {
		return SMSSender{}, err
	}
	s, err := d.rq.GetSMSSender(ctx, sqlcdb.GetSMSSenderParams{ID: id, AccountID: a.AccountID})
	if err != nil {
		return SMSSender{}, notFound(err)
	}
	users, err := d.rq.CountUsersPresentingSender(ctx, nullID(id))
	return SMSSender{ID: s.ID, Sender: s.Sender, Label: s.Label, UserCount: int(users)}, err
}

// CreateSMSSender adds an SMS sender to the acting account.
// Returns EFORBIDDEN without numbers.manage, EINVALID for a bad or taken
// sender (compared without regard to case) or a bad label.
func (d *DB) CreateSMSSender(ctx context.Context, a Actor, in SenderInput) (SMSSender, error) {
	return d.saveSMSSender(ctx, a, 0, in)
}

// UpdateSMSSender changes a sender or its label; users presenting it keep
// presenting it. Returns what CreateSMSSender returns, and ENOTFOUND.
func (d *DB) UpdateSMSSender(ctx context.Context, a Actor, id int64, in SenderInput) (SMSSender, error) {
	if id == 0 {
		return SMSSender{}, errNotFound
	}
	return d.saveSMSSender(ctx, a, id, in)
}

func (d *DB) saveSMSSender(ctx context.Context, a Actor, id int64, in SenderInput) (SMSSender, error) {
	if err := a.require(PermNumbersManage); err != nil {
		return SMSSender{}, err
	}
	var v ValidationError
	in.Sender = normalSender(&v, in.Sender)
	in.Label = strings.TrimSpace(in.Label)
	checkLabel(&v, in.Label)
	if err := v.Err(); err != nil {
		return SMSSender{}, err
	}
	var out SMSSender
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		var before *SMSSender
		if id != 0 {
			s, err := t.GetSMSSender(ctx, sqlcdb.GetSMSSenderParams{ID: id, AccountID: a.AccountID})
			if err != nil {
				return nil, notFound(err)
			}
			before = &SMSSender{ID: s.ID, Sender: s.Sender, Label: s.Label}
		}
		other, err := t.SMSSenderByName(ctx, sqlcdb.SMSSenderByNameParams{AccountID: a.AccountID, Sender: in.Sender})
		switch {
		case err == nil && other.ID != id:
			var v ValidationError
			v.Conflict("sender", M("sms.sender.taken"))
			return nil, v.Err()
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
		if before == nil {
			s, err := t.CreateSMSSender(ctx, sqlcdb.CreateSMSSenderParams{AccountID: a.AccountID,
				Sender: in.Sender, Label: in.Label})
			if err != nil {
				return nil, err
			}
			out = SMSSender{ID: s.ID, Sender: s.Sender, Label: s.Label}
			return one(change{Action: "sms.create", TargetType: "sms_sender", TargetID: s.ID,
				TargetLabel: s.Sender, After: out}), nil
		}
		if err := t.UpdateSMSSender(ctx, sqlcdb.UpdateSMSSenderParams{ID: id, AccountID: a.AccountID,
			Sender: in.Sender, Label: in.Label}); err != nil {
			return nil, err
		}
		users, err := t.CountUsersPresentingSender(ctx, nullID(id))
		if err != nil {
			return nil, err
		}
		out = SMSSender{ID: id, Sender: in.Sender, Label: in.Label, UserCount: int(users)}
		return one(change{Action: "sms.update", TargetType: "sms_sender", TargetID: id,
			TargetLabel: in.Sender, Before: before, After: SMSSender{ID: id, Sender: in.Sender, Label: in.Label}}), nil
	})
	return out, err
}

// DeleteSMSSender removes a sender no user presents and returns it.
// Returns EFORBIDDEN without numbers.manage, ENOTFOUND, ECONFLICT naming
// the users who present it.
func (d *DB) DeleteSMSSender(ctx context.Context, a Actor, id int64) (SMSSender, error) {
	if err := a.require(PermNumbersManage); err != nil {
		return SMSSender{}, err
	}
	var out SMSSender
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		s, err := t.GetSMSSender(ctx, sqlcdb.GetSMSSenderParams{ID: id, AccountID: a.AccountID})
		if err != nil {
			return nil, notFound(err)
		}
		users, err := t.UsersPresentingSender(ctx, sqlcdb.UsersPresentingSenderParams{SenderID: nullID(id),
			AccountID: a.AccountID})
		if err != nil {
			return nil, err
		}
		if len(users) > 0 {
			total, err := t.CountUsersPresentingSender(ctx, nullID(id))
			if err != nil {
				return nil, err
			}
			names := make([]string, len(users))
			for i, u := range users {
				names[i] = personLabel(u.FullName, u.Email)
			}
			return nil, Errorf(ECONFLICT, "sms.sender.in_use", "Sender", s.Sender, "Users", nameList(names, int(total)),
				"Count", int(total))
		}
		if err := t.DeleteSMSSender(ctx, sqlcdb.DeleteSMSSenderParams{ID: id, AccountID: a.AccountID}); err != nil {
			return nil, err
		}
		out = SMSSender{ID: s.ID, Sender: s.Sender, Label: s.Label}
		return one(change{Action: "sms.delete", TargetType: "sms_sender", TargetID: id, TargetLabel: s.Sender,
			Before: out}), nil
	})
	return out, err
}
