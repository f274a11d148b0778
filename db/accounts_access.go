package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// AccessUser is a main-account user with whether they may enter one
// sub-account. The owner always may (Fixed).
type AccessUser struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
	Status   string `json:"status"`
	Granted  bool   `json:"granted"`
	Fixed    bool   `json:"fixed"`
	// EndsAt is when access given until a day ends (R-GOV-2).
	EndsAt *time.Time `json:"ends_at,omitempty"`
}

// Last is a moment of the last day of access given until a day.
func (u AccessUser) Last() time.Time { return lastMoment(u.EndsAt) }

// AccessFilter searches and pages the main-account users of an access list.
type AccessFilter struct {
	Q       string `query:"q" json:"q"`
	Granted bool   `query:"granted" json:"granted"` // only those with access
	Page    int    `query:"page" json:"page"`
	PerPage int    `query:"per_page" json:"per_page"`
}

// subAccount reads a sub-account for the access operations: ENOTFOUND when
// unknown, EINVALID for the main account, which everyone of it is in.
func subAccount(ctx context.Context, q *sqlcdb.Queries, id int64) (sqlcdb.Account, error) {
	acc, err := q.GetAccount(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return acc, Errorf(ENOTFOUND, "account.not_found")
	} else if err != nil {
		return acc, err
	}
	if !acc.ParentID.Valid {
		return acc, Errorf(EINVALID, "account.access.main")
	}
	return acc, nil
}

