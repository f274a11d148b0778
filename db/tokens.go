package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

const apiTokenPrefix = "kadra_"

// TokenInput is a new API token: its name, and how many days it works
// (0: until revoked). TokenLifetimes are the choices the form offers.
type TokenInput struct {
	Name        string `form:"name" json:"name"`
	ExpiresDays int    `form:"expires_days" json:"expires_days"`
}

// TokenLifetimes are the lifetimes, in days, a token may be given (R-MFA-6);
// 0 is "no expiry".
var TokenLifetimes = []int{30, 90, 365, 0}

// CreateAPIToken creates a bearer token for the user with the given e-mail
// and returns it; only its hash is stored, so it cannot be shown again.
// With in.ExpiresDays it stops working that many days from now (R-MFA-6).
// A user may create tokens for themselves, except while an admin acts as
// them (R-SEC-9); only the operator at the command line (System) creates
// one for another user. Returns EFORBIDDEN otherwise.
func (d *DB) CreateAPIToken(ctx context.Context, a Actor, email string, in TokenInput) (string, error) {
	name := strings.TrimSpace(in.Name)
	var v ValidationError
	checkName(&v, "name", name, 100)
	if !slices.Contains(TokenLifetimes, in.ExpiresDays) {
		v.Add("expires_days", M("token.expiry_invalid"))
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	u, err := d.rq.GetUserByEmail(ctx, normalEmail(email))
	if err != nil {
		return "", Errorf(ENOTFOUND, "error.user_not_found")
	}
	switch {
	case a.system: // the operator at the command line, for anyone
	case u.ID != a.UserID:
		// A token for someone else would be a lasting "log in as" without
		// its limits: only the operator makes one (R-SEC-2).
		return "", errForbidden
	default:
		if err := mayChangeOwnCredentials(a); err != nil {
			return "", err
		}
	}
	if _, err := d.rq.GetUserTokenByName(ctx, sqlcdb.GetUserTokenByNameParams{UserID: u.ID, Name: name}); err == nil {
		v.Conflict("name", M("token.name_taken"))
		return "", v.Err()
	}
	raw, hash, err := newSecret(apiTokenPrefix)
	if err != nil {
		return "", err
	}
	now := d.now()
	var expires sql.NullInt64
	after := map[string]any{"name": name}
	if in.ExpiresDays > 0 {
		expires = sql.NullInt64{Int64: now.AddDate(0, 0, in.ExpiresDays).Unix(), Valid: true}
		after["expires_days"] = in.ExpiresDays
	}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		err := t.CreateToken(ctx, sqlcdb.CreateTokenParams{IDHash: hash, UserID: u.ID, Kind: "api",
			Name: name, CreatedAt: now.Unix(), ExpiresAt: expires})
		return one(change{Action: "token.create", TargetType: "user", TargetID: u.ID,
			TargetLabel: u.Email, AccountID: u.AccountID, After: after}), err
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
	tok, err := d.rq.TokenActorOf(ctx, hash) // the token and its user in one read
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, errUnauthorized
	} else if err != nil {
		return Actor{}, err
	}
	now := d.now()
	if tok.ExpiresAt.Valid && now.Unix() >= tok.ExpiresAt.Int64 {
		return Actor{}, errUnauthorized
	}
	a, err := d.actorFrom(ctx, sqlcdb.ActorOfRow{ID: tok.ID, Email: tok.Email, FullName: tok.FullName,
		Status: tok.Status, IsOwner: tok.IsOwner, RoleID: tok.RoleID, AccountID: tok.AccountID,
		RoleBuiltin: tok.RoleBuiltin, Permissions: tok.Permissions, HomeIsMain: tok.HomeIsMain,
		Lang: tok.Lang, TimeZone: tok.TimeZone}, 0, 0)
	if err != nil {
		return Actor{}, err
	}
	a.IP = ip
	if tok.MustEnrol == 1 {
		// The role requires a second factor the user has not set up
		// (R-MFA-3): a token is no way around the enrolment.
		return Actor{}, Errorf(EFORBIDDEN, "mfa.must_enrol_api")
	}
	// Last use is written at most once a minute per token, like a session's
	// last-seen (R-MFA-6, R-MFA-4).
	if !tok.LastUsedAt.Valid || now.Sub(time.Unix(tok.LastUsedAt.Int64, 0)) >= touchEvery {
		if err := sqlcdb.New(d.write).TouchToken(ctx, sqlcdb.TouchTokenParams{IDHash: hash,
			LastUsedAt: sql.NullInt64{Int64: now.Unix(), Valid: true}, LastUsedIp: truncate(ip, 100)}); err != nil {
			return Actor{}, err
		}
	}
	return a, nil
}

