package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"kadra/db/internal/sqlcdb"
)

// Account is the main account or a sub-account (R-ACC-1, R-ACC-2).
type Account struct {
	ID         int64  `json:"id"`
	ParentID   int64  `json:"parent_id,omitempty"`
	Name       string `json:"name"`
	ExternalID string `json:"external_id"`
	SIPDomain  string `json:"sip_domain"`
	// PhoneCountry is the region (ISO 3166 code, PL by default) of phone
	// numbers typed without their country code (issue 11).
	PhoneCountry string    `json:"phone_country"`
	UserCount    int       `json:"user_count"`
	CreatedAt    time.Time `json:"created_at"`
}

// Main reports whether this is the main account.
func (a Account) Main() bool { return a.ParentID == 0 }

func accountFrom(a sqlcdb.Account) Account {
	return Account{ID: a.ID, ParentID: a.ParentID.Int64, Name: a.Name, ExternalID: a.ExternalID,
		SIPDomain: a.SipDomain, PhoneCountry: a.PhoneCountry, CreatedAt: time.Unix(a.CreatedAt, 0).UTC()}
}

// CurrentAccount returns the account the actor acts in.
func (d *DB) CurrentAccount(ctx context.Context, a Actor) (Account, error) {
	if !a.Valid() {
		return Account{}, errUnauthorized
	}
	acc, err := d.rq.GetAccount(ctx, a.AccountID)
	if err != nil {
		return Account{}, notFound(err)
	}
	return accountFrom(acc), nil
}

// requireAccountsAdmin admits the owner and main-account users holding
// accounts.manage (R-ACC-3). A sub-account's users never manage accounts,
// whatever their role holds: they see only their own account (R-ACC-5).
func requireAccountsAdmin(a Actor) error {
	if err := a.require(PermAccountsManage); err != nil {
		return err
	}
	if !a.HomeIsMain && !a.system {
		return errForbidden
	}
	return nil
}

// CanManageAccounts reports whether the actor may see and manage accounts,
// access grants and usage: accounts.manage held by a user of the main
// account (R-ACC-3, R-ACC-5).
func (a Actor) CanManageAccounts() bool { return requireAccountsAdmin(a) == nil }

// AccountFilter is the account list's search, sort and page.
type AccountFilter struct {
	Q       string `query:"q" json:"q"` // name, external id or SIP domain, substring
	Sort    string `query:"sort" json:"sort"`
	Page    int    `query:"page" json:"page"`
	PerPage int    `query:"per_page" json:"per_page"`
}

// AccountSorts are the sort keys of the account list; "-" first for
// descending. The main account always comes first.
var AccountSorts = []string{"name", "external_id", "users", "created"}

// ListAccounts returns a page of every account with its user count, the
// main account first. Needs accounts.manage in the main account.
func (d *DB) ListAccounts(ctx context.Context, a Actor, f AccountFilter) (Page[Account], error) {
	if err := requireAccountsAdmin(a); err != nil {
		return Page[Account]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	f.Sort = normalSort(f.Sort, AccountSorts, "name")
	q := likeContains(f.Q)
	total, err := d.rq.CountSearchAccounts(ctx, q)
	if err != nil {
		return Page[Account]{}, err
	}
	rows, err := d.rq.SearchAccounts(ctx, sqlcdb.SearchAccountsParams{Q: q, Sort: f.Sort,
		Lim: int64(f.PerPage), Off: int64((f.Page - 1) * f.PerPage)})
	if err != nil {
		return Page[Account]{}, err
	}
	out := Page[Account]{Items: make([]Account, len(rows)), Total: int(total), Page: f.Page, PerPage: f.PerPage}
	for i, r := range rows {
		out.Items[i] = accountFrom(sqlcdb.Account{ID: r.ID, ParentID: r.ParentID, Name: r.Name,
			ExternalID: r.ExternalID, SipDomain: r.SipDomain, CreatedAt: r.CreatedAt})
		out.Items[i].UserCount = int(r.UserCount)
	}
	return out, nil
}

// GetAccount returns one account with its user count. Needs accounts.manage
// in the main account. Returns ENOTFOUND for an unknown id.
func (d *DB) GetAccount(ctx context.Context, a Actor, id int64) (Account, error) {
	if err := requireAccountsAdmin(a); err != nil {
		return Account{}, err
	}
	return getAccount(ctx, d.rq, id)
}

func getAccount(ctx context.Context, q *sqlcdb.Queries, id int64) (Account, error) {
	acc, err := q.GetAccount(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, Errorf(ENOTFOUND, "account.not_found")
	} else if err != nil {
		return Account{}, err
	}
	n, err := q.AccountUserCount(ctx, id)
	if err != nil {
		return Account{}, err
	}
	out := accountFrom(acc)
	out.UserCount = int(n)
	return out, nil
}

// AccountInput is the first step of the "Add account" form (R-ACC-2). An
// empty SIP domain is derived from the name and the main account's domain.
type AccountInput struct {
	Name       string `json:"name" form:"name"`
	ExternalID string `json:"external_id" form:"external_id"`
	SIPDomain  string `json:"sip_domain" form:"sip_domain"`
	// PhoneCountry: on the edit form only; a new account starts with PL.
	PhoneCountry string `json:"-" form:"phone_country"`
}

func (in *AccountInput) normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	in.SIPDomain = sipRealm(in.SIPDomain)
}

