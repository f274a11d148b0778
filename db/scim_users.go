package db

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// A user as an identity provider sees it over SCIM (issue 17). Creating,
// changing, blocking and deleting one goes through the same domain
// functions as the user form and the API (createUser, PatchUser,
// BlockUser, DeleteUserIfMatch), so one rule set holds on every path
// (R-SEC-2, R-USER-9); this file only turns the provider's names (an
// extension, a caller ID number, a role or position by name) into kadra's
// ids, the way the form's pickers would.

// DirectoryUser is a user of the acting account for SCIM.
type DirectoryUser struct {
	ID          int64
	Email       string
	NotifyEmail string
	FullName    string
	WorkPhone   string
	Active      bool // not blocked
	Status      string
	ExternalID  string
	Extension   string
	CallerID    string
	SMSSender   string
	Role        string
	Position    string
	IsOwner     bool
	Created     time.Time
	Updated     time.Time
	Version     string // ETag of the user, as the API's (UserDetails)
	Groups      []DirectoryMember
}

// DirectoryChange is what a provider sets on a user; nil fields keep what
// the user has (for a new user: the token's defaults, an extension picked
// or made as the form would).
type DirectoryChange struct {
	Email, NotifyEmail, FullName, WorkPhone, ExternalID *string
	Extension, CallerID, SMSSender, Role, Position      *string
	Active                                              *bool
	IfMatch                                             string // the version the provider read; "" for any
}

// DirectoryDefaults are a SCIM token's choices for a new user.
type DirectoryDefaults struct {
	RoleID, PositionID int64
}

// DirectoryQuery narrows a list: by login e-mail or externalId (each
// found by index), else a page of every user by id.
type DirectoryQuery struct {
	Email, ExternalID *string
	Offset, Limit     int
}

// names of the account's roles and positions in both languages, for
// reading a provider's "role by name".
type directoryNames struct {
	roles     map[int64]string
	positions map[int64]string
	groups    map[int64]string
	roleIDs   map[string]int64
	posIDs    map[string]int64
}

func (d *DB) directoryNames(ctx context.Context, q *sqlcdb.Queries, a Actor) (directoryNames, error) {
	n := directoryNames{roles: map[int64]string{}, positions: map[int64]string{}, groups: map[int64]string{}, roleIDs: map[string]int64{},
		posIDs: map[string]int64{}}
	roles, err := q.RoleNames(ctx)
	if err != nil {
		return n, err
	}
	for _, r := range roles {
		n.roles[r.ID] = d.names.roleName(directoryLang, r.Name, r.Builtin)
		for _, l := range []string{"pl", "en"} {
			n.roleIDs[strings.ToLower(d.names.roleName(l, r.Name, r.Builtin))] = r.ID
		}
	}
	for _, l := range []string{"en", "pl"} {
		tree, err := d.groupTree(ctx, q, a.AccountID, l)
		if err != nil {
			return n, err
		}
		for _, g := range tree {
			switch {
			case g.Position:
				n.posIDs[strings.ToLower(g.Name)] = g.ID
				if l == directoryLang {
					n.positions[g.ID] = g.Name
				}
			case !g.Builtin && l == directoryLang:
				n.groups[g.ID] = g.Name
			}
		}
	}
	return n, nil
}

// directoryLang is the language built-in names are given to a provider
// in: the office's own. Either language's name is accepted back.
const directoryLang = "pl"

func (d *DB) directoryUser(ctx context.Context, q *sqlcdb.Queries, a Actor, n directoryNames, id int64) (DirectoryUser, error) {
	r, err := q.SCIMUser(ctx, sqlcdb.SCIMUserParams{ID: id, AccountID: a.AccountID})
	if errors.Is(err, sql.ErrNoRows) {
		return DirectoryUser{}, Errorf(ENOTFOUND, "error.user_not_found")
	} else if err != nil {
		return DirectoryUser{}, err
	}
	det, err := userDetails(ctx, q, a.AccountID, id)
	if err != nil {
		return DirectoryUser{}, err
	}
	return DirectoryUser{ID: r.ID, Email: r.Email, NotifyEmail: r.NotifyEmail, FullName: r.FullName,
		WorkPhone: r.WorkPhone, Active: r.Status != StatusBlocked, Status: r.Status, ExternalID: r.ExternalID,
		Extension: r.Extension, CallerID: r.CallerID, SMSSender: r.SmsSender, Role: n.roles[r.RoleID],
		Position: n.positions[r.PositionID.Int64], IsOwner: r.IsOwner == 1, Created: unixTime(r.CreatedAt),
		Updated: unixTime(r.UpdatedAt), Version: ETag(det), Groups: groupsOf(n, det.GroupIDs)}, nil
}

