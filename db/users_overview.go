package db

import (
	"context"
	"slices"
)

// UserOverview is everything a user's page shows about them, in its
// sections: the user, their role with its permissions, position and
// groups (with paths), extension, caller ID and SMS sender, and, where
// the actor may manage them, licences held and sub-accounts entered.
type UserOverview struct {
	UserDetails
	Role      Role
	Position  *Group
	Groups    []Group
	SIP       *SIPAccount
	CallerID  *Presentation
	SMSSender *Presentation
	// Licenses are the licences the user holds; nil when the actor may not
	// manage seats (the section is left out).
	Licenses     []License
	ShowLicenses bool
	// Access lists the sub-accounts the user may enter; nil when the actor
	// may not manage access or the user is not the main account's.
	Access     []Account
	ShowAccess bool
}

// GetUserOverview reads a user of the acting account for their page. The
// user's own record (role, groups, phone, numbers) comes with the user, so
// whoever may see the user sees it; licences and sub-account access only
// with their own permissions. Returns ENOTFOUND for ids of other accounts
// (R-ACC-5), EFORBIDDEN as GetUserDetails.
func (d *DB) GetUserOverview(ctx context.Context, a Actor, id int64) (UserOverview, error) {
	u, err := d.GetUserDetails(ctx, a, id)
	if err != nil {
		return UserOverview{}, err
	}
	o := UserOverview{UserDetails: u}
	if o.Role, err = d.getRole(ctx, d.rq, a, u.RoleID); err != nil {
		return o, err
	}
	tree, err := d.cachedGroupTree(ctx, a.AccountID, a.Lang)
	if err != nil {
		return o, err
	}
	for _, g := range tree {
		switch {
		case g.ID == u.PositionID:
			o.Position = &g
		case slices.Contains(u.GroupIDs, g.ID):
			o.Groups = append(o.Groups, g)
		}
	}
	if u.SIPAccountID != 0 {
		if s, err := getSIP(ctx, d.rq, a.AccountID, u.SIPAccountID); err == nil {
			o.SIP = &s
		}
	}
	if u.CallNumberID != 0 {
		if p, err := getPresentation(ctx, d.rq, a.AccountID, PhoneNumbers, u.CallNumberID); err == nil {
			o.CallerID = &p
		}
	}
	if u.SMSSenderID != 0 {
		if p, err := getPresentation(ctx, d.rq, a.AccountID, SMSSenders, u.SMSSenderID); err == nil {
			o.SMSSender = &p
		}
	}
	if ls, err := d.UserLicenses(ctx, a, id); err == nil {
		o.ShowLicenses = true
		for _, l := range ls {
			if l.Held {
				o.Licenses = append(o.Licenses, l.License)
			}
		}
	} else if ErrorCode(err) != EFORBIDDEN {
		return o, err
	}
	if acc, err := d.GetUserAccess(ctx, a, id); err == nil {
		o.ShowAccess = true
		for _, c := range acc.Accounts {
			if c.Granted {
				o.Access = append(o.Access, c.Account)
			}
		}
	} else if c := ErrorCode(err); c != EFORBIDDEN && c != ENOTFOUND {
		return o, err
	}
	return o, nil
}

// MyRoleName is the name of the acting user's own role, in their language,
// for the dashboard: everyone may know their own role.
func (d *DB) MyRoleName(ctx context.Context, a Actor) (string, error) {
	if !a.Valid() {
		return "", errUnauthorized
	}
	r, err := d.rq.GetRole(ctx, a.RoleID)
	if err != nil {
		return "", notFound(err)
	}
	return d.names.roleName(a.Lang, r.Name, r.Builtin), nil
}
