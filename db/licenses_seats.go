package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"kadra/db/internal/sqlcdb"
)

// LicenseHolder is a user holding a seat of a licence.
type LicenseHolder struct {
	UserID     int64     `json:"user_id"`
	Email      string    `json:"email"`
	FullName   string    `json:"full_name"`
	Status     string    `json:"status"`
	AssignedAt time.Time `json:"assigned_at"`
}

// HolderFilter searches and pages a licence's seat holders.
type HolderFilter struct {
	Q       string `query:"q" json:"q"`
	Page    int    `query:"page" json:"page"`
	PerPage int    `query:"per_page" json:"per_page"`
}

// LicenseHolders returns a page of the users holding seats of a licence of
// the acting account. Needs licenses.manage. Returns ENOTFOUND.
func (d *DB) LicenseHolders(ctx context.Context, a Actor, id int64, f HolderFilter) (Page[LicenseHolder], error) {
	if err := requireLicenseAdmin(a); err != nil {
		return Page[LicenseHolder]{}, err
	}
	if _, err := accountLicense(ctx, d.rq, a.AccountID, id); err != nil {
		return Page[LicenseHolder]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	q := likeContains(f.Q)
	total, err := d.rq.CountLicenseSeatHolders(ctx, sqlcdb.CountLicenseSeatHoldersParams{LicenseID: id,
		AccountID: a.AccountID, Q: q})
	if err != nil {
		return Page[LicenseHolder]{}, err
	}
	rows, err := d.rq.LicenseSeatHolders(ctx, sqlcdb.LicenseSeatHoldersParams{LicenseID: id,
		AccountID: a.AccountID, Q: q, Lim: int64(f.PerPage), Off: int64((f.Page - 1) * f.PerPage)})
	if err != nil {
		return Page[LicenseHolder]{}, err
	}
	out := Page[LicenseHolder]{Items: make([]LicenseHolder, len(rows)), Total: int(total), Page: f.Page,
		PerPage: f.PerPage}
	for i, r := range rows {
		out.Items[i] = LicenseHolder{UserID: r.ID, Email: r.Email, FullName: r.FullName, Status: r.Status,
			AssignedAt: unixTime(r.AssignedAt)}
	}
	return out, nil
}

// AssignLicense gives a user of the acting account a seat of a licence
// (R-LIC-1). Refused when no seat is free, saying how many there are.
// Assigning a seat the user already holds changes nothing. Needs
// licenses.manage. Returns ENOTFOUND for the licence or the user (other
// accounts' included), ECONFLICT when the licence is full.
func (d *DB) AssignLicense(ctx context.Context, a Actor, licenseID, userID int64) (License, error) {
	if userID == 0 {
		return License{}, Errorf(ENOTFOUND, "error.user_not_found")
	}
	return d.AssignSeat(ctx, a, licenseID, SeatInput{UserID: userID})
}

// UnassignLicense takes a licence's seat back from a user of the acting
// account; a user without a seat changes nothing. Needs licenses.manage.
// Returns ENOTFOUND for the licence or the user.
func (d *DB) UnassignLicense(ctx context.Context, a Actor, licenseID, userID int64) (License, error) {
	if err := requireLicenseAdmin(a); err != nil {
		return License{}, err
	}
	return updateItem(ctx, d, a, accountLicense, licenseID, func(t *tx, l License) (License, []change, error) {
		var out License
		u, err := t.targetUser(ActSeat, userID)
		if err != nil {
			return out, nil, err
		}
		out = l
		n, err := t.UnassignLicenseSeat(ctx, sqlcdb.UnassignLicenseSeatParams{LicenseID: l.ID, UserID: u.ID})
		if err != nil || n == 0 {
			return out, nil, err
		}
		out.Used, out.Free = l.Used-1, l.Free+1
		return out, one(change{Action: "license.unassign", TargetType: "license", TargetID: l.ID, TargetLabel: l.Product,
			Before: map[string]any{"user_id": u.ID, "email": u.Email}, After: map[string]any{"used": out.Used}}), nil
	})
}

// UserLicense is a licence of the account with whether a user holds it.
type UserLicense struct {
	License
	Held bool `json:"held"`
}

// UserLicenses lists every licence of the acting account with whether the
// user (of that account) holds a seat, for the user's page. Needs
// licenses.manage. Returns ENOTFOUND for users of other accounts.
func (d *DB) UserLicenses(ctx context.Context, a Actor, userID int64) ([]UserLicense, error) {
	if err := requireLicenseAdmin(a); err != nil {
		return nil, err
	}
	if _, err := d.rq.GetAccountUser(ctx, sqlcdb.GetAccountUserParams{ID: userID, AccountID: a.AccountID}); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, Errorf(ENOTFOUND, "error.user_not_found")
		}
		return nil, err
	}
	rows, err := d.rq.UserLicenses(ctx, sqlcdb.UserLicensesParams{UserID: userID, AccountID: a.AccountID})
	if err != nil {
		return nil, err
	}
	out := make([]UserLicense, len(rows))
	for i, r := range rows {
		out[i] = UserLicense{License: licenseFrom(sqlcdb.License{ID: r.ID, AccountID: r.AccountID,
			Product: r.Product, Seats: r.Seats, CreatedAt: r.CreatedAt}, r.Used), Held: r.Held == 1}
	}
	return out, nil
}