func groupsOf(n directoryNames, ids []int64) []DirectoryMember {
	out := []DirectoryMember{}
	for _, id := range ids {
		if name, ok := n.groups[id]; ok {
			out = append(out, DirectoryMember{ID: id, Display: name})
		}
	}
	return out
}

// GetDirectoryUser returns a user of the acting account. Needs users.view.
// Returns ENOTFOUND outside the account (R-ACC-5).
func (d *DB) GetDirectoryUser(ctx context.Context, a Actor, id int64) (DirectoryUser, error) {
	if err := a.require(PermUsersView); err != nil {
		return DirectoryUser{}, err
	}
	n, err := d.directoryNames(ctx, d.rq, a)
	if err != nil {
		return DirectoryUser{}, err
	}
	return d.directoryUser(ctx, d.rq, a, n, id)
}

// DirectoryUsers returns the users q asks for and how many there are in
// all. A login e-mail or externalId is looked up by index, so a
// provider's "userName eq" costs the same at 100,000 users as at ten.
// Needs users.view.
func (d *DB) DirectoryUsers(ctx context.Context, a Actor, q DirectoryQuery) ([]DirectoryUser, int, error) {
	if err := a.require(PermUsersView); err != nil {
		return nil, 0, err
	}
	var ids []int64
	total := 0
	switch {
	case q.Email != nil:
		id, err := d.rq.SCIMUserByEmail(ctx, sqlcdb.SCIMUserByEmailParams{Email: normalEmail(*q.Email), AccountID: a.AccountID})
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, 0, err
		}
		if err == nil {
			ids = []int64{id}
		}
		total = len(ids)
		ids = pageOf(ids, q.Offset, q.Limit)
	case q.ExternalID != nil:
		found, err := d.rq.SCIMUsersByExternalID(ctx, sqlcdb.SCIMUsersByExternalIDParams{AccountID: a.AccountID, ExternalID: *q.ExternalID})
		if err != nil {
			return nil, 0, err
		}
		total = len(found)
		ids = pageOf(found, q.Offset, q.Limit)
	default:
		n, err := d.rq.SCIMCountUsers(ctx, a.AccountID)
		if err != nil {
			return nil, 0, err
		}
		total = int(n)
		if ids, err = d.rq.SCIMUserIDs(ctx, sqlcdb.SCIMUserIDsParams{AccountID: a.AccountID, Lim: int64(q.Limit), Off: int64(q.Offset)}); err != nil {
			return nil, 0, err
		}
	}
	n, err := d.directoryNames(ctx, d.rq, a)
	if err != nil {
		return nil, 0, err
	}
	out := make([]DirectoryUser, 0, len(ids))
	for _, id := range ids {
		u, err := d.directoryUser(ctx, d.rq, a, n, id)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, nil
}

func pageOf(ids []int64, off, lim int) []int64 {
	if off >= len(ids) {
		return nil
	}
	return ids[off:min(off+lim, len(ids))]
}

