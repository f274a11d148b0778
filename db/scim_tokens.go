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

// This file holds the tokens an identity provider uses to provision users
// over SCIM 2.0 (issue 17), and the Actor behind one. A SCIM token is made
// by an admin with users.manage for the account they act in; it acts there
// as "SCIM: <name>" in the audit log, with the acts its creator could take
// (scimActs they held), and is bounded by R-SEC-2 through its ceiling
// role: policy.go weighs every target and every role given against the
// ceiling (Actor.ceiling), so the token never touches the owner nor anyone
// whose role holds a permission the ceiling lacks.

const scimTokenPrefix = "kadra_scim_"

// scimActs are the permissions a SCIM token may carry: what provisioning
// users and groups takes. It carries those of them its creator held.
var scimActs = []Permission{PermUsersView, PermUsersManage, PermUsersBlock, PermUsersDelete, PermGroupsManage}

// SCIMTokenInput is a new SCIM token: its name, the strongest role whose
// users it may touch (Ceiling), and what a user it creates gets when the
// provider says nothing (DefaultRoleID, DefaultPositionID).
type SCIMTokenInput struct {
	Name              string `form:"name" json:"name"`
	CeilingRoleID     int64  `form:"ceiling_role_id" json:"ceiling_role_id"`
	DefaultRoleID     int64  `form:"default_role_id" json:"default_role_id"`
	DefaultPositionID int64  `form:"default_position_id" json:"default_position_id"`
}

// SCIMToken describes a SCIM token without its secret.
type SCIMToken struct {
	ID                string     `json:"id"` // the SHA-256 of the token: a handle, useless to sign in with
	Name              string     `json:"name"`
	CeilingRoleID     int64      `json:"ceiling_role_id"`
	DefaultRoleID     int64      `json:"default_role_id"`
	DefaultPositionID int64      `json:"default_position_id"`
	Permissions       []string   `json:"permissions"`
	CreatedBy         string     `json:"created_by"`
	CreatedAt         time.Time  `json:"created_at"`
	LastUsedAt        *time.Time `json:"last_used_at"`
}

// MayManageSCIM says whether the actor may see and manage the account's
// SCIM tokens (Settings -> Katalog): the owner or users.manage.
// Returns EFORBIDDEN.
func MayManageSCIM(a Actor) error {
	if a.ceiling != nil { // a SCIM token never makes another
		return errForbidden
	}
	return a.require(PermUsersManage)
}

// CreateSCIMToken makes a SCIM token for the acting account and returns it;
// only its hash is kept, so it is shown this once. The ceiling must be a
// role within the creator's own (R-SEC-2), the default role within the
// ceiling, the default position a position of the account. Not while
// logged in as someone (R-SEC-9). Needs users.manage.
// Returns EFORBIDDEN, EINVALID per field, ECONFLICT for a taken name.
func (d *DB) CreateSCIMToken(ctx context.Context, a Actor, in SCIMTokenInput) (string, error) {
	if err := MayManageSCIM(a); err != nil {
		return "", err
	}
	if err := mayChangeOwnCredentials(a); err != nil {
		return "", err
	}
	in.Name = strings.TrimSpace(in.Name)
	var perms []string
	for _, p := range scimActs {
		if a.Can(p) {
			perms = append(perms, string(p))
		}
	}
	raw, hash, err := newSecret(scimTokenPrefix)
	if err != nil {
		return "", err
	}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		var v ValidationError
		checkName(&v, "name", in.Name, 100)
		if _, err := t.SCIMTokenNamed(ctx, sqlcdb.SCIMTokenNamedParams{AccountID: a.AccountID, Name: in.Name}); err == nil {
			v.Conflict("name", M("scim.token_name_taken"))
		}
		ceiling, err := t.GetRole(ctx, in.CeilingRoleID)
		if err != nil {
			v.Add("ceiling_role_id", M("error.required"))
		} else if err := t.mayGiveRole(ceiling.ID); err != nil {
			v.Add("ceiling_role_id", M("role.above_own"))
		}
		if _, err := t.GetRole(ctx, in.DefaultRoleID); err != nil {
			v.Add("default_role_id", M("error.required"))
		} else if err == nil && ceiling.ID != 0 {
			missing, err := missingPermission(ctx, t.Queries, Actor{ceiling: t.rolePerms(ceiling)}, in.DefaultRoleID)
			if err != nil {
				return nil, err
			}
			if missing != "" {
				v.Add("default_role_id", M("scim.default_above_ceiling"))
			}
		}
		if ok, err := t.isPosition(in.DefaultPositionID); err != nil {
			return nil, err
		} else if !ok {
			v.Add("default_position_id", M("user.position_unknown"))
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := t.CreateSCIMToken(ctx, sqlcdb.CreateSCIMTokenParams{IDHash: hash, AccountID: a.AccountID,
			Name: in.Name, CeilingRoleID: in.CeilingRoleID, DefaultRoleID: in.DefaultRoleID,
			DefaultPositionID: in.DefaultPositionID, Permissions: strings.Join(perms, ","),
			CreatedBy: a.Email, CreatedAt: d.unix()}); err != nil {
			return nil, err
		}
		return one(change{Action: "scim_token.create", TargetType: "scim_token", TargetLabel: in.Name,
			After: map[string]any{"name": in.Name, "ceiling_role_id": in.CeilingRoleID,
				"role_id": in.DefaultRoleID, "position_id": in.DefaultPositionID}}), nil
	})
	if err != nil {
		return "", err
	}
	return raw, nil
}

