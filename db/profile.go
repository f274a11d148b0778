package db

import (
	"context"

	"kadra/db/internal/sqlcdb"
)

// ProfileInput is the profile's "my details" form: what every user changes
// about themselves (R-PROF-1). The login and notification e-mails are
// credentials, so changing either asks for the current password.
type ProfileInput struct {
	FullName        string `form:"full_name" json:"full_name"`
	WorkPhone       string `form:"work_phone" json:"work_phone"`
	Email           string `form:"email" json:"email"`
	NotifyEmail     string `form:"notify_email" json:"notify_email"`
	CurrentPassword string `form:"current_password" json:"current_password"`
}

// UpdateOwnDetails saves the actor's own name, work phone, login e-mail and
// notification e-mail: the self path that the admin paths refuse for
// credentials (R-SEC-2). A changed e-mail needs the current password and
// ends the actor's other sessions (R-USER-10). Refused while an admin acts
// as the user (R-SEC-9). Returns EINVALID per field, EFORBIDDEN.
func (d *DB) UpdateOwnDetails(ctx context.Context, a Actor, in ProfileInput) (User, error) {
	if err := mayChangeOwnCredentials(a); err != nil {
		return User{}, err
	}
	u, err := d.rq.GetUser(ctx, a.UserID)
	if err != nil {
		return User{}, notFound(err)
	}
	n := normalUserInput(UserInput{Email: in.Email, NotifyEmail: in.NotifyEmail, FullName: in.FullName, WorkPhone: in.WorkPhone})
	v := &ValidationError{}
	checkEmail(v, "email", n.Email, true)
	checkEmail(v, "notify_email", n.NotifyEmail, false)
	checkName(v, "full_name", n.FullName, 200)
	checkPhone(v, "work_phone", n.WorkPhone)
	emailChanged := !equalFoldASCII(u.Email, n.Email)
	if emailChanged || !equalFoldASCII(u.NotifyEmail, n.NotifyEmail) {
		if in.CurrentPassword == "" {
			v.Add("current_password", M("profile.details.password_needed"))
		} else if ok, _, err := d.hasher.Verify(ctx, u.PasswordHash, in.CurrentPassword); err != nil {
			return User{}, err
		} else if !ok {
			v.Add("current_password", M("profile.password.wrong"))
		}
	}
	var out User
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		if !v.Has("email") {
			if taken, err := t.UserEmailTaken(ctx, sqlcdb.UserEmailTakenParams{Email: n.Email, ExceptID: u.ID}); err != nil {
				return nil, err
			} else if taken > 0 {
				v.Conflict("email", M("user.email_taken"))
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := t.UpdateUserFields(ctx, sqlcdb.UpdateUserFieldsParams{ID: u.ID, AccountID: u.AccountID,
			Email: n.Email, NotifyEmail: n.NotifyEmail, FullName: n.FullName, WorkPhone: n.WorkPhone,
			PositionID: u.PositionID, UpdatedAt: d.unix()}); err != nil {
			return nil, err
		}
		var ended int64
		if emailChanged {
			var err error
			if ended, err = t.DeleteUserSessionsExcept(ctx, sqlcdb.DeleteUserSessionsExceptParams{UserID: u.ID,
				KeepIDHash: a.SessionHash}); err != nil {
				return nil, err
			}
		}
		var err error
		if out, err = t.userNow(u.ID); err != nil {
			return nil, err
		}
		return one(change{Action: "user.profile", TargetType: "user", TargetID: u.ID, TargetLabel: out.Email,
			Before: userFrom(u), After: map[string]any{"user": out, "other_sessions_ended": ended}}), nil
	})
	return out, err
}
