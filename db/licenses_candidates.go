package db

import (
	"context"
	"strings"
	"unicode/utf8"

	"kadra/db/internal/sqlcdb"
)

// SeatCandidate is a user offered by the licence page's typeahead.
type SeatCandidate struct {
	ID        int64
	Email     string
	FullName  string
	Extension string
}

// SeatCandidates lists at most ten users of the acting account without a
// seat of licence id whose name, e-mail or extension contains q, for the
// licence page's typeahead (R-LIC-1): whoever assigns seats by e-mail may
// find the e-mail. Needs licenses.manage; fewer than two characters give
// nobody. Returns ENOTFOUND for another account's licence.
func (d *DB) SeatCandidates(ctx context.Context, a Actor, id int64, q string) ([]SeatCandidate, error) {
	if err := requireLicenseAdmin(a); err != nil {
		return nil, err
	}
	if _, err := accountLicense(ctx, d.rq, a.AccountID, id); err != nil {
		return nil, err
	}
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) < 2 || len(q) > 200 {
		return nil, nil
	}
	rows, err := d.rq.SeatCandidates(ctx, sqlcdb.SeatCandidatesParams{AccountID: a.AccountID,
		Pattern: "%" + q + "%", LicenseID: id})
	if err != nil {
		return nil, err
	}
	out := make([]SeatCandidate, len(rows))
	for i, r := range rows {
		out[i] = SeatCandidate{ID: r.ID, Email: r.Email, FullName: r.FullName, Extension: r.Extension}
	}
	return out, nil
}
