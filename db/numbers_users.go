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

// SetUserCallerID sets the number user userID presents on outgoing calls;
// numberID 0 clears it.
// Returns EFORBIDDEN without users.manage or numbers.manage, ENOTFOUND for
// an unknown user, EINVALID (field call_number_id) for a number that is not
// the account's.
func (d *DB) SetUserCallerID(ctx context.Context, a Actor, userID, numberID int64) error {
	if err := requirePresentation(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		c, err := setCallerID(ctx, t, userID, numberID)
		return one(c), err
	})
}

// SetUserSMSSender sets the sender user userID presents on SMS; senderID 0
// clears it.
// Returns EFORBIDDEN without users.manage or numbers.manage, ENOTFOUND for
// an unknown user, EINVALID (field sms_sender_id) for a sender that is not
// the account's.
func (d *DB) SetUserSMSSender(ctx context.Context, a Actor, userID, senderID int64) error {
	if err := requirePresentation(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		c, err := setSMSSender(ctx, t, userID, senderID)
		return one(c), err
	})
}

// setCallerID sets a user's caller ID inside t; for the user form's
// transaction. It returns the audit change (none when nothing changes).
func setCallerID(ctx context.Context, t *tx, userID, numberID int64) (change, error) {
	u, err := sipUser(ctx, t, userID, ActPresentation)
	if err != nil {
		return change{}, err
	}
	if u.CallNumberID.Int64 == numberID {
		return change{}, nil
	}
	label := ""
	if numberID != 0 {
		n, err := t.GetPhoneNumber(ctx, sqlcdb.GetPhoneNumberParams{ID: numberID, AccountID: t.a.AccountID})
		if err != nil {
			if ErrorCode(notFound(err)) == ENOTFOUND {
				var v ValidationError
				v.Add("call_number_id", M("number.unknown"))
				return change{}, v.Err()
			}
			return change{}, err
		}
		label = n.Number
	}
	if err := t.SetUserCallNumber(ctx, sqlcdb.SetUserCallNumberParams{CallNumberID: nullID(numberID),
		UpdatedAt: t.d.unix(), ID: userID, AccountID: t.a.AccountID}); err != nil {
		return change{}, err
	}
	return change{Action: "user.number", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
		Before: map[string]any{"call_number_id": u.CallNumberID.Int64},
		After:  map[string]any{"call_number_id": numberID, "number": label}}, nil
}

// setSMSSender sets a user's SMS sender inside t; for the user form's
// transaction. It returns the audit change (none when nothing changes).
func setSMSSender(ctx context.Context, t *tx, userID, senderID int64) (change, error) {
	u, err := sipUser(ctx, t, userID, ActPresentation)
	if err != nil {
		return change{}, err
	}
	if u.SmsSenderID.Int64 == senderID {
		return change{}, nil
	}
	label := ""
	if senderID != 0 {
		s, err := t.GetSMSSender(ctx, sqlcdb.GetSMSSenderParams{ID: senderID, AccountID: t.a.AccountID})
		if err != nil {
			if ErrorCode(notFound(err)) == ENOTFOUND {
				var v ValidationError
				v.Add("sms_sender_id", M("sms.sender.unknown"))
				return change{}, v.Err()
			}
			return change{}, err
		}
		label = s.Sender
	}
	if err := t.SetUserSMSSender(ctx, sqlcdb.SetUserSMSSenderParams{SmsSenderID: nullID(senderID),
		UpdatedAt: t.d.unix(), ID: userID, AccountID: t.a.AccountID}); err != nil {
		return change{}, err
	}
	return change{Action: "user.sms", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
		Before: map[string]any{"sms_sender_id": u.SmsSenderID.Int64},
		After:  map[string]any{"sms_sender_id": senderID, "sender": label}}, nil
}