// AccountAccess returns a page of the main account's users with whether
// each may enter sub-account id (R-ACC-4); the owner first, always granted.
// Needs accounts.manage in the main account.
func (d *DB) AccountAccess(ctx context.Context, a Actor, id int64, f AccessFilter) (Page[AccessUser], error) {
	if err := requireAccountsAdmin(a); err != nil {
		return Page[AccessUser]{}, err
	}
	acc, err := subAccount(ctx, d.rq, id)
	if err != nil {
		return Page[AccessUser]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	only := int64(0)
	if f.Granted {
		only = 1
	}
	q := likeContains(f.Q)
	total, err := d.rq.CountMainAccessCandidates(ctx, sqlcdb.CountMainAccessCandidatesParams{
		MainID: acc.ParentID.Int64, Q: q, OnlyGranted: only, AccountID: id})
	if err != nil {
		return Page[AccessUser]{}, err
	}
	rows, err := d.rq.MainAccessCandidates(ctx, sqlcdb.MainAccessCandidatesParams{AccountID: id,
		MainID: acc.ParentID.Int64, Q: q, OnlyGranted: only, Lim: int64(f.PerPage),
		Off: int64((f.Page - 1) * f.PerPage)})
	if err != nil {
		return Page[AccessUser]{}, err
	}
	ends, err := accessEnds(ctx, d.rq, id)
	if err != nil {
		return Page[AccessUser]{}, err
	}
	out := Page[AccessUser]{Items: make([]AccessUser, len(rows)), Total: int(total), Page: f.Page, PerPage: f.PerPage}
	for i, r := range rows {
		owner := r.IsOwner == 1
		out.Items[i] = AccessUser{ID: r.ID, Email: r.Email, FullName: r.FullName, Status: r.Status,
			Granted: owner || r.Granted == 1, Fixed: owner, EndsAt: ends[r.ID]}
	}
	return out, nil
}

// AccountAccessIDs returns the ids of every user who may enter sub-account
// id: the owner first, then those given access. Needs accounts.manage in
// the main account.
func (d *DB) AccountAccessIDs(ctx context.Context, a Actor, id int64) ([]int64, error) {
	if err := requireAccountsAdmin(a); err != nil {
		return nil, err
	}
	if _, err := subAccount(ctx, d.rq, id); err != nil {
		return nil, err
	}
	ids, err := d.rq.AccountAccessUserIDs(ctx, id)
	if err != nil {
		return nil, err
	}
	owner, err := d.rq.GetOwner(ctx)
	if err != nil {
		return nil, err
	}
	return append([]int64{owner.ID}, slices.DeleteFunc(ids, func(u int64) bool { return u == owner.ID })...), nil
}

// AccessChange sets who may enter a sub-account. With Shown, only those
// users change: each is granted when in Granted, else withdrawn (the
// account page's checkbox list, one page at a time). Without Shown, the
// whole list is replaced by Granted (the API's PUT).
type AccessChange struct {
	Shown   []int64 `json:"-" form:"shown"`
	Granted []int64 `json:"user_ids" form:"granted"`
	All     bool    `json:"-" form:"-"`
}

// SetAccountAccess changes which main-account users may enter sub-account
// id (R-ACC-4). A withdrawal acts on the user's next request there. The
// owner's access cannot be withdrawn (R-ACC-3). Needs accounts.manage in
// the main account. Returns ENOTFOUND for the account, EINVALID (user_ids)
// for users who are not the main account's, EFORBIDDEN for withdrawing the
// owner.
func (d *DB) SetAccountAccess(ctx context.Context, a Actor, id int64, in AccessChange) error {
	if err := requireAccountsAdmin(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		acc, err := subAccount(ctx, t.Queries, id)
		if err != nil {
			return nil, err
		}
		before, err := t.AccountAccessUserIDs(ctx, id)
		if err != nil {
			return nil, err
		}
		scope := in.Shown
		if in.All {
			scope = append(slices.Clone(before), in.Granted...)
		}
		owner, err := t.GetOwner(ctx)
		if err != nil {
			return nil, err
		}
		var unknown []string
		for _, uid := range append(slices.Clone(scope), in.Granted...) {
			u, err := t.GetUser(ctx, uid)
			if err != nil || u.AccountID != acc.ParentID.Int64 {
				unknown = append(unknown, strconv.FormatInt(uid, 10))
			}
		}
		if len(unknown) > 0 {
			var v ValidationError
			v.Add("user_ids", M("account.access.not_main_users", "List", strings.Join(dedupe(unknown), ", ")))
			return nil, v.Err()
		}
		if !in.All && slices.Contains(scope, owner.ID) && !slices.Contains(in.Granted, owner.ID) {
			return nil, Errorf(EFORBIDDEN, "account.access.owner_fixed")
		}
		for _, uid := range scope {
			if uid == owner.ID {
				continue
			}
			if slices.Contains(in.Granted, uid) != slices.Contains(before, uid) {
				u, err := t.GetUser(ctx, uid)
				if err != nil {
					return nil, err
				}
				if err := t.mayActOnUser(ActAccess, u); err != nil {
					return nil, err
				}
			}
			if slices.Contains(in.Granted, uid) {
				err = t.GrantAccountAccess(ctx, sqlcdb.GrantAccountAccessParams{UserID: uid, AccountID: id})
			} else {
				_, err = t.RevokeAccountAccess(ctx, sqlcdb.RevokeAccountAccessParams{UserID: uid, AccountID: id})
			}
			if err != nil {
				return nil, err
			}
		}
		after, err := t.AccountAccessUserIDs(ctx, id)
		if err != nil {
			return nil, err
		}
		if slices.Equal(before, after) {
			return nil, nil
		}
		return one(change{Action: "account.access", TargetType: "account", TargetID: id, TargetLabel: acc.Name,
			AccountID: acc.ParentID.Int64, Before: map[string]any{"user_ids": before},
			After: map[string]any{"user_ids": after}}), nil
	})
}
func dedupe(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// AccountChoice is one sub-account on a user's access list.
type AccountChoice struct {
	Account
	Granted bool `json:"granted"`
	Fixed   bool `json:"fixed"` // the owner's: always granted
	// EndsAt is when access given until a day ends (R-GOV-2).
	EndsAt *time.Time `json:"ends_at,omitempty"`
}

// Last is a moment of the last day of access given until a day.
func (c AccountChoice) Last() time.Time { return lastMoment(c.EndsAt) }

// UserAccess is a main-account user with the sub-accounts they may enter.
type UserAccess struct {
	User     User            `json:"user"`
	Accounts []AccountChoice `json:"accounts"`
}

// mainUser reads a user of the main account for the per-user access list;
// ENOTFOUND for anyone else (a sub-account's users are never given access).
func mainUser(ctx context.Context, q *sqlcdb.Queries, id int64) (sqlcdb.User, error) {
	u, err := q.GetUser(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return u, Errorf(ENOTFOUND, "error.user_not_found")
	} else if err != nil {
		return u, err
	}
	main, err := q.MainAccount(ctx)
	if err != nil {
		return u, err
	}
	if u.AccountID != main.ID {
		return u, Errorf(ENOTFOUND, "error.user_not_found")
	}
	return u, nil
}

// GetUserAccess returns the sub-accounts a main-account user may enter,
// every sub-account with a checkbox (R-ACC-4). Needs accounts.manage in the
// main account. Returns ENOTFOUND for a user who is not the main account's.
func (d *DB) GetUserAccess(ctx context.Context, a Actor, userID int64) (UserAccess, error) {
	if err := requireAccountsAdmin(a); err != nil {
		return UserAccess{}, err
	}
	u, err := mainUser(ctx, d.rq, userID)
	if err != nil {
		return UserAccess{}, err
	}
	subs, err := d.rq.SubAccounts(ctx)
	if err != nil {
		return UserAccess{}, err
	}
	granted, err := d.rq.GrantedSubAccounts(ctx, userID)
	if err != nil {
		return UserAccess{}, err
	}
	ends, err := userAccessEnds(ctx, d.rq, userID)
	if err != nil {
		return UserAccess{}, err
	}
	out := UserAccess{User: userFrom(u), Accounts: make([]AccountChoice, len(subs))}
	for i, s := range subs {
		has := slices.ContainsFunc(granted, func(g sqlcdb.Account) bool { return g.ID == s.ID })
		out.Accounts[i] = AccountChoice{Account: accountFrom(s), Granted: has || u.IsOwner == 1, Fixed: u.IsOwner == 1,
			EndsAt: ends[s.ID]}
	}
	return out, nil
}

// SetUserAccess replaces the sub-accounts a main-account user may enter
// (R-ACC-4). The owner's list is fixed: every sub-account (R-ACC-3).
// Needs accounts.manage in the main account. Returns ENOTFOUND for the
// user, EFORBIDDEN for the owner, EINVALID (account_ids) for ids that are
// not sub-accounts.
func (d *DB) SetUserAccess(ctx context.Context, a Actor, userID int64, accountIDs []int64) error {
	if err := requireAct(a, ActAccess); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := mainUser(ctx, t.Queries, userID)
		if err != nil {
			return nil, err
		}
		subs, err := t.SubAccounts(ctx)
		if err != nil {
			return nil, err
		}
		// The owner's own list is fixed (below); everyone else's is the
		// policy's to allow.
		if u.IsOwner == 0 || !isSelf(a, u) {
			if err := t.mayActOnUser(ActAccess, u); err != nil {
				return nil, err
			}
		}
		if u.IsOwner == 1 {
			for _, s := range subs {
				if !slices.Contains(accountIDs, s.ID) {
					return nil, Errorf(EFORBIDDEN, "account.access.owner_fixed")
				}
			}
			return nil, nil // every one, as always: nothing changes
		}
		var unknown []string
		for _, id := range accountIDs {
			if !slices.ContainsFunc(subs, func(s sqlcdb.Account) bool { return s.ID == id }) {
				unknown = append(unknown, strconv.FormatInt(id, 10))
			}
		}
		if len(unknown) > 0 {
			var v ValidationError
			v.Add("account_ids", M("account.access.unknown_accounts", "List", strings.Join(dedupe(unknown), ", ")))
			return nil, v.Err()
		}
		var before, after []int64
		for _, s := range subs {
			n, err := t.HasAccountAccess(ctx, sqlcdb.HasAccountAccessParams{UserID: userID, AccountID: s.ID})
			if err != nil {
				return nil, err
			}
			if n > 0 {
				before = append(before, s.ID)
			}
			if slices.Contains(accountIDs, s.ID) {
				after = append(after, s.ID)
				err = t.GrantAccountAccess(ctx, sqlcdb.GrantAccountAccessParams{UserID: userID, AccountID: s.ID})
			} else if n > 0 {
				_, err = t.RevokeAccountAccess(ctx, sqlcdb.RevokeAccountAccessParams{UserID: userID, AccountID: s.ID})
			}
			if err != nil {
				return nil, err
			}
		}
		if slices.Equal(before, after) {
			return nil, nil
		}
		return one(change{Action: "user.account_access", TargetType: "user", TargetID: userID,
			TargetLabel: u.Email, AccountID: u.AccountID, Before: map[string]any{"account_ids": before},
			After: map[string]any{"account_ids": after}}), nil
	})
}