// SeatInput names the user who gets or loses a seat: by id (the API), or by
// login e-mail (the licence page's form).
type SeatInput struct {
	UserID int64  `json:"user_id" form:"user_id" query:"user_id"`
	Email  string `json:"email" form:"email" query:"email"`
}

// seatUser resolves a SeatInput to a user of the acting account. Returns
// EINVALID (email, user_id) when neither names one of its users.
func (t *tx) seatUser(in SeatInput) (sqlcdb.User, error) {
	var v ValidationError
	if in.UserID == 0 {
		email := normalEmail(in.Email)
		if email == "" {
			v.Add("email", M("error.required"))
			return sqlcdb.User{}, v.Err()
		}
		u, err := t.GetUserByEmail(t.ctx, email)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && u.AccountID != t.a.AccountID) {
			v.Add("email", M("license.user_unknown"))
			return sqlcdb.User{}, v.Err()
		}
		return u, err
	}
	return t.accountUser(in.UserID)
}

// AssignSeat is AssignLicense for a user named by id or by login e-mail.
// Returns what AssignLicense does, and EINVALID (email) when the e-mail is
// not a user of the acting account.
func (d *DB) AssignSeat(ctx context.Context, a Actor, licenseID int64, in SeatInput) (License, error) {
	if err := requireLicenseAdmin(a); err != nil {
		return License{}, err
	}
	return updateItem(ctx, d, a, accountLicense, licenseID, func(t *tx, l License) (License, []change, error) {
		var out License
		u, err := t.seatUser(in)
		if err != nil {
			return out, nil, err
		}
		if err := t.mayActOnUser(ActSeat, u); err != nil {
			return out, nil, err
		}
		out = l
		if n, err := t.LicenseSeatTaken(ctx, sqlcdb.LicenseSeatTakenParams{LicenseID: l.ID, UserID: u.ID}); err != nil {
			return out, nil, err
		} else if n > 0 {
			return out, nil, nil
		}
		if l.Used >= l.Seats {
			return out, nil, Errorf(ECONFLICT, "license.full", "Product", l.Product, "Count", l.Seats)
		}
		if err := t.AssignLicenseSeat(ctx, sqlcdb.AssignLicenseSeatParams{LicenseID: l.ID, UserID: u.ID,
			AssignedAt: d.unix()}); err != nil {
			return out, nil, err
		}
		out.Used, out.Free = l.Used+1, l.Free-1
		return out, one(change{Action: "license.assign", TargetType: "license", TargetID: l.ID, TargetLabel: l.Product,
			After: map[string]any{"user_id": u.ID, "email": u.Email, "used": out.Used, "seats": l.Seats}}), nil
	})
}

// SetUserLicenses gives a user of the acting account seats of the listed
// licences of that account, for the user's page: new seats are taken and
// dropped ones freed in one transaction (R-LIC-1). A licence with no free
// seat is left out and named in the answer, and the rest is saved (issue
// 11). Needs licenses.manage. Returns ENOTFOUND for the user, EINVALID
// (license_ids) for other ids; nothing is written then.
func (d *DB) SetUserLicenses(ctx context.Context, a Actor, userID int64, licenseIDs []int64) (full []string, err error) {
	if err := requireLicenseAdmin(a); err != nil {
		return nil, err
	}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		full = nil
		u, err := t.targetUser(ActSeat, userID)
		if err != nil {
			return nil, err
		}
		all, err := t.UserLicenses(ctx, sqlcdb.UserLicensesParams{UserID: u.ID, AccountID: a.AccountID})
		if err != nil {
			return nil, err
		}
		want := map[int64]bool{}
		for _, id := range licenseIDs {
			want[id] = true
		}
		var before, after []int64
		for _, l := range all {
			if l.Held == 1 {
				before = append(before, l.ID)
			}
			if want[l.ID] {
				after = append(after, l.ID)
				delete(want, l.ID)
			}
		}
		if len(want) > 0 {
			var v ValidationError
			v.Add("license_ids", M("license.unknown_ids"))
			return nil, v.Err()
		}
		for _, l := range all {
			held, wanted := l.Held == 1, slices.Contains(after, l.ID)
			switch {
			case wanted && !held && l.Used >= l.Seats:
				full = append(full, l.Product)
				after = slices.DeleteFunc(after, func(id int64) bool { return id == l.ID })
			case wanted && !held:
				err = t.AssignLicenseSeat(ctx, sqlcdb.AssignLicenseSeatParams{LicenseID: l.ID, UserID: u.ID,
					AssignedAt: d.unix()})
			case held && !wanted:
				_, err = t.UnassignLicenseSeat(ctx, sqlcdb.UnassignLicenseSeatParams{LicenseID: l.ID, UserID: u.ID})
			}
			if err != nil {
				return nil, err
			}
		}
		if slices.Equal(before, after) {
			return nil, nil
		}
		return one(change{Action: "user.licenses", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			Before: map[string]any{"license_ids": before}, After: map[string]any{"license_ids": after}}), nil
	})
	return full, err
}
