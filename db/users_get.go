package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// UserDetails is one user with what the details page and the API show.
type UserDetails struct {
	User
	GroupIDs  []int64 `json:"group_ids"`
	Extension string  `json:"extension"`
}

// Input is the user as the form's input, for an edit that starts from what
// the user is.
func (u UserDetails) Input() UserInput {
	return UserInput{Email: u.Email, NotifyEmail: u.NotifyEmail, SIPAccountID: u.SIPAccountID,
		CallNumberID: u.CallNumberID, SMSSenderID: u.SMSSenderID, FullName: u.FullName,
		WorkPhone: u.WorkPhone, RoleID: u.RoleID, PositionID: u.PositionID, GroupIDs: u.GroupIDs}
}

// GetUserDetails returns a user of the acting account. Needs users.view, or
// being that user. Returns ENOTFOUND for ids of other accounts (R-ACC-5).
func (d *DB) GetUserDetails(ctx context.Context, a Actor, id int64) (UserDetails, error) {
	if id != a.UserID {
		if err := a.require(PermUsersView); err != nil {
			return UserDetails{}, err
		}
	}
	return userDetails(ctx, d.rq, a.AccountID, id)
}

// userDetails reads a user of an account through q: the read pool, or a
// write transaction that must see what it reads as it writes.
func userDetails(ctx context.Context, q *sqlcdb.Queries, accountID, id int64) (UserDetails, error) {
	r, err := q.GetUserDetails(ctx, sqlcdb.GetUserDetailsParams{ID: id, AccountID: accountID})
	if errors.Is(err, sql.ErrNoRows) {
		return UserDetails{}, Errorf(ENOTFOUND, "error.user_not_found")
	} else if err != nil {
		return UserDetails{}, err
	}
	out := UserDetails{User: userFrom(sqlcdb.User{ID: r.ID, AccountID: r.AccountID, Email: r.Email,
		NotifyEmail: r.NotifyEmail, FullName: r.FullName, WorkPhone: r.WorkPhone, Status: r.Status,
		RoleID: r.RoleID, PositionID: r.PositionID, SipAccountID: r.SipAccountID, CallNumberID: r.CallNumberID,
		SmsSenderID: r.SmsSenderID, IsOwner: r.IsOwner, LastLoginAt: r.LastLoginAt, CreatedAt: r.CreatedAt}),
		Extension: r.Extension, GroupIDs: []int64{}}
	for _, g := range strings.Split(r.GroupIds, ",") {
		if id, err := strconv.ParseInt(g, 10, 64); err == nil {
			out.GroupIDs = append(out.GroupIDs, id)
		}
	}
	slices.Sort(out.GroupIDs)
	return out, nil
}
