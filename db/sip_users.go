package db

import (
	"context"

	"kadra/db/internal/sqlcdb"
)

// A user has at most one SIP account and a SIP account at most one user
// (R-USER-6, R-SIP-2): users.sip_account_id is UNIQUE in the schema, and
// the functions here refuse with a message before the schema has to.

// requireSIPAssign admits an admin who manages SIP accounts or users: the
// user form (users.manage) picks or creates the SIP account on the spot.
func requireSIPAssign(a Actor) error {
	if err := a.require(PermSIPManage); err == nil {
		return nil
	}
	return a.require(PermUsersManage)
}

// FreeSIPAccounts lists the acting account's enabled SIP accounts that no
// user has: the choices of the user form (R-SIP-2).
// Returns EFORBIDDEN without sip.manage or users.manage.
func (d *DB) FreeSIPAccounts(ctx context.Context, a Actor) ([]SIPAccount, error) {
	if err := requireSIPAssign(a); err != nil {
		return nil, err
	}
	acc, err := d.rq.GetAccount(ctx, a.AccountID)
	if err != nil {
		return nil, notFound(err)
	}
	rows, err := d.rq.ListFreeSIPAccounts(ctx, a.AccountID)
	if err != nil {
		return nil, err
	}
	out := make([]SIPAccount, len(rows))
	for i, r := range rows {
		out[i] = sipAccountFrom(r, sipRealm(acc.SipDomain))
	}
	return out, nil
}

// AssignSIPAccount gives the free SIP account sipID to the user userID, both
// of the acting account (R-SIP-2). Assigning the account the user already has
// does nothing.
// Returns EFORBIDDEN without sip.manage or users.manage, ENOTFOUND for an
// unknown user, EINVALID (field sip_account_id) for an unknown or disabled
// account, ECONFLICT when the account belongs to someone else or the user
// already has another one.
func (d *DB) AssignSIPAccount(ctx context.Context, a Actor, userID, sipID int64) error {
	if err := requireSIPAssign(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		c, err := t.assignSIP(userID, sipID)
		return one(c), err
	})
}

// CreateSIPAccountForUser creates a SIP account and gives it to a user who
// has none, in one step (R-SIP-2), returning its password this once.
// Returns what CreateSIPAccount and AssignSIPAccount return.
func (d *DB) CreateSIPAccountForUser(ctx context.Context, a Actor, userID int64, in SIPAccountInput) (SIPSecret, error) {
	if err := requireSIPAssign(a); err != nil {
		return SIPSecret{}, err
	}
	var out SIPSecret
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.sipUser(userID, ActSIP)
		if err != nil {
			return nil, err
		}
		if u.SipAccountID.Valid {
			return nil, t.userHasSIP(u)
		}
		s, created, err := t.createSIP(t.a.AccountID, in, "password")
		if err != nil {
			return nil, err
		}
		assigned, err := t.assignSIP(userID, s.ID)
		if err != nil {
			return nil, err
		}
		s.UserID, s.UserEmail, s.UserName = u.ID, u.Email, u.FullName
		out = s
		return []change{created, assigned}, nil
	})
	return out, err
}

// sipUser reads a user of the acting account and asks the policy whether
// the actor may do act to them; ENOTFOUND outside the account.
func (t *tx) sipUser(userID int64, act UserAct) (sqlcdb.User, error) {
	u, err := t.SIPUserInAccount(t.ctx, sqlcdb.SIPUserInAccountParams{ID: userID, AccountID: t.a.AccountID})
	if err != nil {
		return u, notFound(err)
	}
	return u, t.mayActOnUser(act, u)
}

func userLabel(u sqlcdb.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Email
}

// userHasSIP is the refusal of a second SIP account for one user.
func (t *tx) userHasSIP(u sqlcdb.User) error {
	ext := ""
	if s, err := getSIP(t.ctx, t.Queries, t.a.AccountID, u.SipAccountID.Int64); err == nil {
		ext = s.Extension
	}
	return Errorf(ECONFLICT, "sip.assign.user_has", "User", userLabel(u), "Extension", ext)
}

// assignSIP gives SIP account sipID to user userID inside t; both must be of
// the acting account. For the user form: call it in the same transaction
// that creates or edits the user. It returns the audit change.
func (t *tx) assignSIP(userID, sipID int64) (change, error) {
	u, err := t.sipUser(userID, ActSIP)
	if err != nil {
		return change{}, err
	}
	if u.SipAccountID.Valid && u.SipAccountID.Int64 == sipID {
		return change{}, nil
	}
	s, err := getSIP(t.ctx, t.Queries, t.a.AccountID, sipID)
	if ErrorCode(err) == ENOTFOUND {
		var v ValidationError
		v.Add("sip_account_id", M("sip.assign.unknown"))
		return change{}, v.Err()
	}
	if err != nil {
		return change{}, err
	}
	switch {
	case s.UserID != 0:
		return change{}, Errorf(ECONFLICT, "sip.assign.taken", "Extension", s.Extension, "User", s.User())
	case u.SipAccountID.Valid:
		return change{}, t.userHasSIP(u)
	case !s.Enabled:
		var v ValidationError
		v.Add("sip_account_id", M("sip.assign.disabled", "Extension", s.Extension))
		return change{}, v.Err()
	}
	if err := t.SetUserSIPAccount(t.ctx, sqlcdb.SetUserSIPAccountParams{SipAccountID: nullID(sipID),
		UpdatedAt: t.d.unix(), ID: userID, AccountID: t.a.AccountID}); err != nil {
		return change{}, err
	}
	return change{Action: "sip.assign", TargetType: "sip_account", TargetID: s.ID, TargetLabel: s.label(),
		After: map[string]any{"user_id": u.ID, "user": u.Email}}, nil
}

// disableAndFreeSIP disables SIP account sipID and takes it from whoever has
// it, inside t, so that it stops registering at once (R-USER-9). For the
// deletion of a user: call it in the transaction that deletes them. The
// account may belong to any account the transaction may touch; it is looked
// up in the acting account. A zero sipID does nothing.
func (t *tx) disableAndFreeSIP(sipID int64) (change, error) {
	if sipID == 0 {
		return change{}, nil
	}
	s, err := getSIP(t.ctx, t.Queries, t.a.AccountID, sipID)
	if err != nil {
		return change{}, err
	}
	if err := t.SetSIPEnabled(t.ctx, sqlcdb.SetSIPEnabledParams{ID: sipID, AccountID: s.AccountID, Enabled: 0}); err != nil {
		return change{}, err
	}
	if err := t.FreeSIPAccount(t.ctx, sqlcdb.FreeSIPAccountParams{SipAccountID: nullID(sipID), UpdatedAt: t.d.unix()}); err != nil {
		return change{}, err
	}
	return change{Action: "sip.free", TargetType: "sip_account", TargetID: s.ID, TargetLabel: s.label(),
		AccountID: s.AccountID, Before: map[string]any{"enabled": s.Enabled, "user_id": s.UserID, "user": s.UserEmail},
		After: map[string]any{"enabled": false}}, nil
}