// checkAccount validates an account's details against the others: names
// and external ids are unique, and (for a new account) so is the SIP
// domain, so that its extensions never meet another account's. Only the
// main account may go without an external id.
func checkAccount(ctx context.Context, q *sqlcdb.Queries, in AccountInput, exceptID int64, withDomain, main bool) error {
	var v ValidationError
	checkName(&v, "name", in.Name, 100)
	switch {
	case in.ExternalID == "" && main:
	case in.ExternalID == "":
		v.Add("external_id", M("error.required"))
	case utf8.RuneCountInString(in.ExternalID) > 64:
		v.Add("external_id", M("error.too_long", "Max", 64))
	default:
		checkText(&v, "external_id", in.ExternalID, false)
	}
	if withDomain && in.SIPDomain != "" && !validDomain(in.SIPDomain) {
		v.Add("sip_domain", M("error.domain"))
	}
	if !v.Has("name") {
		if n, err := q.AccountNameTaken(ctx, sqlcdb.AccountNameTakenParams{Name: in.Name, ExceptID: exceptID}); err != nil {
			return err
		} else if n > 0 {
			v.Conflict("name", M("account.name_taken"))
		}
	}
	if !v.Has("external_id") {
		if n, err := q.AccountExternalIDTaken(ctx, sqlcdb.AccountExternalIDTakenParams{ExternalID: in.ExternalID,
			ExceptID: exceptID}); err != nil {
			return err
		} else if n > 0 {
			v.Conflict("external_id", M("account.external_id_taken"))
		}
	}
	if withDomain && in.SIPDomain != "" && !v.Has("sip_domain") {
		if n, err := q.AccountWithSIPDomain(ctx, sqlcdb.AccountWithSIPDomainParams{SipDomain: in.SIPDomain,
			ExceptID: exceptID}); err != nil {
			return err
		} else if n > 0 {
			v.Conflict("sip_domain", M("account.sip_domain_taken", "Domain", in.SIPDomain))
		}
	}
	return v.Err()
}

// derivedSIPDomain makes a free SIP domain for a new account from its name
// under the main account's domain, e.g. "krakow.sip.example.pl".
func derivedSIPDomain(ctx context.Context, q *sqlcdb.Queries, name string) (string, error) {
	main, err := q.MainAccount(ctx)
	if err != nil {
		return "", err
	}
	base := sipRealm(main.SipDomain)
	label := slug(name)
	if label == "" {
		label = "account"
	}
	for i := 1; i < 1000; i++ {
		l := label
		if i > 1 {
			l = fmt.Sprintf("%s-%d", label, i)
		}
		dom := l + "." + base
		if len(dom) > 253 {
			dom = dom[len(dom)-253:]
		}
		if !validDomain(dom) {
			continue
		}
		n, err := q.AccountWithSIPDomain(ctx, sqlcdb.AccountWithSIPDomainParams{SipDomain: dom})
		if err != nil {
			return "", err
		}
		if n == 0 {
			return dom, nil
		}
	}
	return "", Errorf(ECONFLICT, "account.sip_domain_exhausted")
}

