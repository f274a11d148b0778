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

// License is a product or service of an account with a number of seats
// (R-LIC-1); Used seats are assigned to users, Free are left.
type License struct {
	ID        int64     `json:"id"`
	AccountID int64     `json:"account_id"`
	Product   string    `json:"product"`
	Seats     int       `json:"seats"`
	Used      int       `json:"used"`
	Free      int       `json:"free"`
	CreatedAt time.Time `json:"created_at"`
}

func licenseFrom(l sqlcdb.License, used int64) License {
	return License{ID: l.ID, AccountID: l.AccountID, Product: l.Product, Seats: int(l.Seats), Used: int(used),
		Free: max(0, int(l.Seats-used)), CreatedAt: time.Unix(l.CreatedAt, 0).UTC()}
}

func licenseRow(r sqlcdb.GetLicenseRow) License {
	return licenseFrom(sqlcdb.License{ID: r.ID, AccountID: r.AccountID, Product: r.Product, Seats: r.Seats,
		CreatedAt: r.CreatedAt}, r.Used)
}

// maxSeats bounds a licence's seat count.
const maxSeats = 1_000_000

// requireLicenseAdmin admits holders of licenses.manage for seat
// assignment in the account they act in.
func requireLicenseAdmin(a Actor) error { return a.require(PermLicensesManage) }

// requireLicenseSeller admits those who add licences and set their seat
// counts: licenses.manage held by a user of the main account, which sells
// them to its sub-accounts. A sub-account's admins assign the seats they
// were given.
func requireLicenseSeller(a Actor) error {
	if err := a.require(PermLicensesManage); err != nil {
		return err
	}
	if !a.HomeIsMain && !a.system {
		return Errorf(EFORBIDDEN, "license.main_only")
	}
	return nil
}

// LicenseFilter is the licence list's search, sort and page.
type LicenseFilter struct {
	Q       string `query:"q" json:"q"`
	Sort    string `query:"sort" json:"sort"`
	Page    int    `query:"page" json:"page"`
	PerPage int    `query:"per_page" json:"per_page"`
}

// LicenseSorts are the licence list's sort keys; "-" first for descending.
var LicenseSorts = []string{"product", "seats", "used", "free"}

// ListLicenses returns a page of the acting account's licences with their
// used and free seats. Needs licenses.manage.
func (d *DB) ListLicenses(ctx context.Context, a Actor, f LicenseFilter) (Page[License], error) {
	if err := requireLicenseAdmin(a); err != nil {
		return Page[License]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	f.Sort = normalSort(f.Sort, LicenseSorts, "product")
	q := likeContains(f.Q)
	total, err := d.rq.CountLicenses(ctx, sqlcdb.CountLicensesParams{AccountID: a.AccountID, Q: q})
	if err != nil {
		return Page[License]{}, err
	}
	rows, err := d.rq.SearchLicenses(ctx, sqlcdb.SearchLicensesParams{AccountID: a.AccountID, Q: q, Sort: f.Sort,
		Lim: int64(f.PerPage), Off: int64((f.Page - 1) * f.PerPage)})
	if err != nil {
		return Page[License]{}, err
	}
	out := Page[License]{Items: make([]License, len(rows)), Total: int(total), Page: f.Page, PerPage: f.PerPage}
	for i, r := range rows {
		out.Items[i] = licenseFrom(sqlcdb.License{ID: r.ID, AccountID: r.AccountID, Product: r.Product,
			Seats: r.Seats, CreatedAt: r.CreatedAt}, r.Used)
	}
	return out, nil
}

func accountLicense(ctx context.Context, q *sqlcdb.Queries, accountID, id int64) (License, error) {
	r, err := q.GetLicense(ctx, sqlcdb.GetLicenseParams{ID: id, AccountID: accountID})
	if errors.Is(err, sql.ErrNoRows) {
		return License{}, Errorf(ENOTFOUND, "license.not_found")
	} else if err != nil {
		return License{}, err
	}
	return licenseRow(r), nil
}

// GetLicense returns one licence of the acting account. Needs
// licenses.manage. Returns ENOTFOUND for other accounts' licences (R-ACC-5).
func (d *DB) GetLicense(ctx context.Context, a Actor, id int64) (License, error) {
	if err := requireLicenseAdmin(a); err != nil {
		return License{}, err
	}
	return accountLicense(ctx, d.rq, a.AccountID, id)
}

// LicenseInput is the licence form.
type LicenseInput struct {
	Product string `json:"product" form:"product"`
	Seats   int    `json:"seats" form:"seats"`
}

func (t *tx) checkLicense(accountID, id int64, in LicenseInput, used int) error {
	var v ValidationError
	checkName(&v, "product", in.Product, 100)
	switch {
	case in.Seats < 0:
		v.Add("seats", M("license.seats.negative"))
	case in.Seats > maxSeats:
		v.Add("seats", M("license.seats.too_many", "Max", maxSeats))
	case in.Seats < used:
		v.Add("seats", M("license.seats.below_used", "Count", used))
	}
	if !v.Has("product") {
		n, err := t.LicenseProductTaken(t.ctx, sqlcdb.LicenseProductTakenParams{AccountID: accountID,
			Product: in.Product, ExceptID: id})
		if err != nil {
			return err
		}
		if n > 0 {
			v.Conflict("product", M("license.product_taken"))
		}
	}
	return v.Err()
}

// CreateLicense adds a licence to the acting account (R-LIC-1). Needs
// licenses.manage in the main account. Returns EINVALID per field.
func (d *DB) CreateLicense(ctx context.Context, a Actor, in LicenseInput) (License, error) {
	if err := requireLicenseSeller(a); err != nil {
		return License{}, err
	}
	in.Product = strings.TrimSpace(in.Product)
	var out License
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		if err := t.checkLicense(a.AccountID, 0, in, 0); err != nil {
			return nil, err
		}
		l, err := t.CreateLicense(ctx, sqlcdb.CreateLicenseParams{AccountID: a.AccountID, Product: in.Product,
			Seats: int64(in.Seats), CreatedAt: d.unix()})
		if err != nil {
			return nil, err
		}
		out = licenseFrom(l, 0)
		return one(change{Action: "license.create", TargetType: "license", TargetID: l.ID, TargetLabel: l.Product,
			After: out}), nil
	})
	return out, err
}

