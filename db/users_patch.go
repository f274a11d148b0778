package db

import (
	"context"
	"errors"
)

// UserPatch changes the fields it sets and keeps the others (the API's
// PATCH). IfMatch, when set, is the version (ETag) the client read: the
// change is refused with ESTALE if the user changed since (R-API-1).
type UserPatch struct {
	Email        *string  `json:"email"`
	NotifyEmail  *string  `json:"notify_email"`
	SIPAccountID *int64   `json:"sip_account_id"`
	Extension    *string  `json:"extension"`
	CallNumberID *int64   `json:"call_number_id"`
	SMSSenderID  *int64   `json:"sms_sender_id"`
	Password     *string  `json:"password"`
	FullName     *string  `json:"full_name"`
	WorkPhone    *string  `json:"work_phone"`
	RoleID       *int64   `json:"role_id"`
	PositionID   *int64   `json:"position_id"`
	GroupIDs     *[]int64 `json:"group_ids"`
	IfMatch      string   `json:"-"`
}

// on merges the patch onto the user as read, into the form's input.
func (p UserPatch) on(cur UserDetails) UserInput {
	in := cur.Input()
	setTo(&in.Email, p.Email)
	setTo(&in.NotifyEmail, p.NotifyEmail)
	setTo(&in.NewExtension, p.Extension)
	setTo(&in.FullName, p.FullName)
	setTo(&in.WorkPhone, p.WorkPhone)
	setTo(&in.SIPAccountID, p.SIPAccountID)
	setTo(&in.CallNumberID, p.CallNumberID)
	setTo(&in.SMSSenderID, p.SMSSenderID)
	setTo(&in.RoleID, p.RoleID)
	setTo(&in.PositionID, p.PositionID)
	setTo(&in.GroupIDs, p.GroupIDs)
	if p.Password != nil {
		in.Password, in.PasswordConfirm = *p.Password, *p.Password // a script types nothing twice
	}
	if p.Extension != nil && p.SIPAccountID == nil {
		in.SIPAccountID = 0 // a new extension replaces the one the user had
	}
	return in
}

func setTo[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// errStaleRead says the user changed between the merge's read and the
// write; PatchUser merges again.
var errStaleRead = errors.New("stale read")

// PatchUser changes the fields a patch sets, through the same checks and
// the same transaction code as the user form (UpdateUser). The user is
// read, merged and written, and the write refuses to go on if the user
// changed after the read: then the merge is done again, so a concurrent
// change of another field is never lost; with IfMatch, the client's own
// read must be current. Returns what UpdateUser returns, and ESTALE.
func (d *DB) PatchUser(ctx context.Context, a Actor, id int64, p UserPatch) (UserSaved, error) {
	for range 5 {
		cur, err := d.GetUserDetails(ctx, a, id)
		if err != nil {
			return UserSaved{}, err
		}
		if err := checkVersion(p.IfMatch, cur); err != nil {
			return UserSaved{}, err
		}
		saved, err := d.updateUser(ctx, a, id, p.on(cur), ETag(cur))
		if !errors.Is(err, errStaleRead) {
			return saved, err
		}
	}
	return UserSaved{}, Errorf(ESTALE, "error.stale")
}

// DeleteUserIfMatch is DeleteUser for a client that read the user at
// version ifMatch ("" for any): ESTALE when the user changed since.
func (d *DB) DeleteUserIfMatch(ctx context.Context, a Actor, id int64, ifMatch string) error {
	if ifMatch == "" {
		return d.DeleteUser(ctx, a, id)
	}
	return d.deleteUser(ctx, a, id, ifMatch)
}