// slug turns a name into a DNS label: Polish letters lose their marks,
// anything else but letters and digits becomes a hyphen.
func slug(name string) string {
	fold := strings.NewReplacer("ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s",
		"ź", "z", "ż", "z", "ä", "a", "ö", "o", "ü", "u", "ß", "ss")
	s := fold.Replace(strings.ToLower(name))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// PrepareAccount is the first step of "Add account" (R-ACC-2): it checks
// the details and fills in the SIP domain the account will get, for the
// confirmation step. Nothing is written. Needs accounts.manage in the main
// account. Returns EINVALID per field.
func (d *DB) PrepareAccount(ctx context.Context, a Actor, in AccountInput) (AccountInput, error) {
	if err := requireAccountsAdmin(a); err != nil {
		return in, err
	}
	in.normalize()
	if err := checkAccount(ctx, d.rq, in, 0, true, false); err != nil {
		return in, err
	}
	if in.SIPDomain == "" {
		dom, err := derivedSIPDomain(ctx, d.rq, in.Name)
		if err != nil {
			return in, err
		}
		in.SIPDomain = dom
	}
	return in, nil
}

// CreateAccount adds a sub-account under the main account (R-ACC-2) with
// its own permanent "Position" group and first position (R-GROUP-4) and its
// own SIP domain, in one audited transaction. Needs accounts.manage in the
// main account. Returns EINVALID per field (a taken name, external id or
// SIP domain among them).
func (d *DB) CreateAccount(ctx context.Context, a Actor, in AccountInput) (Account, error) {
	if err := requireAccountsAdmin(a); err != nil {
		return Account{}, err
	}
	in.normalize()
	var out Account
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		if err := checkAccount(ctx, t.Queries, in, 0, true, false); err != nil {
			return nil, err
		}
		if in.SIPDomain == "" {
			dom, err := derivedSIPDomain(ctx, t.Queries, in.Name)
			if err != nil {
				return nil, err
			}
			in.SIPDomain = dom
		}
		main, err := t.MainAccount(ctx)
		if err != nil {
			return nil, err
		}
		id, err := t.NextAccountID(ctx)
		if err != nil {
			return nil, err
		}
		now := d.unix()
		acc, err := t.CreateAccountWithID(ctx, sqlcdb.CreateAccountWithIDParams{ID: id,
			ParentID: nullID(main.ID), Name: in.Name, ExternalID: in.ExternalID, SipDomain: in.SIPDomain,
			CreatedAt: now})
		if err != nil {
			return nil, err
		}
		if _, err := t.seedPositions(acc.ID, now); err != nil {
			return nil, err
		}
		out = accountFrom(acc)
		return one(change{Action: "account.create", TargetType: "account", TargetID: acc.ID,
			TargetLabel: acc.Name, AccountID: main.ID, After: out}), nil
	})
	return out, err
}

// AccountPatch changes an account's name or external id; nil fields stay.
// The SIP domain is changed in the account's SIP settings, which know what
// a new domain does to its passwords.
type AccountPatch struct {
	Name         *string `json:"name"`
	ExternalID   *string `json:"external_id"`
	PhoneCountry *string `json:"phone_country"`
}

// UpdateAccount renames an account or changes its external id. Needs
// accounts.manage in the main account. Returns ENOTFOUND, EINVALID per
// field.
func (d *DB) UpdateAccount(ctx context.Context, a Actor, id int64, p AccountPatch) (Account, error) {
	if err := requireAccountsAdmin(a); err != nil {
		return Account{}, err
	}
	var out Account
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := getAccount(ctx, t.Queries, id)
		if err != nil {
			return nil, err
		}
		in := AccountInput{Name: before.Name, ExternalID: before.ExternalID}
		if p.Name != nil {
			in.Name = *p.Name
		}
		if p.ExternalID != nil {
			in.ExternalID = *p.ExternalID
		}
		in.normalize()
		country := before.PhoneCountry
		if p.PhoneCountry != nil {
			country = strings.ToUpper(strings.TrimSpace(*p.PhoneCountry))
		}
		if err := checkAccount(ctx, t.Queries, in, id, false, before.Main()); err != nil {
			return nil, err
		}
		if !PhoneCountryKnown(country) {
			var v ValidationError
			v.Add("phone_country", M("account.phone_country.unknown"))
			return nil, v.Err()
		}
		out = before
		out.Name, out.ExternalID, out.PhoneCountry = in.Name, in.ExternalID, country
		if out == before {
			return nil, nil
		}
		if err := t.UpdateAccount(ctx, sqlcdb.UpdateAccountParams{ID: id, Name: in.Name,
			ExternalID: in.ExternalID, PhoneCountry: country}); err != nil {
			return nil, err
		}
		return one(change{Action: "account.update", TargetType: "account", TargetID: id,
			TargetLabel: out.Name, AccountID: mainOf(before), Before: before, After: out}), nil
	})
	return out, err
}

// mainOf is the main account's id: the account itself or its parent.
func mainOf(acc Account) int64 {
	if acc.ParentID != 0 {
		return acc.ParentID
	}
	return acc.ID
}
