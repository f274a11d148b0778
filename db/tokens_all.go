package db

import (
	"context"

	"kadra/db/internal/sqlcdb"
)

// InstallationToken is an API token on the owner's list of every token in
// the installation, with whom it acts as (R-MFA-6).
type InstallationToken struct {
	APIToken
	UserID    int64  `json:"user_id"`
	UserEmail string `json:"user_email"`
	UserName  string `json:"user_name"`
}

// TokensQuery is the page of the owner's list of tokens.
type TokensQuery struct {
	Page    int `query:"page"`
	PerPage int `query:"per_page"`
}

// AllAPITokens returns a page of every API token in the installation, of
// every account, newest first, with its owner and last use (R-MFA-6). Only
// the owner sees it. Returns EFORBIDDEN for anyone else.
func (d *DB) AllAPITokens(ctx context.Context, a Actor, q TokensQuery) (Page[InstallationToken], error) {
	if err := requireOwnerOrSystem(a); err != nil {
		return Page[InstallationToken]{}, err
	}
	q.Page, q.PerPage = normalPage(q.Page, q.PerPage, 50)
	total, err := d.rq.CountAllAPITokens(ctx)
	if err != nil {
		return Page[InstallationToken]{}, err
	}
	rows, err := d.rq.ListAllAPITokens(ctx, sqlcdb.ListAllAPITokensParams{Lim: int64(q.PerPage),
		Off: int64((q.Page - 1) * q.PerPage)})
	if err != nil {
		return Page[InstallationToken]{}, err
	}
	p := Page[InstallationToken]{Page: q.Page, PerPage: q.PerPage, Total: int(total),
		Items: make([]InstallationToken, len(rows))}
	now := d.now()
	for i, r := range rows {
		p.Items[i] = InstallationToken{APIToken: apiToken(now, r.IDHash, r.Name, r.CreatedAt, r.ExpiresAt,
			r.LastUsedAt, r.LastUsedIp), UserID: r.UserID, UserEmail: r.Email, UserName: r.FullName}
	}
	return p, nil
}

// RevokeAnyAPIToken deletes any API token of the installation, for the
// owner (R-MFA-6); it stops working at once. Audited in the account of the
// token's user. Returns EFORBIDDEN for anyone else, ENOTFOUND for an
// unknown token.
func (d *DB) RevokeAnyAPIToken(ctx context.Context, a Actor, id string) error {
	if err := requireOwnerOrSystem(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		tok, err := t.GetAPIToken(ctx, id)
		if err != nil {
			return nil, Errorf(ENOTFOUND, "token.not_found")
		}
		if _, err := t.DeleteAPIToken(ctx, id); err != nil {
			return nil, err
		}
		return one(change{Action: "token.revoke", TargetType: "user", TargetID: tok.UserID, TargetLabel: tok.Email,
			AccountID: tok.AccountID, Before: map[string]string{"name": tok.Name}}), nil
	})
}
