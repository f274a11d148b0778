package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// The account's phone numbers for caller ID and its SMS senders (R-SIP-5),
// one set of operations for both kinds.

// NumberFilter narrows the lists of numbers and SMS senders.
type NumberFilter struct {
	Q       string `query:"q"`
	Sort    string `query:"sort"` // number (sender), label, users; "-" first for descending
	Page    int    `query:"page"`
	PerPage int    `query:"per_page"`
}

// requireNumbersRead admits those who manage numbers and those who pick
// them for users in the user form.
func requireNumbersRead(a Actor) error {
	if err := a.require(PermNumbersManage); err == nil {
		return nil
	}
	return a.require(PermUsersManage)
}

// SearchPresentations returns a page of the acting account's numbers or
// senders.
// Returns EFORBIDDEN without numbers.manage or users.manage.
func (d *DB) SearchPresentations(ctx context.Context, a Actor, k *PresentationKind, f NumberFilter) (Page[Presentation], error) {
	if err := requireNumbersRead(a); err != nil {
		return Page[Presentation]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	q := likeContains(f.Q)
	total, err := d.rq.CountPresentations(ctx, sqlcdb.CountPresentationsParams{Kind: k.Field, AccountID: a.AccountID, Q: q})
	if err != nil {
		return Page[Presentation]{}, err
	}
	rows, err := d.rq.SearchPresentations(ctx, sqlcdb.SearchPresentationsParams{Kind: k.Field, AccountID: a.AccountID,
		Q: q, Sort: normalSort(f.Sort, k.Sorts, k.Field), Lim: int64(f.PerPage), Off: int64((f.Page - 1) * f.PerPage)})
	if err != nil {
		return Page[Presentation]{}, err
	}
	out := Page[Presentation]{Items: make([]Presentation, len(rows)), Total: int(total), Page: f.Page, PerPage: f.PerPage}
	for i, r := range rows {
		out.Items[i] = Presentation{Kind: k, ID: r.ID, Value: r.Value, Label: r.Label, UserCount: int(r.UserCount)}
	}
	return out, nil
}

// GetPresentation returns one number or sender of the acting account.
// Returns EFORBIDDEN without numbers.manage or users.manage, ENOTFOUND.
func (d *DB) GetPresentation(ctx context.Context, a Actor, k *PresentationKind, id int64) (Presentation, error) {
	if err := requireNumbersRead(a); err != nil {
		return Presentation{}, err
	}
	p, err := getPresentation(ctx, d.rq, a.AccountID, k, id)
	if err != nil {
		return p, err
	}
	p.UserCount, err = usersPresenting(ctx, d.rq, k, id)
	return p, err
}

func getPresentation(ctx context.Context, q *sqlcdb.Queries, account int64, k *PresentationKind, id int64) (Presentation, error) {
	r, err := q.GetPresentation(ctx, sqlcdb.GetPresentationParams{Kind: k.Field, ID: id, AccountID: account})
	if err != nil {
		return Presentation{}, notFound(err)
	}
	return Presentation{Kind: k, ID: r.ID, Value: r.Value, Label: r.Label}, nil
}

func usersPresenting(ctx context.Context, q *sqlcdb.Queries, k *PresentationKind, id int64) (int, error) {
	n, err := q.CountUsersPresenting(ctx, sqlcdb.CountUsersPresentingParams{Kind: k.Field, ID: nullID(id)})
	return int(n), err
}

// CreatePresentation adds a number or a sender to the acting account.
// Returns EFORBIDDEN without numbers.manage, EINVALID for a bad value (a
// number not in E.164, a sender neither that nor a name) or label, and
// ECONFLICT (a ValidationError) for a value already on the list; senders
// are compared without regard to case.
func (d *DB) CreatePresentation(ctx context.Context, a Actor, k *PresentationKind, in PresentationInput) (Presentation, error) {
	return d.savePresentation(ctx, a, k, 0, PresentationPatch{Kind: k, Value: &in.Value, Label: &in.Label})
}

// UpdatePresentation changes a number or a sender, or its label; users
// presenting it keep presenting it.
// Returns what CreatePresentation returns, and ENOTFOUND.
func (d *DB) UpdatePresentation(ctx context.Context, a Actor, k *PresentationKind, id int64, in PresentationInput) (Presentation, error) {
	return d.PatchPresentation(ctx, a, k, id, PresentationPatch{Kind: k, Value: &in.Value, Label: &in.Label})
}

// PatchPresentation changes what the patch sets of a number or a sender,
// merged onto it inside the write (the API's PATCH, R-API-1).
// Returns what UpdatePresentation returns.
func (d *DB) PatchPresentation(ctx context.Context, a Actor, k *PresentationKind, id int64, p PresentationPatch) (Presentation, error) {
	if id == 0 {
		return Presentation{}, errNotFound
	}
	return d.savePresentation(ctx, a, k, id, p)
}

// savePresentation creates (id 0) or changes a number or a sender: the
// patch is merged onto what the transaction reads, then checked.
func (d *DB) savePresentation(ctx context.Context, a Actor, k *PresentationKind, id int64, p PresentationPatch) (Presentation, error) {
	if err := a.require(PermNumbersManage); err != nil {
		return Presentation{}, err
	}
	var out Presentation
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		var before *Presentation
		in := PresentationInput{Kind: k}
		if id != 0 {
			p, err := getPresentation(ctx, t.Queries, a.AccountID, k, id)
			if err != nil {
				return nil, err
			}
			before, in.Value, in.Label = &p, p.Value, p.Label
		}
		setTo(&in.Value, p.Value)
		setTo(&in.Label, p.Label)
		var v ValidationError
		country, err := t.phoneCountry(a.AccountID)
		if err != nil {
			return nil, err
		}
		in.Value = k.normal(&v, in.Value, country)
		in.Label = strings.TrimSpace(in.Label)
		checkLabel(&v, in.Label)
		if err := v.Err(); err != nil {
			return nil, err
		}
		other, err := t.PresentationIDByValue(ctx, sqlcdb.PresentationIDByValueParams{Kind: k.Field,
			AccountID: a.AccountID, Value: in.Value})
		switch {
		case err == nil && other != id:
			var v ValidationError
			v.Conflict(k.Field, M(k.m("taken")))
			return nil, v.Err()
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
		saved := Presentation{Kind: k, ID: id, Value: in.Value, Label: in.Label}
		if before == nil {
			if saved.ID, err = k.writes.insert(ctx, t.Queries, a.AccountID, in.Value, in.Label); err != nil {
				return nil, err
			}
			out = saved
			return one(change{Action: k.action + ".create", TargetType: k.target, TargetID: saved.ID,
				TargetLabel: saved.Value, After: saved}), nil
		}
		if err := k.writes.update(ctx, t.Queries, a.AccountID, id, in.Value, in.Label); err != nil {
			return nil, err
		}
		out = saved
		if out.UserCount, err = usersPresenting(ctx, t.Queries, k, id); err != nil {
			return nil, err
		}
		return one(change{Action: k.action + ".update", TargetType: k.target, TargetID: id,
			TargetLabel: saved.Value, Before: before, After: saved}), nil
	})
	return out, err
}

