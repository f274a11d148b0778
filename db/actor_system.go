package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// SystemIn is the System actor acting in the account named name (any
// case), or in the main account when name is empty: for commands such as
// "kadra import" that work on one account's data. It is audited as
// "system". Returns ENOTFOUND (message csv.unknown_account) for an unknown
// name, or when there is no main account yet.
func (d *DB) SystemIn(ctx context.Context, name string) (Actor, error) {
	a := System()
	var id int64
	var err error
	if name = strings.TrimSpace(name); name == "" {
		acc, merr := d.rq.MainAccount(ctx)
		id, err = acc.ID, merr
	} else {
		acc, aerr := d.rq.AccountByName(ctx, name)
		id, err = acc.ID, aerr
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, Errorf(ENOTFOUND, "csv.unknown_account", "Name", name)
	} else if err != nil {
		return Actor{}, err
	}
	a.AccountID, a.HomeAccountID = id, id
	return a, nil
}
