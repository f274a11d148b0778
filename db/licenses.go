package db

import (
	"context"
	"database/sql"
	"errors"
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
