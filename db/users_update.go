package db

import (
	"context"

	"kadra/db/internal/sqlcdb"
)

// UpdateUser saves the edit form of a user of the acting account: every
// field of R-USER-1 (R-USER-10), in one transaction. An empty password
// keeps the current one. A changed login e-mail or password ends the
// user's other sessions (all of them, unless they edit themselves); a set
// password voids the user's reset and activation links (R-SEC-5).
// SendInvite is ignored here; "Resend activation" is the row menu's.
// Needs users.manage and the policy's leave to edit the user (R-SEC-2);
// one's own login e-mail, notification e-mail and password change on the
// profile only. Returns ENOTFOUND outside the account, EFORBIDDEN, EINVALID
// per field.
func (d *DB) UpdateUser(ctx context.Context, a Actor, id int64, in UserInput) (UserSaved, error) {
	return d.updateUser(ctx, a, id, in, "")
}

// updateUser is UpdateUser, refused with errStaleRead when version is not
// "" and the user is no longer at that version (ETag of UserDetails) once
// the write transaction has begun: for PatchUser, whose merge read the
// user before.
func (d *DB) updateUser(ctx context.Context, a Actor, id int64, in UserInput, version string) (UserSaved, error) {
	if err := requireAct(a, ActEdit); err != nil {
		return UserSaved{}, err
	}
	in = normalUserInput(in)
	in.SendInvite = false
	hash, err := d.hashFormPassword(ctx, in)
	if err != nil {
		return UserSaved{}, err
	}
	var out UserSaved
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		// Authority first, so that a refused actor learns nothing from the
		// validation of what they sent (R-SEC-2).
		u, err := t.targetUser(ActEdit, id)
		if err != nil {
			return nil, err
		}
		if version != "" {
			if now, err := userDetails(ctx, t.Queries, a.AccountID, id); err != nil {
				return nil, err
			} else if ETag(now) != version {
				return nil, errStaleRead
			}
		}
		if err := checkSelfCredentials(a, u, in); err != nil {
			return nil, err
		}
		if in.WorkPhone, err = t.phoneE164(a.AccountID, in.WorkPhone); err != nil {
			return nil, err
		}
		v, err := t.checkUserInput(in, u)
		if err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		now := d.unix()
		if err := t.UpdateUserFields(ctx, sqlcdb.UpdateUserFieldsParams{ID: u.ID, AccountID: a.AccountID,
			Email: in.Email, NotifyEmail: in.NotifyEmail, FullName: in.FullName, WorkPhone: in.WorkPhone,
			PositionID: nullID(in.PositionID), UpdatedAt: now}); err != nil {
			return nil, err
		}
		emailChanged := !equalFoldASCII(u.Email, in.Email)
		if hash != "" {
			if err := t.setPassword(u.ID, hash); err != nil {
				return nil, err
			}
			if u.Status == StatusInvited || u.Status == StatusInactive {
				if err := t.SetUserStatus(ctx, sqlcdb.SetUserStatusParams{ID: u.ID, Status: StatusActive, UpdatedAt: now}); err != nil {
					return nil, err
				}
			}
		}
		var ended int64
		if emailChanged || hash != "" {
			keep := ""
			if u.ID == a.UserID {
				keep = a.SessionHash
			}
			if ended, err = t.DeleteUserSessionsExcept(ctx, sqlcdb.DeleteUserSessionsExceptParams{UserID: u.ID, KeepIDHash: keep}); err != nil {
				return nil, err
			}
		}
		links, err := t.applyUserLinks(u, in, &out)
		if err != nil {
			return nil, err
		}
		if out.User, err = t.userNow(u.ID); err != nil {
			return nil, err
		}
		c := change{Action: "user.update", TargetType: "user", TargetID: u.ID, TargetLabel: in.Email,
			Before: userFrom(u), After: map[string]any{"user": out.User, "password_changed": hash != "",
				"sessions_ended": ended}}
		return append([]change{c}, links...), nil
	})
	if err != nil {
		return UserSaved{}, err
	}
	return out, nil
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
