package db

import (
	"context"
	"database/sql"
	"errors"

	"kadra/db/internal/sqlcdb"
)

// mayEnter reports whether the actor's user may act in account id: their
// own account always; a sub-account only when they belong to the main
// account and are the owner (R-ACC-3) or were given access to it (R-ACC-4).
// A sub-account's users never leave it (R-ACC-5). Access past its end
// (R-GOV-2, now in unix seconds) lets nobody in, swept or not.
func mayEnter(ctx context.Context, q *sqlcdb.Queries, a Actor, id, now int64) (bool, error) {
	if id == a.HomeAccountID {
		return true, nil
	}
	if !a.HomeIsMain || a.UserID == 0 {
		return false, nil
	}
	acc, err := q.GetAccount(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if !acc.ParentID.Valid {
		return false, nil
	}
	if a.IsOwner {
		return true, nil
	}
	n, err := q.HasLiveAccountAccess(ctx, sqlcdb.HasLiveAccountAccessParams{UserID: a.UserID, AccountID: id, Now: sql.NullInt64{Int64: now, Valid: true}})
	return n > 0, err
}

// EnterableAccounts lists the accounts the actor may act in: their own
// first, then the sub-accounts they may enter, by name (R-ACC-6).
func (d *DB) EnterableAccounts(ctx context.Context, a Actor) ([]Account, error) {
	if a.UserID == 0 {
		return nil, errUnauthorized
	}
	home, err := d.rq.GetAccount(ctx, a.HomeAccountID)
	if err != nil {
		return nil, notFound(err)
	}
	out := []Account{accountFrom(home)}
	if !a.HomeIsMain {
		return out, nil
	}
	var subs []sqlcdb.Account
	if a.IsOwner {
		subs, err = d.rq.SubAccounts(ctx)
	} else {
		subs, err = d.rq.GrantedSubAccounts(ctx, a.UserID)
	}
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		out = append(out, accountFrom(s))
	}
	return out, nil
}

// CanSwitchAccount reports whether "Switch account" shows for the actor:
// a main-account user with access to at least one sub-account (R-ACC-6).
func (d *DB) CanSwitchAccount(ctx context.Context, a Actor) (bool, error) {
	if a.UserID == 0 || !a.HomeIsMain {
		return false, nil
	}
	var n int64
	var err error
	if a.IsOwner {
		n, err = d.rq.CountSubAccounts(ctx)
	} else {
		n, err = d.rq.CountGrantedSubAccounts(ctx, a.UserID)
	}
	return n > 0 || a.AccountID != a.HomeAccountID, err
}

// SwitchAccount makes the actor's session act in another account (R-ACC-6)
// until they switch again or sign out; the choice lives in the session row.
// In a sub-account they act with their own role's permissions (R-ACC-4).
// Returns ENOTFOUND for an account they may not enter, EINVALID outside a
// browser session (the API names the account in X-Kadra-Account instead).
func (d *DB) SwitchAccount(ctx context.Context, a Actor, id int64) (Account, error) {
	if a.UserID == 0 {
		return Account{}, errUnauthorized
	}
	if a.SessionHash == "" {
		return Account{}, Errorf(EINVALID, "account.switch.no_session")
	}
	var out Account
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		ok, err := mayEnter(ctx, t.Queries, a, id, t.d.unix())
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, Errorf(ENOTFOUND, "account.not_found")
		}
		acc, err := t.GetAccount(ctx, id)
		if err != nil {
			return nil, err
		}
		out = accountFrom(acc)
		if id == a.AccountID {
			return nil, nil
		}
		if err := t.SetSessionAccount(ctx, sqlcdb.SetSessionAccountParams{IDHash: a.SessionHash,
			ActingAccountID: id}); err != nil {
			return nil, err
		}
		return one(change{Action: "account.switch", TargetType: "account", TargetID: id, TargetLabel: acc.Name,
			AccountID: id, Before: map[string]int64{"account_id": a.AccountID},
			After: map[string]int64{"account_id": id}}), nil
	})
	return out, err
}

// ActorIn returns the actor acting in account id instead, for an API
// request naming it in X-Kadra-Account. Returns ENOTFOUND for an account
// the actor's user may not enter, so that other accounts' ids reveal
// nothing (R-ACC-5).
func (d *DB) ActorIn(ctx context.Context, a Actor, id int64) (Actor, error) {
	if !a.Valid() {
		return Actor{}, errUnauthorized
	}
	ok, err := mayEnter(ctx, d.rq, a, id, d.unix())
	if err != nil {
		return Actor{}, err
	}
	if !ok {
		return Actor{}, Errorf(ENOTFOUND, "account.not_found")
	}
	a.AccountID = id
	return a, nil
}