// DeletePresentation removes a number or a sender no user presents and
// returns it.
// Returns EFORBIDDEN without numbers.manage, ENOTFOUND, ECONFLICT naming
// the users who present it.
func (d *DB) DeletePresentation(ctx context.Context, a Actor, k *PresentationKind, id int64) (Presentation, error) {
	if err := a.require(PermNumbersManage); err != nil {
		return Presentation{}, err
	}
	var out Presentation
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		p, err := getPresentation(ctx, t.Queries, a.AccountID, k, id)
		if err != nil {
			return nil, err
		}
		users, err := t.UsersPresenting(ctx, sqlcdb.UsersPresentingParams{Kind: k.Field, ID: nullID(id),
			AccountID: a.AccountID})
		if err != nil {
			return nil, err
		}
		if len(users) > 0 {
			total, err := usersPresenting(ctx, t.Queries, k, id)
			if err != nil {
				return nil, err
			}
			names := make([]string, len(users))
			for i, u := range users {
				names[i] = personLabel(u.FullName, u.Email)
			}
			return nil, Errorf(ECONFLICT, k.m("in_use"), k.valueKey(), p.Value, "Users", nameList(names, total),
				"Count", total)
		}
		if err := k.writes.remove(ctx, t.Queries, a.AccountID, id); err != nil {
			return nil, err
		}
		out = p
		return one(change{Action: k.action + ".delete", TargetType: k.target, TargetID: id, TargetLabel: p.Value,
			Before: p}), nil
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
