package db

import (
	"context"
	"time"

	"kadra/db/internal/sqlcdb"
)

// Account is the main account or a sub-account (R-ACC-1, R-ACC-2).
type Account struct {
	ID         int64     `json:"id"`
	ParentID   int64     `json:"parent_id,omitempty"`
	Name       string    `json:"name"`
	ExternalID string    `json:"external_id"`
	SIPDomain  string    `json:"sip_domain"`
	CreatedAt  time.Time `json:"created_at"`
}

func accountFrom(a sqlcdb.Account) Account {
	return Account{ID: a.ID, ParentID: a.ParentID.Int64, Name: a.Name, ExternalID: a.ExternalID,
		SIPDomain: a.SipDomain, CreatedAt: time.Unix(a.CreatedAt, 0).UTC()}
}

// CurrentAccount returns the account the actor acts in.
func (d *DB) CurrentAccount(ctx context.Context, a Actor) (Account, error) {
	if !a.Valid() {
		return Account{}, errUnauthorized
	}
	acc, err := d.rq.GetAccount(ctx, a.AccountID)
	if err != nil {
		return Account{}, notFound(err)
	}
	return accountFrom(acc), nil
}
