package db

import (
	"context"
	"strconv"
)

// UserFormOptions are the choices of the user form (R-USER-1): roles,
// positions, groups, free SIP accounts, caller IDs and SMS senders of the
// acting account, and a suggested new extension.
type UserFormOptions struct {
	Roles         []Role
	Positions     []Option
	Groups        []Group
	FreeSIP       []SIPAccount
	Numbers       []PhoneNumber
	Senders       []SMSSender
	NextExtension string
	Policy        []Msg
}

// Option is a choice of a select list.
type Option struct {
	ID   int64
	Name string
}

// UserFormOptions returns the form's choices. Needs users.manage. A new
// group appears here at once (R-GROUP-3): nothing is cached.
func (d *DB) UserFormOptions(ctx context.Context, a Actor) (UserFormOptions, error) {
	var o UserFormOptions
	if err := a.require(PermUsersManage); err != nil {
		return o, err
	}
	var err error
	if o.Roles, err = d.RoleOptions(ctx, a); err != nil {
		return o, err
	}
	groups, err := d.GroupOptions(ctx, a)
	if err != nil {
		return o, err
	}
	for _, g := range groups {
		if !g.Builtin && !g.Position {
			o.Groups = append(o.Groups, g)
		}
	}
	pos, err := d.rq.PositionOptions(ctx, a.AccountID)
	if err != nil {
		return o, err
	}
	for _, p := range pos {
		o.Positions = append(o.Positions, Option{ID: p.ID, Name: p.Name})
	}
	if o.FreeSIP, err = d.FreeSIPAccounts(ctx, a); err != nil {
		return o, err
	}
	nums, err := d.rq.NumberOptions(ctx, a.AccountID)
	if err != nil {
		return o, err
	}
	for _, n := range nums {
		o.Numbers = append(o.Numbers, PhoneNumber{ID: n.ID, Number: n.Number, Label: n.Label})
	}
	senders, err := d.rq.SenderOptions(ctx, a.AccountID)
	if err != nil {
		return o, err
	}
	for _, s := range senders {
		o.Senders = append(o.Senders, SMSSender{ID: s.ID, Sender: s.Sender, Label: s.Label})
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
