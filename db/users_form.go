package db

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// UserFormOptions are the choices of the user form (R-USER-1): roles,
// positions, groups, free SIP accounts, caller IDs and SMS senders of the
// acting account, and a suggested new extension.
type UserFormOptions struct {
	Roles         []Role
	Positions     []Option
	FreeSIP       []SIPAccount
	Numbers       []Presentation
	Senders       []Presentation
	NextExtension string
	Policy        []Msg
}

// Option is a choice of a select list.
type Option struct {
	ID   int64
	Name string
}

// UserFormOptions returns the form's choices. Needs users.manage.
func (d *DB) UserFormOptions(ctx context.Context, a Actor) (UserFormOptions, error) {
	var o UserFormOptions
	if err := a.require(PermUsersManage); err != nil {
		return o, err
	}
	var err error
	if o.Roles, err = d.RoleOptions(ctx, a); err != nil {
		return o, err
	}
	// Groups are not listed: the form's picker asks for a few at a time
	// (PickGroups, R-GROUP-3).
	pos, err := d.rq.PositionOptions(ctx, a.AccountID)
	if err != nil {
		return o, err
	}
	for _, p := range pos {
		o.Positions = append(o.Positions, Option{ID: p.ID, Name: d.names.groupName(a.Lang, p.Name, p.Builtin)})
	}
	slices.SortFunc(o.Positions, func(x, y Option) int { return strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)) })
	if o.FreeSIP, err = d.FreeSIPAccounts(ctx, a); err != nil {
		return o, err
	}
	if o.Numbers, err = d.presentationOptions(ctx, a.AccountID, PhoneNumbers); err != nil {
		return o, err
	}
	if o.Senders, err = d.presentationOptions(ctx, a.AccountID, SMSSenders); err != nil {
		return o, err
	}
	next, err := d.rq.MaxNumericExtension(ctx, a.AccountID)
	if err != nil {
		return o, err
	}
	o.NextExtension = "1001"
	if next > 0 {
		o.NextExtension = strconv.FormatInt(next+1, 10)
	}
	policy, err := d.PasswordPolicy(ctx)
	if err != nil {
		return o, err
	}
	o.Policy = policy.Rules()
	return o, nil
}

// presentationOptions are all the account's numbers or senders, by value.
func (d *DB) presentationOptions(ctx context.Context, account int64, k *PresentationKind) ([]Presentation, error) {
	rows, err := d.rq.PresentationOptions(ctx, sqlcdb.PresentationOptionsParams{Kind: k.Field, AccountID: account})
	if err != nil {
		return nil, err
	}
	var out []Presentation
	for _, r := range rows {
		out = append(out, Presentation{Kind: k, ID: r.ID, Value: r.Value, Label: r.Label})
	}
	return out, nil
}
