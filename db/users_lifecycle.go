package db

import (
	"context"
	"database/sql"
	"errors"

	"kadra/db/internal/sqlcdb"
)

// accountUser reads a user of the acting account inside t; ENOTFOUND for
// users of other accounts, so their ids reveal nothing (R-ACC-5).
func (t *tx) accountUser(id int64) (sqlcdb.User, error) {
	u, err := t.GetAccountUser(t.ctx, sqlcdb.GetAccountUserParams{ID: id, AccountID: t.a.AccountID})
	if errors.Is(err, sql.ErrNoRows) {
		return u, Errorf(ENOTFOUND, "error.user_not_found")
	}
	return u, err
}

// BlockUser stops a user signing in to the panel and ends every session and
// API use of theirs on the next request, while their SIP account keeps
// registering (R-USER-8). Needs users.block.
// Returns EFORBIDDEN for the owner or oneself, ENOTFOUND outside the account.
func (d *DB) BlockUser(ctx context.Context, a Actor, id int64) (User, error) {
	return d.setBlocked(ctx, a, id, true)
}

// UnblockUser restores panel access (R-USER-8): active again, or invited
// when the user never set a password. Needs users.block.
func (d *DB) UnblockUser(ctx context.Context, a Actor, id int64) (User, error) {
	return d.setBlocked(ctx, a, id, false)
}

// setBlocked blocks or unblocks a user of the acting account; a user already
// in the wanted state is left alone.
func (d *DB) setBlocked(ctx context.Context, a Actor, id int64, block bool) (User, error) {
	act := ActUnblock
	if block {
		act = ActBlock
	}
	if err := requireAct(a, act); err != nil {
		return User{}, err
	}
	var out sqlcdb.User
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.targetUser(act, id)
		if err != nil {
			return nil, err
		}
		out = u
		if (u.Status == StatusBlocked) == block {
			return nil, nil
		}
		action, after := "user.unblock", map[string]any{}
		switch {
		case block:
			action, out.Status = "user.block", StatusBlocked
			n, err := t.DeleteUserSessions(ctx, u.ID)
			if err != nil {
				return nil, err
			}
			after["sessions_ended"] = n
		case u.PasswordHash == "":
			out.Status = StatusInvited
		default:
			out.Status = StatusActive
		}
		if err := t.SetUserStatus(ctx, sqlcdb.SetUserStatusParams{ID: u.ID, Status: out.Status, UpdatedAt: d.unix()}); err != nil {
			return nil, err
		}
		after["status"] = out.Status
		return one(change{Action: action, TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			Before: map[string]string{"status": u.Status}, After: after}), nil
	})
	return userFrom(out), err
}

// DeleteUser removes a user for good (R-USER-9): sign-in, sessions, tokens,
// memberships and licence seats go; their SIP account is disabled and freed
// at once, so the registrar refuses it; the billed seat is closed now and
// counts until the end of the current period; the audit log keeps who
// deleted whom. Needs users.delete.
// Returns EFORBIDDEN for the owner or oneself, ENOTFOUND outside the account.
func (d *DB) DeleteUser(ctx context.Context, a Actor, id int64) error {
	return d.deleteUser(ctx, a, id, "")
}

func (d *DB) deleteUser(ctx context.Context, a Actor, id int64, ifMatch string) error {
	if err := requireAct(a, ActDelete); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.targetUser(ActDelete, id)
		if err != nil {
			return nil, err
		}
		if ifMatch != "" {
			cur, err := userDetails(ctx, t.Queries, a.AccountID, id)
			if err != nil {
				return nil, err
			}
			if err := checkVersion(ifMatch, cur); err != nil {
				return nil, err
			}
		}
		return t.removeUser(u)
	})
}

// removeUser deletes user u, read by targetUser(ActDelete) inside t, with
// every effect of R-USER-9; for DeleteUser and an offboarding's deletion.
func (t *tx) removeUser(u sqlcdb.User) ([]change, error) {
	ctx, d := t.ctx, t.d
	var changes []change
	if u.SipAccountID.Valid {
		c, err := t.disableAndFreeSIP(u.SipAccountID.Int64)
		if err != nil {
			return nil, err
		}
		changes = append(changes, c)
	}
	rows, err := t.UserGroupNames(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	groups := make([]string, len(rows))
	for i, g := range rows {
		groups[i] = d.names.groupName(t.a.Lang, g.Name, g.Builtin)
	}
	if err := t.CloseSeat(ctx, sqlcdb.CloseSeatParams{UserID: u.ID, ToAt: sql.NullInt64{Int64: d.unix(), Valid: true}}); err != nil {
		return nil, err
	}
	if err := t.DeleteUser(ctx, u.ID); err != nil {
		return nil, err
	}
	before := map[string]any{"user": userFrom(u), "groups": groups}
	return append(changes, change{Action: "user.delete", TargetType: "user", TargetID: u.ID,
		TargetLabel: u.Email, AccountID: u.AccountID, Before: before}), nil
}

// Impersonate starts a session in which the actor acts as user id (R-USER-14)
// and returns its id for the cookie. The actor needs users.impersonate and
// every permission the user has; nobody acts as the owner, as themselves,
// or as a user who cannot sign in. It needs a reason of at least 10
// characters and ends by itself after in.Minutes (default 30, at most 480);
// it is recorded for the user's profile and, when the owner requires it,
// mailed to them (R-GOV-3). Audited; everything done in the new session is
// audited with both names. Returns EINVALID on "reason" or "minutes".
func (d *DB) Impersonate(ctx context.Context, a Actor, id int64, in ImpersonationInput) (string, error) {
	if err := requireAct(a, ActImpersonate); err != nil {
		return "", err
	}
	if a.ImpersonatorID != 0 {
		return "", Errorf(EFORBIDDEN, "user.impersonate.nested")
	}
	raw, hash, err := newSecret("")
	if err != nil {
		return "", err
	}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.targetUser(ActImpersonate, id)
		if err != nil {
			return nil, err
		}
		if u.Status != StatusActive {
			return nil, Errorf(EFORBIDDEN, "user.impersonate.inactive")
		}
		if err := checkImpersonationInput(&in); err != nil {
			return nil, err
		}
		now := d.unix()
		ends := now + int64(d.impersonationLimit(in).Seconds())
		if err := t.CreateSession(ctx, sqlcdb.CreateSessionParams{IDHash: hash, UserID: u.ID,
			ActingAccountID: a.AccountID, ImpersonatorID: nullID(a.UserID), CreatedAt: now,
			ExpiresAt: ends, Ip: a.IP}); err != nil {
			return nil, err
		}
		if err := t.recordImpersonation(hash, u, in, ends); err != nil {
			return nil, err
		}
		return one(change{Action: "user.impersonate", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			After: map[string]any{"reason": in.Reason, "minutes": in.Minutes}}), nil
	})
	return raw, err
}

// StopImpersonating ends the "log in as" session the actor is in.
func (d *DB) StopImpersonating(ctx context.Context, a Actor) error {
	if a.ImpersonatorID == 0 || a.SessionHash == "" {
		return Errorf(EINVALID, "user.impersonate.not_active")
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		if err := t.EndImpersonation(ctx, sqlcdb.EndImpersonationParams{SessionHash: a.SessionHash,
			EndedAt: sql.NullInt64{Int64: d.unix(), Valid: true}}); err != nil {
			return nil, err
		}
		return one(change{Action: "user.impersonate_end", TargetType: "user", TargetID: a.UserID,
			TargetLabel: a.Email}), t.DeleteSession(ctx, a.SessionHash)
	})
}
