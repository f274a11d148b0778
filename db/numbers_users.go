package db

import (
	"context"

	"kadra/db/internal/sqlcdb"
)

// Each user picks one of the account's numbers for calls and one of its
// senders for SMS (R-SIP-5). Zero clears the choice.

// requirePresentation admits those who manage users (the user form) or
// numbers.
func requirePresentation(a Actor) error {
	if err := a.require(PermUsersManage); err == nil {
		return nil
	}
	return a.require(PermNumbersManage)
}

// SetUserPresentation sets the number (PhoneNumbers) or the sender
// (SMSSenders) user userID presents; id 0 clears it.
// Returns EFORBIDDEN without users.manage or numbers.manage, ENOTFOUND for
// an unknown user, EINVALID (field k.UserField) for a number or sender that
// is not the account's.
func (d *DB) SetUserPresentation(ctx context.Context, a Actor, k *PresentationKind, userID, id int64) error {
	if err := requirePresentation(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		c, err := t.setPresentation(k, userID, id)
		return one(c), err
	})
}

// setPresentation sets what a user presents inside t; for the user form's
// transaction. It returns the audit change (none when nothing changes).
func (t *tx) setPresentation(k *PresentationKind, userID, id int64) (change, error) {
	u, err := t.sipUser(userID, ActPresentation)
	if err != nil {
		return change{}, err
	}
	was := userChoices(u)[k.UserField]
	if was == id {
		return change{}, nil
	}
	label := ""
	if id != 0 {
		p, err := getPresentation(t.ctx, t.Queries, t.a.AccountID, k, id)
		if err != nil {
			if ErrorCode(err) == ENOTFOUND {
				var v ValidationError
				v.Add(k.UserField, M(k.m("unknown")))
				return change{}, v.Err()
			}
			return change{}, err
		}
		label = p.Value
	}
	if err := k.writes.setUser(t.ctx, t.Queries, t.a.AccountID, userID, nullID(id), t.d.unix()); err != nil {
		return change{}, err
	}
	return change{Action: "user." + k.action, TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
		Before: map[string]any{k.UserField: was},
		After:  map[string]any{k.UserField: id, k.Field: label}}, nil
}

// userChoices are the number and the sender user u presents, by the kinds'
// UserField; 0 is none.
func userChoices(u sqlcdb.User) map[string]int64 {
	return map[string]int64{"call_number_id": u.CallNumberID.Int64, "sms_sender_id": u.SmsSenderID.Int64}
}