// LicensePatch changes a licence; nil fields stay.
type LicensePatch struct {
	Product *string `json:"product"`
	Seats   *int    `json:"seats"`
}

// UpdateLicense renames a licence or changes its seat count; the count
// cannot go below the seats in use, and the refusal says how many are
// (R-LIC-1). Needs licenses.manage in the main account. Returns ENOTFOUND,
// EINVALID per field.
func (d *DB) UpdateLicense(ctx context.Context, a Actor, id int64, p LicensePatch) (License, error) {
	if err := requireLicenseSeller(a); err != nil {
		return License{}, err
	}
	return updateItem(ctx, d, a, accountLicense, id, func(t *tx, before License) (License, []change, error) {
		in := LicenseInput{Product: before.Product, Seats: before.Seats}
		if p.Product != nil {
			in.Product = strings.TrimSpace(*p.Product)
		}
		if p.Seats != nil {
			in.Seats = *p.Seats
		}
		if err := t.checkLicense(a.AccountID, id, in, before.Used); err != nil {
			return License{}, nil, err
		}
		out := before
		out.Product, out.Seats, out.Free = in.Product, in.Seats, in.Seats-before.Used
		if out == before {
			return out, nil, nil
		}
		if err := t.UpdateLicense(ctx, sqlcdb.UpdateLicenseParams{ID: id, AccountID: a.AccountID,
			Product: in.Product, Seats: int64(in.Seats)}); err != nil {
			return out, nil, err
		}
		return out, one(change{Action: "license.update", TargetType: "license", TargetID: id, TargetLabel: out.Product,
			Before: before, After: out}), nil
	})
}

// DeleteLicense removes a licence of the acting account and every seat of
// it. Needs licenses.manage in the main account. Returns ENOTFOUND.
func (d *DB) DeleteLicense(ctx context.Context, a Actor, id int64) error {
	if err := requireLicenseSeller(a); err != nil {
		return err
	}
	_, err := updateItem(ctx, d, a, accountLicense, id, func(t *tx, l License) (License, []change, error) {
		if _, err := t.DeleteLicense(ctx, sqlcdb.DeleteLicenseParams{ID: id, AccountID: a.AccountID}); err != nil {
			return l, nil, err
		}
		return l, one(change{Action: "license.delete", TargetType: "license", TargetID: id, TargetLabel: l.Product,
			Before: l}), nil
	})
	return err
}

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

// SetUserLicenses gives a user of the acting account seats of exactly the
// listed licences of that account, for the user's page: new seats are
// taken and dropped ones freed in one transaction (R-LIC-1). Needs
// licenses.manage. Returns ENOTFOUND for the user, EINVALID (license_ids)
// for other ids, ECONFLICT naming the first full licence; nothing is
// written then.
func (d *DB) SetUserLicenses(ctx context.Context, a Actor, userID int64, licenseIDs []int64) error {
	if err := requireLicenseAdmin(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
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
			case wanted && !held:
				if l.Used >= l.Seats {
					return nil, Errorf(ECONFLICT, "license.full", "Product", l.Product, "Count", int(l.Seats))
				}
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
}