// APIToken describes a bearer token without its secret.
type APIToken struct {
	ID         string     `json:"id"` // the SHA-256 of the token: a handle, useless to sign in with
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	LastUsedIP string     `json:"last_used_ip"`
	ExpiresAt  *time.Time `json:"expires_at"` // nil: until revoked
	Expired    bool       `json:"expired"`
}

// MyAPITokens lists the actor's own API tokens, newest first.
func (d *DB) MyAPITokens(ctx context.Context, a Actor) ([]APIToken, error) {
	if a.UserID == 0 {
		return nil, errUnauthorized
	}
	rows, err := d.rq.ListUserTokens(ctx, sqlcdb.ListUserTokensParams{UserID: a.UserID, Kind: "api"})
	if err != nil {
		return nil, err
	}
	out := make([]APIToken, len(rows))
	for i, r := range rows {
		out[i] = apiToken(d.now(), r.IDHash, r.Name, r.CreatedAt, r.ExpiresAt, r.LastUsedAt, r.LastUsedIp)
	}
	return out, nil
}

// RevokeAPIToken deletes one of the actor's own API tokens; it stops
// working at once. Returns ENOTFOUND for a token that is not theirs,
// EFORBIDDEN while an admin acts as the user (R-SEC-9).
func (d *DB) RevokeAPIToken(ctx context.Context, a Actor, id string) error {
	if err := mayChangeOwnCredentials(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		n, err := t.DeleteUserToken(ctx, sqlcdb.DeleteUserTokenParams{IDHash: id, UserID: a.UserID})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, Errorf(ENOTFOUND, "token.not_found")
		}
		return one(change{Action: "token.revoke", TargetType: "user", TargetID: a.UserID, TargetLabel: a.Email}), nil
	})
}

// RevokeAPITokenByName deletes a user's API token by its name, for the
// command line (System). Returns EFORBIDDEN for anyone else.
func (d *DB) RevokeAPITokenByName(ctx context.Context, a Actor, email, name string) error {
	if !a.system {
		return errForbidden
	}
	u, err := d.rq.GetUserByEmail(ctx, normalEmail(email))
	if err != nil {
		return Errorf(ENOTFOUND, "error.user_not_found")
	}
	tok, err := d.rq.GetUserTokenByName(ctx, sqlcdb.GetUserTokenByNameParams{UserID: u.ID, Name: strings.TrimSpace(name)})
	if err != nil {
		return Errorf(ENOTFOUND, "token.not_found")
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		_, err := t.DeleteUserToken(ctx, sqlcdb.DeleteUserTokenParams{IDHash: tok.IDHash, UserID: u.ID})
		return one(change{Action: "token.revoke", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			AccountID: u.AccountID, Before: map[string]string{"name": tok.Name}}), err
	})
}

func apiToken(now time.Time, id, name string, created int64, expires, lastUsed sql.NullInt64, ip string) APIToken {
	return APIToken{ID: id, Name: name, CreatedAt: unixTime(created), LastUsedAt: unixTimePtr(lastUsed),
		LastUsedIP: ip, ExpiresAt: unixTimePtr(expires), Expired: expires.Valid && now.Unix() >= expires.Int64}
}