// rolePerms reads the permissions of a role as a ceiling: the whole
// catalogue for Administrator (R-ROLE-6).
func (t *tx) rolePerms(r sqlcdb.Role) map[Permission]bool {
	return rolePermSet(t.ctx, t.Queries, r)
}

func rolePermSet(ctx context.Context, q *sqlcdb.Queries, r sqlcdb.Role) map[Permission]bool {
	out := map[Permission]bool{}
	if r.Builtin == BuiltinAdministrator {
		for _, p := range AllPermissions() {
			out[p] = true
		}
		return out
	}
	keys, _ := q.RolePermissions(ctx, r.ID)
	for _, k := range keys {
		out[Permission(k)] = true
	}
	return out
}

// SCIMTokens lists the acting account's SCIM tokens, newest first.
// Returns EFORBIDDEN without users.manage.
func (d *DB) SCIMTokens(ctx context.Context, a Actor) ([]SCIMToken, error) {
	if err := MayManageSCIM(a); err != nil {
		return nil, err
	}
	rows, err := d.rq.ListSCIMTokens(ctx, a.AccountID)
	if err != nil {
		return nil, err
	}
	out := make([]SCIMToken, len(rows))
	for i, r := range rows {
		out[i] = SCIMToken{ID: r.IDHash, Name: r.Name, CeilingRoleID: r.CeilingRoleID, DefaultRoleID: r.DefaultRoleID,
			DefaultPositionID: r.DefaultPositionID, Permissions: strings.Split(r.Permissions, ","),
			CreatedBy: r.CreatedBy, CreatedAt: unixTime(r.CreatedAt), LastUsedAt: unixTimePtr(r.LastUsedAt)}
	}
	return out, nil
}

// RevokeSCIMToken deletes a SCIM token of the acting account; it stops
// working at once. Returns ENOTFOUND, EFORBIDDEN.
func (d *DB) RevokeSCIMToken(ctx context.Context, a Actor, id string) error {
	if err := MayManageSCIM(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		tok, err := t.GetSCIMToken(ctx, id)
		if err != nil || tok.AccountID != a.AccountID {
			return nil, Errorf(ENOTFOUND, "token.not_found")
		}
		if _, err := t.DeleteSCIMToken(ctx, sqlcdb.DeleteSCIMTokenParams{IDHash: id, AccountID: a.AccountID}); err != nil {
			return nil, err
		}
		return one(change{Action: "scim_token.revoke", TargetType: "scim_token", TargetLabel: tok.Name,
			Before: map[string]any{"name": tok.Name}}), nil
	})
}

