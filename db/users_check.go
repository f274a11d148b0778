package db

import (
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// newUserLookup is everything checking a user the form creates reads (R-USER-13, one rule
// set): the user form reads it through its transaction (*tx), the CSV
// import from what it loaded once per file plus the rows it accepted
// before (importLookup, users_import_check.go). Both run checkNewUser.
type newUserLookup interface {
	passwordPolicy() (PasswordPolicy, error)
	phoneCountry(accountID int64) (string, error)
	sipDomainPattern(accountID int64) (SIPSettings, error)
	// groupIndex is the acting account's groups by id.
	groupIndex() (map[int64]Group, error)
	// emailTaken: does another user than exceptID sign in with email
	// (compared as the schema does, ASCII letters in any case)?
	emailTaken(email string, exceptID int64) (bool, error)
	roleExists(id int64) (bool, error)
	isPosition(id int64) (bool, error)
	mayGiveRole(roleID int64) error
	// extensionTaken: does any account of the SIP domain have ext?
	extensionTaken(ext, domain string) (bool, error)
	// sipAccount is a SIP account of the acting account, ENOTFOUND if none.
	sipAccount(id int64) (SIPAccount, error)
	// presentation is a number or sender of the acting account, ENOTFOUND
	// if none.
	presentation(k *PresentationKind, id int64) (Presentation, error)
}

// checkNewUser makes every check creating a user from in makes, in the
// order the form's path makes them, and returns in as it is saved (the
// work phone in E.164) with the refusals: the form's own fields
// (checkUserFields), the role against the actor's rights (R-SEC-2), then
// what linking the SIP account, caller ID, SMS sender and groups to the
// new user would refuse. A user it accepts is written without any refusal
// (createUser for the form, importWrite for a batch of the import).
func checkNewUser(a Actor, look newUserLookup, in UserInput) (UserInput, *ValidationError, error) {
	in = normalUserInput(in)
	if in.WorkPhone != "" {
		country, err := look.phoneCountry(a.AccountID)
		if err != nil {
			return in, nil, err
		}
		if n, ok := ParsePhone(in.WorkPhone, country); ok {
			in.WorkPhone = n
		}
	}
	v, err := checkUserFields(a, look, in, sqlcdb.User{})
	if err != nil || len(v.Fields) > 0 {
		return in, v, err
	}
	if err := look.mayGiveRole(in.RoleID); err != nil {
		if AsError(err) == nil || AsError(err).Code != EFORBIDDEN {
			return in, nil, err
		}
		v.Add("role_id", M("role.above_own"))
		return in, v, nil
	}
	return in, v, checkNewUserLinks(a, look, v, in)
}

// checkNewUserLinks adds to v what applyUserLinks would refuse for a new
// user given in, field by field in its order: the SIP account (a free one
// of the account, enabled, or a new extension free in the SIP domain), the
// caller ID, the SMS sender, the groups.
func checkNewUserLinks(a Actor, look newUserLookup, v *ValidationError, in UserInput) error {
	// A refusal without fields lands on the field, as applyUserLinks's keep.
	act := func(field string, act UserAct) bool {
		if err := actRules[act].need(a); err != nil {
			v.Add(field, AsError(err).Msg)
			return false
		}
		return true
	}
	switch {
	case in.SIPAccountID != 0:
		if act("sip_account_id", ActSIP) {
			s, err := look.sipAccount(in.SIPAccountID)
			switch {
			case ErrorCode(err) == ENOTFOUND:
				v.Add("sip_account_id", M("sip.assign.unknown"))
			case err != nil:
				return err
			case s.UserID != 0:
				v.Add("sip_account_id", M("sip.assign.taken", "Extension", s.Extension, "User", s.User()))
			case !s.Enabled:
				v.Add("sip_account_id", M("sip.assign.disabled", "Extension", s.Extension))
			}
		}
	case in.NewExtension != "":
		set, err := look.sipDomainPattern(a.AccountID)
		if err != nil {
			return err
		}
		checkExtension(v, "extension", in.NewExtension, set.ExtensionPattern)
		if !v.Has("extension") {
			taken, err := look.extensionTaken(in.NewExtension, set.Domain)
			if err != nil {
				return err
			}
			if taken {
				v.Conflict("extension", M("sip.extension.taken", "Extension", in.NewExtension, "Domain", set.Domain))
			} else {
				act("sip_account_id", ActSIP)
			}
		}
	}
	for _, k := range []struct {
		kind *PresentationKind
		id   int64
	}{{PhoneNumbers, in.CallNumberID}, {SMSSenders, in.SMSSenderID}} {
		if !act(k.kind.UserField, ActPresentation) || k.id == 0 {
			continue
		}
		if _, err := look.presentation(k.kind, k.id); ErrorCode(err) == ENOTFOUND {
			v.Add(k.kind.UserField, M(k.kind.m("unknown")))
		} else if err != nil {
			return err
		}
	}
	if !act("group_ids", ActEdit) || len(in.GroupIDs) == 0 {
		return nil
	}
	_, err := checkGroupIDs(look, v, in.GroupIDs)
	return err
}

// checkGroupIDs checks the groups a user is put in against the account's
// group tree, adding the refusals to v, and returns the groups to join:
// each once, sorted. Positions and built-in groups are not groups to join.
func checkGroupIDs(look newUserLookup, v *ValidationError, groupIDs []int64) ([]int64, error) {
	byID, err := look.groupIndex()
	if err != nil {
		return nil, err
	}
	var unknown, positions []string
	want := []int64{}
	for _, id := range groupIDs {
		g, ok := byID[id]
		switch {
		case !ok:
			unknown = append(unknown, strconv.FormatInt(id, 10))
		case g.Builtin || g.Position:
			positions = append(positions, g.Path)
		case !slices.Contains(want, id):
			want = append(want, id)
		}
	}
	if len(unknown) > 0 {
		v.Add("group_ids", M("group.unknown_ids", "List", strings.Join(unknown, ", ")))
	}
	if len(positions) > 0 {
		v.Add("group_ids", M("group.positions_not_groups", "List", strings.Join(positions, ", ")))
	}
	slices.Sort(want)
	return want, nil
}

// checkUserFields validates the form's own fields; old is the user being
// edited (zero when creating). Checks that need the data run even when
// others failed, so that every field's problem shows at once.
func checkUserFields(a Actor, look newUserLookup, in UserInput, old sqlcdb.User) (*ValidationError, error) {
	v := &ValidationError{}
	policy, err := look.passwordPolicy()
	if err != nil {
		return nil, err
	}
	checkEmail(v, "email", in.Email, true)
	checkEmail(v, "notify_email", in.NotifyEmail, false)
	if in.Password != "" || in.PasswordConfirm != "" {
		if in.SendInvite {
			v.Add("password", M("user.password_or_invite"))
		} else {
			checkNewPassword(v, policy, "password", in.Password, "password_confirm", in.PasswordConfirm, in.FullName, in.Email)
		}
	}
	checkName(v, "full_name", in.FullName, 200)
	checkPhone(v, "work_phone", in.WorkPhone)
	if in.RoleID == 0 {
		v.Add("role_id", M("error.required"))
	}
	if in.PositionID == 0 {
		v.Add("position_id", M("user.position_required"))
	}
	if in.SIPAccountID == 0 && in.NewExtension == "" && (old.ID == 0 || !old.SipAccountID.Valid) {
		v.Add("sip_account_id", M("user.sip_required")) // R-USER-6
	}
	if in.SIPAccountID != 0 && in.NewExtension != "" {
		v.Add("extension", M("user.sip_one_choice"))
	}
	if !v.Has("email") {
		if taken, err := look.emailTaken(in.Email, old.ID); err != nil {
			return nil, err
		} else if taken {
			v.Conflict("email", M("user.email_taken"))
		}
	}
	if in.RoleID != 0 {
		if ok, err := look.roleExists(in.RoleID); err != nil {
			return nil, err
		} else if !ok {
			v.Add("role_id", M("user.role_unknown"))
		}
	}
	if in.PositionID != 0 {
		if ok, err := look.isPosition(in.PositionID); err != nil {
			return nil, err
		} else if !ok {
			v.Add("position_id", M("user.position_unknown"))
		}
	}
	// An extension to create: its form always; whether the SIP domain has
	// it already only when another field failed already, so that its
	// message shows on the first submit with theirs (R-SEC-1). Otherwise
	// checkNewUserLinks says it, with the other links' refusals.
	if in.SIPAccountID == 0 && in.NewExtension != "" && !v.Has("extension") {
		set, err := look.sipDomainPattern(a.AccountID)
		if err != nil {
			return nil, err
		}
		checkExtension(v, "extension", in.NewExtension, set.ExtensionPattern)
		if len(v.Fields) > 0 && !v.Has("extension") {
			taken, err := look.extensionTaken(in.NewExtension, set.Domain)
			if err != nil {
				return nil, err
			}
			if taken {
				v.Conflict("extension", M("sip.extension.taken", "Extension", in.NewExtension, "Domain", set.Domain))
			}
		}
	}
	return v, nil
}

// The form's lookups, read through its transaction.

func (t *tx) groupIndex() (map[int64]Group, error) {
	tree, err := t.groupTree()
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Group, len(tree))
	for _, g := range tree {
		byID[g.ID] = g
	}
	return byID, nil
}

func (t *tx) emailTaken(email string, exceptID int64) (bool, error) {
	n, err := t.UserEmailTaken(t.ctx, sqlcdb.UserEmailTakenParams{Email: email, ExceptID: exceptID})
	return n > 0, err
}

func (t *tx) roleExists(id int64) (bool, error) {
	_, err := t.GetRole(t.ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (t *tx) extensionTaken(ext, domain string) (bool, error) {
	n, err := t.SIPExtensionInDomain(t.ctx, sqlcdb.SIPExtensionInDomainParams{Extension: ext, Domain: domain})
	return n > 0, err
}

func (t *tx) sipAccount(id int64) (SIPAccount, error) {
	return getSIP(t.ctx, t.Queries, t.a.AccountID, id)
}

func (t *tx) presentation(k *PresentationKind, id int64) (Presentation, error) {
	return getPresentation(t.ctx, t.Queries, t.a.AccountID, k, id)
}
