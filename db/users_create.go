package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// UserInput is the user form of R-USER-1, in its order: account settings,
// basic information, additional information. Field names follow DESIGN.md.
// The SIP account is either a free one (SIPAccountID) or one created on the
// spot with a generated password (NewExtension) (R-SIP-2).
type UserInput struct {
	Email           string  `json:"email" form:"email"`
	NotifyEmail     string  `json:"notify_email" form:"notify_email"`
	SIPAccountID    int64   `json:"sip_account_id" form:"sip_account_id"`
	NewExtension    string  `json:"extension" form:"extension"`
	CallNumberID    int64   `json:"call_number_id" form:"call_number_id"`
	SMSSenderID     int64   `json:"sms_sender_id" form:"sms_sender_id"`
	Password        string  `json:"password" form:"password"`
	PasswordConfirm string  `json:"-" form:"password_confirm"` // the form's; the API asks none (R-API-1)
	SendInvite      bool    `json:"send_invite" form:"send_invite"`
	FullName        string  `json:"full_name" form:"full_name"`
	WorkPhone       string  `json:"work_phone" form:"work_phone"`
	RoleID          int64   `json:"role_id" form:"role_id"`
	PositionID      int64   `json:"position_id" form:"position_id"`
	GroupIDs        []int64 `json:"group_ids" form:"group_ids"`
}

// UserSaved is a created or edited user and, when an extension was created
// on the spot, its SIP password, shown this once (R-SIP-3).
type UserSaved struct {
	User
	SIP *SIPSecret `json:"sip,omitempty"`
	// Mail is the activation mail of an invited user, for the page to say
	// truthfully what became of it (R-MAIL-1).
	Mail *QueuedMail `json:"-"`
}

// BuiltinRoleID returns the id of a built-in role (BuiltinAdministrator,
// BuiltinStaff).
func (d *DB) BuiltinRoleID(ctx context.Context, key string) (int64, error) {
	r, err := d.rq.GetBuiltinRole(ctx, key)
	return r.ID, notFound(err)
}

// DefaultPositionID returns the first position of the acting account, the
// form's default choice.
func (d *DB) DefaultPositionID(ctx context.Context, a Actor) (int64, error) {
	g, err := d.rq.FirstPosition(ctx, a.AccountID)
	return g.ID, notFound(err)
}

// CreateUser creates a user in the acting account with everything of the
// form (R-USER-1) in one transaction: nothing partial is saved (R-USER-13).
// With a password the user is active; with SendInvite, invited and mailed
// an activation link (R-USER-11); with neither, inactive and unable to sign
// in. Every user gets exactly one SIP account, a free one or a new one
// (R-USER-6, R-SIP-2). Needs users.manage.
// Returns EINVALID with a message per field, all at once.
func (d *DB) CreateUser(ctx context.Context, a Actor, in UserInput) (UserSaved, error) {
	if err := a.require(PermUsersManage); err != nil {
		return UserSaved{}, err
	}
	hash, err := d.hashFormPassword(ctx, in)
	if err != nil {
		return UserSaved{}, err
	}
	var out UserSaved
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		var changes []change
		out, changes, err = t.createUser(in, hash)
		return changes, err
	})
	if err != nil {
		return UserSaved{}, err
	}
	if out.Status == StatusInvited {
		d.wakeMailer()
	}
	return out, nil
}

// hashFormPassword hashes the password a user form sets, if any, before
// the write transaction: argon2 takes tens of milliseconds and the write
// pool is one connection. The transaction checks the password against the
// policy (checkUserInput) and uses the hash only if it passes.
func (d *DB) hashFormPassword(ctx context.Context, in UserInput) (string, error) {
	if in.Password == "" || in.SendInvite {
		return "", nil
	}
	return d.hasher.Hash(ctx, in.Password)
}

// createUser is CreateUser inside t: it makes every check of checkNewUser
// (reading through t, so that it sees the users t has created), the rule
// set the CSV import checks its rows with too, then creates the user with
// a seat and its links, and queues the activation mail of an invited
// user. The links' helpers check again what they write. hash is in.Password's (hashFormPassword).
// It returns the changes to audit.
func (t *tx) createUser(in UserInput, hash string) (UserSaved, []change, error) {
	in, v, err := checkNewUser(t.a, t, in)
	if err != nil {
		return UserSaved{}, nil, err
	}
	if err := v.Err(); err != nil {
		return UserSaved{}, nil, err
	}
	status := StatusInactive
	switch {
	case hash != "":
		status = StatusActive
	case in.SendInvite:
		status = StatusInvited
	}
	now := t.d.unix()
	u, err := t.CreateUser(t.ctx, sqlcdb.CreateUserParams{AccountID: t.a.AccountID, Email: in.Email,
		NotifyEmail: in.NotifyEmail, FullName: in.FullName, WorkPhone: in.WorkPhone, Status: status,
		PasswordHash: hash, RoleID: in.RoleID, PositionID: nullID(in.PositionID), CreatedAt: now})
	if err != nil {
		return UserSaved{}, nil, err
	}
	if err := t.OpenSeat(t.ctx, sqlcdb.OpenSeatParams{AccountID: t.a.AccountID, UserID: u.ID, FromAt: now}); err != nil {
		return UserSaved{}, nil, err
	}
	changes := []change{{Action: "user.create", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
		After: userFrom(u)}}
	var out UserSaved
	links, err := t.applyUserLinks(u, in, &out)
	if err != nil {
		return UserSaved{}, nil, err
	}
	if status == StatusInvited { // the activation mail, in the outbox with the user (R-USER-11)
		q, err := t.sendTokenMail(u, mailActivation, "")
		if err != nil {
			return UserSaved{}, nil, err
		}
		out.Mail = &q
	}
	if out.User, err = t.userNow(u.ID); err != nil {
		return UserSaved{}, nil, err
	}
	return out, append(changes, links...), nil
}