// resolve turns a provider's names into the form's ids; each unknown name
// is a message on its SCIM field. cur is the user as they are (zero for a
// new one).
func (d *DB) resolveDirectory(ctx context.Context, a Actor, n directoryNames, c DirectoryChange, cur DirectoryUser, patch *UserPatch) error {
	var v ValidationError
	if c.Role != nil && !strings.EqualFold(*c.Role, cur.Role) {
		id, ok := n.roleIDs[strings.ToLower(strings.TrimSpace(*c.Role))]
		if !ok {
			v.Add("role", M("scim.role_unknown", "Name", *c.Role))
		}
		patch.RoleID = &id
	}
	if c.Position != nil && !strings.EqualFold(*c.Position, cur.Position) {
		id, ok := n.posIDs[strings.ToLower(strings.TrimSpace(*c.Position))]
		if !ok {
			v.Add("position", M("scim.position_unknown", "Name", *c.Position))
		}
		patch.PositionID = &id
	}
	if c.CallerID != nil && *c.CallerID != cur.CallerID {
		var id int64
		if *c.CallerID != "" {
			var err error
			if id, err = d.rq.PhoneNumberByValue(ctx, sqlcdb.PhoneNumberByValueParams{AccountID: a.AccountID, Number: *c.CallerID}); err != nil {
				v.Add("callerId", M("scim.number_unknown", "Name", *c.CallerID))
			}
		}
		patch.CallNumberID = &id
	}
	if c.SMSSender != nil && *c.SMSSender != cur.SMSSender {
		var id int64
		if *c.SMSSender != "" {
			var err error
			if id, err = d.rq.SMSSenderByValue(ctx, sqlcdb.SMSSenderByValueParams{AccountID: a.AccountID, Sender: *c.SMSSender}); err != nil {
				v.Add("smsSender", M("scim.number_unknown", "Name", *c.SMSSender))
			}
		}
		patch.SMSSenderID = &id
	}
	ext := ""
	if c.Extension != nil {
		ext = strings.TrimSpace(*c.Extension)
	}
	switch {
	case ext != "" && ext != cur.Extension: // pick the free one, or make it (R-SIP-2)
		s, err := d.rq.SIPAccountByExtension(ctx, sqlcdb.SIPAccountByExtensionParams{AccountID: a.AccountID, Extension: ext})
		switch {
		case errors.Is(err, sql.ErrNoRows):
			patch.Extension = &ext
		case err != nil:
			return err
		case s.UserID.Valid:
			v.Conflict("extension", M("scim.extension_taken", "Name", ext))
		default:
			patch.SIPAccountID = &s.ID
		}
	case cur.ID == 0: // R-USER-6: a free extension, else the next number
		if id, err := d.rq.FirstFreeSIPAccount(ctx, a.AccountID); err == nil {
			patch.SIPAccountID = &id
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		} else {
			next, err := d.rq.MaxNumericExtension(ctx, a.AccountID)
			if err != nil {
				return err
			}
			e := "1001"
			if next > 0 {
				e = strconv.FormatInt(next+1, 10)
			}
			patch.Extension = &e
		}
	}
	return v.Err()
}

// CreateDirectoryUser creates a user in the acting account from what a
// provider sent, with the token's defaults for what it did not: through
// createUser, the user form's own transaction, with the same checks
// (R-USER-2, R-SEC-2: a role above the token's ceiling is refused). The
// user is created without a password and signs in through the provider;
// Active false blocks them at once. Needs users.manage.
// Returns EINVALID per field, ECONFLICT for a taken e-mail or extension.
func (d *DB) CreateDirectoryUser(ctx context.Context, a Actor, def DirectoryDefaults, c DirectoryChange) (DirectoryUser, error) {
	if err := a.require(PermUsersManage); err != nil {
		return DirectoryUser{}, err
	}
	n, err := d.directoryNames(ctx, d.rq, a)
	if err != nil {
		return DirectoryUser{}, err
	}
	var p UserPatch
	if err := d.resolveDirectory(ctx, a, n, c, DirectoryUser{}, &p); err != nil {
		return DirectoryUser{}, err
	}
	in := UserInput{RoleID: def.RoleID, PositionID: def.PositionID}
	setTo(&in.Email, c.Email)
	setTo(&in.NotifyEmail, c.NotifyEmail)
	setTo(&in.FullName, c.FullName)
	setTo(&in.WorkPhone, c.WorkPhone)
	if strings.TrimSpace(in.FullName) == "" { // a provider may send no name: the form needs one
		in.FullName = in.Email
	}
	setTo(&in.RoleID, p.RoleID)
	setTo(&in.PositionID, p.PositionID)
	setTo(&in.SIPAccountID, p.SIPAccountID)
	setTo(&in.NewExtension, p.Extension)
	setTo(&in.CallNumberID, p.CallNumberID)
	setTo(&in.SMSSenderID, p.SMSSenderID)
	var id int64
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		saved, changes, err := t.createUser(in, "")
		if err != nil {
			return nil, err
		}
		id = saved.ID
		if c.ExternalID != nil && *c.ExternalID != "" {
			if err := t.SetUserExternalID(ctx, sqlcdb.SetUserExternalIDParams{ExternalID: truncate(*c.ExternalID, 300),
				ID: id, AccountID: a.AccountID}); err != nil {
				return nil, err
			}
			changes = append(changes, change{Action: "user.external_id", TargetType: "user", TargetID: id,
				TargetLabel: saved.Email, After: map[string]any{"external_id": *c.ExternalID}})
		}
		return changes, nil
	})
	if err != nil {
		return DirectoryUser{}, err
	}
	if c.Active != nil && !*c.Active {
		if _, err := d.BlockUser(ctx, a, id); err != nil {
			return DirectoryUser{}, err
		}
	}
	return d.GetDirectoryUser(ctx, a, id)
}

