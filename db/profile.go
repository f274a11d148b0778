package db

import (
	"context"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// ProfileInput is the profile's "my details" form: what every user changes
// about themselves (R-PROF-1). The login and notification e-mails are
// credentials, so changing either asks for the current password; a new
// notification e-mail takes effect only once the link sent to it is
// followed. Lang and TimeZone may be "" (as the browser, as the
// installation).
type ProfileInput struct {
	FullName        string `form:"full_name" json:"full_name"`
	WorkPhone       string `form:"work_phone" json:"work_phone"`
	Email           string `form:"email" json:"email"`
	NotifyEmail     string `form:"notify_email" json:"notify_email"`
	Lang            string `form:"lang" json:"lang"`
	TimeZone        string `form:"time_zone" json:"time_zone"`
	CurrentPassword string `form:"current_password" json:"current_password"`
}

// ProfileResult says what saving the profile did beyond saving it: the
// notification address a confirmation link was sent to, if any.
type ProfileResult struct {
	User            User
	NotifyConfirmTo string
}

// UpdateOwnDetails saves the actor's own name, work phone, login e-mail,
// notification e-mail, language and time zone: the self path that the
// admin paths refuse for credentials (R-SEC-2). A changed e-mail needs the
// current password and ends the actor's other sessions (R-USER-10). A new
// notification e-mail is not saved: a link goes to it, and following it
// saves it (ConfirmNotifyEmail); clearing it, or setting it to the login
// e-mail, needs no link. Refused while an admin acts as the user (R-SEC-9).
// Returns EINVALID per field, EFORBIDDEN.
func (d *DB) UpdateOwnDetails(ctx context.Context, a Actor, in ProfileInput) (ProfileResult, error) {
	if err := mayChangeOwnCredentials(a); err != nil {
		return ProfileResult{}, err
	}
	u, err := d.rq.GetUser(ctx, a.UserID)
	if err != nil {
		return ProfileResult{}, notFound(err)
	}
	n := normalUserInput(UserInput{Email: in.Email, NotifyEmail: in.NotifyEmail, FullName: in.FullName, WorkPhone: in.WorkPhone})
	lang, zone := strings.TrimSpace(in.Lang), strings.TrimSpace(in.TimeZone)
	v := &ValidationError{}
	checkEmail(v, "email", n.Email, true)
	checkEmail(v, "notify_email", n.NotifyEmail, false)
	checkName(v, "full_name", n.FullName, 200)
	checkPhone(v, "work_phone", n.WorkPhone)
	if lang != "" && lang != "pl" && lang != "en" {
		v.Add("lang", M("profile.lang.unknown"))
	}
	checkTimeZone(v, "time_zone", zone, false)
	if !v.Has("email") {
		if taken, err := d.rq.UserEmailTaken(ctx, sqlcdb.UserEmailTakenParams{Email: n.Email, ExceptID: u.ID}); err != nil {
			return ProfileResult{}, err
		} else if taken > 0 {
			v.Conflict("email", M("user.email_taken"))
		}
	}
	emailChanged := !equalFoldASCII(u.Email, n.Email)
	notifyChanged := !equalFoldASCII(u.NotifyEmail, n.NotifyEmail)
	if emailChanged || notifyChanged {
		if in.CurrentPassword == "" {
			v.Add("current_password", M("profile.details.password_needed"))
		} else if ok, _, err := d.hasher.Verify(ctx, u.PasswordHash, in.CurrentPassword); err != nil {
			return ProfileResult{}, err
		} else if !ok {
			v.Add("current_password", M("profile.password.wrong"))
		}
	}
	if err := v.Err(); err != nil {
		return ProfileResult{}, err
	}
	// An address the user already reads mail at needs no link: none, or
	// the login e-mail itself.
	notify, confirmTo := n.NotifyEmail, ""
	if notifyChanged && n.NotifyEmail != "" && !equalFoldASCII(n.NotifyEmail, n.Email) {
		notify, confirmTo = u.NotifyEmail, n.NotifyEmail
	}
	var out ProfileResult
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		// Stored in E.164 like the user form's (issue 11), in the region
		// of the user's own account.
		phone, err := t.phoneE164(u.AccountID, n.WorkPhone)
		if err != nil {
			return nil, err
		}
		n.WorkPhone = phone
		if err := t.UpdateUserFields(ctx, sqlcdb.UpdateUserFieldsParams{ID: u.ID, AccountID: u.AccountID,
			Email: n.Email, NotifyEmail: notify, FullName: n.FullName, WorkPhone: n.WorkPhone,
			PositionID: u.PositionID, UpdatedAt: d.unix()}); err != nil {
			return nil, err
		}
		if err := t.SetUserPrefs(ctx, sqlcdb.SetUserPrefsParams{ID: u.ID, Lang: lang, TimeZone: zone,
			UpdatedAt: d.unix()}); err != nil {
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
		after, err := t.GetUser(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		if confirmTo != "" {
			if err := t.sendNotifyConfirm(after, confirmTo, lang); err != nil {
				return nil, err
			}
		}
		out = ProfileResult{User: userFrom(after), NotifyConfirmTo: confirmTo}
		changed := profileAudit(after, confirmTo)
		if ended > 0 {
			changed["other_sessions_ended"] = ended
		}
		return one(change{Action: "user.profile", TargetType: "user", TargetID: u.ID, TargetLabel: after.Email,
			Before: profileAudit(u, ""), After: changed}), nil
	})
	return out, err
}

// profileAudit is what the audit row keeps of a profile: the fields the
// form changes, and a notification address waiting for its link.
func profileAudit(u sqlcdb.User, pending string) map[string]any {
	m := map[string]any{"full_name": u.FullName, "work_phone": u.WorkPhone, "email": u.Email,
		"notify_email": u.NotifyEmail, "lang": u.Lang, "time_zone": u.TimeZone}
	if pending != "" {
		m["notify_email_pending"] = pending
	}
	return m
}

// SetOwnLang changes the language the actor chose on their profile, for
// the header's language switcher once they have chosen one (their choice
// outranks the switcher's cookie). Refused while an admin acts as the user
// (R-SEC-9). Returns EINVALID (lang), EFORBIDDEN.
func (d *DB) SetOwnLang(ctx context.Context, a Actor, lang string) error {
	if err := mayChangeOwnCredentials(a); err != nil {
		return err
	}
	if lang != "" && lang != "pl" && lang != "en" {
		var v ValidationError
		v.Add("lang", M("profile.lang.unknown"))
		return v.Err()
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.GetUser(ctx, a.UserID)
		if err != nil {
			return nil, notFound(err)
		}
		if u.Lang == lang {
			return nil, nil
		}
		if err := t.SetUserPrefs(ctx, sqlcdb.SetUserPrefsParams{ID: u.ID, Lang: lang, TimeZone: u.TimeZone,
			UpdatedAt: d.unix()}); err != nil {
			return nil, err
		}
		return one(change{Action: "user.profile", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			AccountID: u.AccountID, Before: map[string]string{"lang": u.Lang}, After: map[string]string{"lang": lang}}), nil
	})
}
