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
type UserInput struct {
	Email           string  `json:"email" form:"email"`
	NotifyEmail     string  `json:"notify_email" form:"notify_email"`
	Password        string  `json:"password" form:"password"`
	PasswordConfirm string  `json:"password_confirm" form:"password_confirm"`
	SendInvite      bool    `json:"send_invite" form:"send_invite"`
	FullName        string  `json:"full_name" form:"full_name"`
	WorkPhone       string  `json:"work_phone" form:"work_phone"`
	RoleID          int64   `json:"role_id" form:"role_id"`
	PositionID      int64   `json:"position_id" form:"position_id"`
	GroupIDs        []int64 `json:"group_ids" form:"group_ids"`
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

// CreateUser creates a user in the acting account (R-USER-1). With a
// password the user is active; with SendInvite, invited (R-USER-11); with
// neither, inactive and unable to sign in. Needs users.manage.
// Returns EINVALID per field, ECONFLICT-free: a taken e-mail is a field
// message (R-USER-2).
func (d *DB) CreateUser(ctx context.Context, a Actor, in UserInput) (User, error) {
	if err := a.require(PermUsersManage); err != nil {
		return User{}, err
	}
	in.Email, in.NotifyEmail = normalEmail(in.Email), normalEmail(in.NotifyEmail)
	in.FullName, in.WorkPhone = strings.TrimSpace(in.FullName), strings.TrimSpace(in.WorkPhone)
	policy, err := d.PasswordPolicy(ctx)
	if err != nil {
		return User{}, err
	}
	var v ValidationError
	checkEmail(&v, "email", in.Email, true)
	checkEmail(&v, "notify_email", in.NotifyEmail, false)
	if in.Password != "" || in.PasswordConfirm != "" {
		if in.SendInvite {
			v.Add("password", M("user.password_or_invite"))
		} else {
			checkNewPassword(&v, policy, "password", in.Password, "password_confirm", in.PasswordConfirm)
		}
	}
	checkName(&v, "full_name", in.FullName, 200)
	checkPhone(&v, "work_phone", in.WorkPhone)
	if in.RoleID == 0 {
		v.Add("role_id", M("error.required"))
	}
	if in.PositionID == 0 {
		v.Add("position_id", M("user.position_required"))
	}
	// Checks that need the data run even when others failed, so that every
	// field's problem shows at once.
	if !v.Has("email") {
		if n, err := d.rq.UserEmailTaken(ctx, sqlcdb.UserEmailTakenParams{Email: in.Email}); err != nil {
			return User{}, err
		} else if n > 0 {
			v.Add("email", M("user.email_taken"))
		}
	}
	if in.RoleID != 0 {
		if _, err := d.rq.GetRole(ctx, in.RoleID); errors.Is(err, sql.ErrNoRows) {
			v.Add("role_id", M("user.role_unknown"))
		} else if err != nil {
			return User{}, err
		}
	}
	if in.PositionID != 0 {
		if ok, err := d.isPosition(ctx, a.AccountID, in.PositionID); err != nil {
			return User{}, err
		} else if !ok {
			v.Add("position_id", M("user.position_unknown"))
		}
	}
	if err := v.Err(); err != nil {
		return User{}, err
	}
	status, hash := StatusInactive, ""
	switch {
	case in.Password != "":
		status = StatusActive
		if hash, err = d.hasher.Hash(ctx, in.Password); err != nil {
			return User{}, err
		}
	case in.SendInvite:
		status = StatusInvited
	}
	var u sqlcdb.User
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		now := d.unix()
		var err error
		u, err = t.CreateUser(ctx, sqlcdb.CreateUserParams{AccountID: a.AccountID, Email: in.Email,
			NotifyEmail: in.NotifyEmail, FullName: in.FullName, WorkPhone: in.WorkPhone, Status: status,
			PasswordHash: hash, RoleID: in.RoleID, PositionID: nullID(in.PositionID), CreatedAt: now})
		if err != nil {
			return nil, err
		}
		if err := t.OpenSeat(ctx, sqlcdb.OpenSeatParams{AccountID: a.AccountID, UserID: u.ID, FromAt: now}); err != nil {
			return nil, err
		}
		if status == StatusInvited { // the activation mail, in the outbox with the user (R-USER-11)
			if _, err := t.sendTokenMail(u, mailActivation, ""); err != nil {
				return nil, err
			}
		}
		return one(change{Action: "user.create", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			After: userFrom(u)}), nil
	})
	if err != nil {
		return User{}, err
	}
	if status == StatusInvited {
		d.wakeMailer()
	}
	return userFrom(u), nil
}

// isPosition reports whether id is a position (a child of the Position
// root) of the account.
func (d *DB) isPosition(ctx context.Context, accountID, id int64) (bool, error) {
	g, err := d.rq.GetGroup(ctx, sqlcdb.GetGroupParams{ID: id, AccountID: accountID})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	root, err := d.rq.PositionRoot(ctx, accountID)
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
