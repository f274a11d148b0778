package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

const apiTokenPrefix = "kadra_"

// CreateAPIToken creates a bearer token for the user with the given e-mail
// and returns it; only its hash is stored, so it cannot be shown again.
// A user may create tokens for themselves; creating one for another user
// needs users.manage (the CLI acts as System).
func (d *DB) CreateAPIToken(ctx context.Context, a Actor, email, name string) (string, error) {
	name = strings.TrimSpace(name)
	var v ValidationError
	checkName(&v, "name", name, 100)
	if err := v.Err(); err != nil {
		return "", err
	}
	u, err := d.rq.GetUserByEmail(ctx, normalEmail(email))
	if err != nil {
		return "", Errorf(ENOTFOUND, "error.user_not_found")
	}
	if u.ID != a.UserID {
		if err := a.require(PermUsersManage); err != nil {
			return "", err
		}
		if !a.system && u.AccountID != a.AccountID {
			return "", Errorf(ENOTFOUND, "error.user_not_found")
		}
	}
	raw, hash, err := newSecret(apiTokenPrefix)
	if err != nil {
		return "", err
	}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		err := t.CreateToken(ctx, sqlcdb.CreateTokenParams{IDHash: hash, UserID: u.ID, Kind: "api",
			Name: name, CreatedAt: d.unix()})
		return one(change{Action: "token.create", TargetType: "user", TargetID: u.ID,
			TargetLabel: u.Email, AccountID: u.AccountID, After: map[string]string{"name": name}}), err
	})
	return raw, err
}

// TokenActor returns the Actor behind a bearer token, read fresh on every
// request: a blocked or deleted user's tokens stop working at once.
// Returns EUNAUTHORIZED for an unknown, expired or orphaned token.
func (d *DB) TokenActor(ctx context.Context, raw, ip string) (Actor, error) {
	if !strings.HasPrefix(raw, apiTokenPrefix) || len(raw) > 100 {
		return Actor{}, errUnauthorized
	}
	hash := hashSecret(raw)
	tok, err := d.rq.GetToken(ctx, sqlcdb.GetTokenParams{IDHash: hash, Kind: "api"})
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, errUnauthorized
	} else if err != nil {
		return Actor{}, err
	}
	now := d.now()
	if tok.ExpiresAt.Valid && now.Unix() >= tok.ExpiresAt.Int64 {
		return Actor{}, errUnauthorized
	}
	a, err := d.actorFor(ctx, tok.UserID, 0, 0)
	if err != nil {
		return Actor{}, err
	}
	a.IP = ip
	if !tok.LastUsedAt.Valid || now.Sub(time.Unix(tok.LastUsedAt.Int64, 0)) > touchEvery {
		if err := sqlcdb.New(d.write).TouchToken(ctx, sqlcdb.TouchTokenParams{IDHash: hash,
			LastUsedAt: sql.NullInt64{Int64: now.Unix(), Valid: true}}); err != nil {
			return Actor{}, err
		}
	}
	return a, nil
}