// SCIMActor returns the Actor behind a SCIM bearer token, read fresh on
// every request: it acts in the token's account, as "SCIM: <name>", with
// the token's acts and its ceiling role (R-SEC-2). Returns EUNAUTHORIZED
// for an unknown token. The second value is the token.
func (d *DB) SCIMActor(ctx context.Context, raw, ip string) (Actor, SCIMToken, error) {
	if !strings.HasPrefix(raw, scimTokenPrefix) || len(raw) > 100 {
		return Actor{}, SCIMToken{}, errUnauthorized
	}
	hash := hashSecret(raw)
	tok, err := d.rq.GetSCIMToken(ctx, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, SCIMToken{}, errUnauthorized
	} else if err != nil {
		return Actor{}, SCIMToken{}, err
	}
	role, err := d.rq.GetRole(ctx, tok.CeilingRoleID)
	if err != nil {
		return Actor{}, SCIMToken{}, errUnauthorized
	}
	a := Actor{Email: "SCIM: " + tok.Name, Name: "SCIM: " + tok.Name, AccountID: tok.AccountID,
		HomeAccountID: tok.AccountID, Perms: map[Permission]bool{}, IP: ip,
		ceiling: rolePermSet(ctx, d.rq, role)}
	for _, p := range strings.Split(tok.Permissions, ",") {
		if slices.Contains(scimActs, Permission(p)) {
			a.Perms[Permission(p)] = true
		}
	}
	now := d.now()
	if !tok.LastUsedAt.Valid || now.Sub(time.Unix(tok.LastUsedAt.Int64, 0)) >= touchEvery {
		if err := d.update(ctx, a, func(t *tx) ([]change, error) {
			return nil, t.TouchSCIMToken(ctx, sqlcdb.TouchSCIMTokenParams{IDHash: hash,
				LastUsedAt: sql.NullInt64{Int64: now.Unix(), Valid: true}})
		}); err != nil {
			return Actor{}, SCIMToken{}, err
		}
	}
	return a, SCIMToken{ID: tok.IDHash, Name: tok.Name, CeilingRoleID: tok.CeilingRoleID,
		DefaultRoleID: tok.DefaultRoleID, DefaultPositionID: tok.DefaultPositionID}, nil
}

// SCIMRequest is one SCIM request and its result, for Settings -> Katalog.
type SCIMRequest struct {
	At        time.Time
	TokenName string
	Method    string
	Path      string
	Status    int
	Detail    string
}

// LogSCIMRequest keeps one SCIM request and its result, and only the
// newest 50 of the account (a bounded table, R-SEC-6). It is a record of
// traffic, not a change, so it has no audit row; the changes a request
// made have theirs.
func (d *DB) LogSCIMRequest(ctx context.Context, a Actor, r SCIMRequest) error {
	if a.ceiling == nil {
		return errForbidden
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		if err := t.InsertSCIMRequest(ctx, sqlcdb.InsertSCIMRequestParams{AccountID: a.AccountID, At: d.unix(),
			TokenName: truncate(r.TokenName, 100), Method: truncate(r.Method, 10), Path: truncate(r.Path, 300),
			Status: int64(r.Status), Detail: truncate(r.Detail, 300)}); err != nil {
			return nil, err
		}
		return nil, t.TrimSCIMRequests(ctx, a.AccountID)
	})
}

// SCIMRequests returns the acting account's last 50 SCIM requests, newest
// first. Returns EFORBIDDEN without users.manage.
func (d *DB) SCIMRequests(ctx context.Context, a Actor) ([]SCIMRequest, error) {
	if err := MayManageSCIM(a); err != nil {
		return nil, err
	}
	rows, err := d.rq.ListSCIMRequests(ctx, a.AccountID)
	if err != nil {
		return nil, err
	}
	out := make([]SCIMRequest, len(rows))
	for i, r := range rows {
		out[i] = SCIMRequest{At: unixTime(r.At), TokenName: r.TokenName, Method: r.Method, Path: r.Path,
			Status: int(r.Status), Detail: r.Detail}
	}
	return out, nil
}