// UpdateDirectoryUser changes what a provider sets on a user of the acting
// account, and only what differs from what the user has: fields through
// PatchUser (the API's PATCH: the form's checks, one transaction), Active
// through BlockUser and UnblockUser (R-USER-8), externalId on its own.
// Every step asks the policy (R-SEC-2). With IfMatch, a user changed since
// the provider read them is refused with ESTALE.
// Returns ENOTFOUND, EFORBIDDEN, EINVALID per field, ECONFLICT, ESTALE.
func (d *DB) UpdateDirectoryUser(ctx context.Context, a Actor, id int64, c DirectoryChange) (DirectoryUser, error) {
	if err := a.require(PermUsersManage); err != nil {
		return DirectoryUser{}, err
	}
	cur, err := d.GetDirectoryUser(ctx, a, id)
	if err != nil {
		return DirectoryUser{}, err
	}
	if c.IfMatch != "" && c.IfMatch != "*" && c.IfMatch != cur.Version {
		return DirectoryUser{}, Errorf(ESTALE, "error.stale")
	}
	// Authority before anything else, so that a refused token learns
	// nothing from the validation of what it sent (R-SEC-2).
	if err := d.MayActOnUser(ctx, a, ActEdit, id); err != nil {
		return DirectoryUser{}, err
	}
	n, err := d.directoryNames(ctx, d.rq, a)
	if err != nil {
		return DirectoryUser{}, err
	}
	p := UserPatch{IfMatch: c.IfMatch}
	if err := d.resolveDirectory(ctx, a, n, c, cur, &p); err != nil {
		return DirectoryUser{}, err
	}
	differs := func(dst **string, src *string, now string) {
		if src != nil && *src != now {
			*dst = src
		}
	}
	differs(&p.Email, c.Email, cur.Email)
	differs(&p.NotifyEmail, c.NotifyEmail, cur.NotifyEmail)
	differs(&p.FullName, c.FullName, cur.FullName)
	differs(&p.WorkPhone, c.WorkPhone, cur.WorkPhone)
	if p != (UserPatch{IfMatch: c.IfMatch}) {
		if _, err := d.PatchUser(ctx, a, id, p); err != nil {
			return DirectoryUser{}, err
		}
	}
	if c.Active != nil && *c.Active != cur.Active {
		if *c.Active {
			_, err = d.UnblockUser(ctx, a, id)
		} else {
			_, err = d.BlockUser(ctx, a, id)
		}
		if err != nil {
			return DirectoryUser{}, err
		}
	}
	if c.ExternalID != nil && *c.ExternalID != cur.ExternalID {
		err := d.update(ctx, a, func(t *tx) ([]change, error) {
			u, err := t.targetUser(ActEdit, id)
			if err != nil {
				return nil, err
			}
			if err := t.SetUserExternalID(ctx, sqlcdb.SetUserExternalIDParams{ExternalID: truncate(*c.ExternalID, 300),
				ID: id, AccountID: a.AccountID}); err != nil {
				return nil, err
			}
			return one(change{Action: "user.external_id", TargetType: "user", TargetID: id, TargetLabel: u.Email,
				Before: map[string]any{"external_id": cur.ExternalID}, After: map[string]any{"external_id": *c.ExternalID}}), nil
		})
		if err != nil {
			return DirectoryUser{}, err
		}
	}
	return d.GetDirectoryUser(ctx, a, id)
}