func normalUserInput(in UserInput) UserInput {
	in.Email, in.NotifyEmail = normalEmail(in.Email), normalEmail(in.NotifyEmail)
	in.FullName, in.WorkPhone = strings.TrimSpace(in.FullName), strings.TrimSpace(in.WorkPhone)
	in.NewExtension = strings.TrimSpace(in.NewExtension)
	return in
}

// checkUserInput validates the form's own fields inside t; old is the user
// being edited (zero when creating): checkUserFields through t.
func (t *tx) checkUserInput(in UserInput, old sqlcdb.User) (*ValidationError, error) {
	return checkUserFields(t.a, t, in, old)
}

// applyUserLinks sets what the form links to a user inside t: the role
// (within the actor's own rights), the SIP account, caller ID, SMS sender
// and groups. Refusals of the helpers become messages on their fields,
// collected so that all show at once; any refusal rolls back everything.
func (t *tx) applyUserLinks(u sqlcdb.User, in UserInput, out *UserSaved) ([]change, error) {
	var v ValidationError
	var changes []change
	// keep records a helper's outcome: its change, or its refusal as a
	// message on field; unexpected errors stop everything.
	keep := func(field string, c change, err error) error {
		if err == nil {
			changes = append(changes, c)
			return nil
		}
		e := AsError(err)
		if e == nil || e.Code == EINTERNAL {
			return err
		}
		if len(e.Fields) > 0 {
			v.Merge(e)
			return nil
		}
		v.Add(field, e.Msg)
		return nil
	}
	on := func(field string) func(change, error) error {
		return func(c change, err error) error { return keep(field, c, err) }
	}
	if err := on("role_id")(t.setRoleForForm(u, in.RoleID)); err != nil {
		return nil, err
	}
	switch {
	case in.SIPAccountID != 0 && in.SIPAccountID != u.SipAccountID.Int64:
		if err := on("sip_account_id")(t.replaceSIP(u, in.SIPAccountID)); err != nil {
			return nil, err
		}
	case in.SIPAccountID == 0 && in.NewExtension != "":
		secret, c, err := t.createSIP(t.a.AccountID, SIPAccountInput{Extension: in.NewExtension}, "extension")
		if err := keep("extension", c, err); err != nil {
			return nil, err
		}
		if err == nil {
			out.SIP = &secret
			if err := on("sip_account_id")(t.replaceSIP(u, secret.ID)); err != nil {
				return nil, err
			}
		}
	}
	if err := on("call_number_id")(t.setPresentation(PhoneNumbers, u.ID, in.CallNumberID)); err != nil {
		return nil, err
	}
	if err := on("sms_sender_id")(t.setPresentation(SMSSenders, u.ID, in.SMSSenderID)); err != nil {
		return nil, err
	}
	if err := on("group_ids")(t.setUserGroups(u.ID, in.GroupIDs)); err != nil {
		return nil, err
	}
	return changes, v.Err()
}

// replaceSIP gives the user SIP account sipID, first freeing (not
// disabling) the one they had.
func (t *tx) replaceSIP(u sqlcdb.User, sipID int64) (change, error) {
	if u.SipAccountID.Valid && u.SipAccountID.Int64 != sipID {
		if err := t.SetUserSIPAccount(t.ctx, sqlcdb.SetUserSIPAccountParams{ID: u.ID, AccountID: t.a.AccountID,
			UpdatedAt: t.d.unix()}); err != nil {
			return change{}, err
		}
	}
	return t.assignSIP(u.ID, sipID)
}

// setRoleForForm moves the user to roleID unless it is theirs already, as
// the policy allows: nobody changes their own role, and nobody hands out a
// role with permissions they lack (R-ROLE-2, R-SEC-2).
func (t *tx) setRoleForForm(u sqlcdb.User, roleID int64) (change, error) {
	if u.RoleID == roleID {
		return change{}, nil
	}
	to, err := t.GetRole(t.ctx, roleID)
	if err != nil {
		return change{}, notFound(err)
	}
	if err := t.mayActOnUser(ActRole, u); err != nil {
		return change{}, err
	}
	if err := t.mayGiveRole(to.ID); err != nil {
		return change{}, err
	}
	return t.moveUserToRole(u.ID, to)
}

// userNow reads a user back inside t.
func (t *tx) userNow(id int64) (User, error) {
	u, err := t.GetUser(t.ctx, id)
	return userFrom(u), err
}

// isPosition reports whether id is a position (a child of the Position
// root) of the acting account.
func (t *tx) isPosition(id int64) (bool, error) {
	g, err := t.GetGroup(t.ctx, sqlcdb.GetGroupParams{ID: id, AccountID: t.a.AccountID})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	root, err := t.PositionRoot(t.ctx, t.a.AccountID)
	if err != nil {
		return false, err
	}
	return g.ParentID.Valid && g.ParentID.Int64 == root.ID, nil
}

// checkPhone accepts an optional phone number of digits, spaces and + - ( ).
func checkPhone(v *ValidationError, field, phone string) {
	if phone == "" {
		return
	}
	if len(phone) > 32 {
		v.Add(field, M("error.too_long", "Max", 32))
		return
	}
	digits := 0
	for _, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() ", r):
		default:
			v.Add(field, M("error.phone"))
			return
		}
	}
	if digits < 3 {
		v.Add(field, M("error.phone"))
	}
}
