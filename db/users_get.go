package db

import (
	"context"
	"database/sql"
	"errors"

	"kadra/db/internal/sqlcdb"
)

// UserDetails is one user with what the details page and the API show.
type UserDetails struct {
	User
	GroupIDs  []int64 `json:"group_ids"`
	Extension string  `json:"extension"`
}

// GetUserDetails returns a user of the acting account. Needs users.view, or
// being that user. Returns ENOTFOUND for ids of other accounts (R-ACC-5).
func (d *DB) GetUserDetails(ctx context.Context, a Actor, id int64) (UserDetails, error) {
	if id != a.UserID {
		if err := a.require(PermUsersView); err != nil {
			return UserDetails{}, err
		}
	}
	u, err := d.rq.GetAccountUser(ctx, sqlcdb.GetAccountUserParams{ID: id, AccountID: a.AccountID})
	if errors.Is(err, sql.ErrNoRows) {
		return UserDetails{}, Errorf(ENOTFOUND, "error.user_not_found")
	} else if err != nil {
		return UserDetails{}, err
	}
	out := UserDetails{User: userFrom(u)}
	if out.GroupIDs, err = d.rq.UserGroupIDs(ctx, id); err != nil {
		return UserDetails{}, err
	}
	if u.SipAccountID.Valid {
		ext, err := d.rq.SIPExtension(ctx, u.SipAccountID.Int64)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return UserDetails{}, err
		}
		out.Extension = ext
	}
	return out, nil
}
