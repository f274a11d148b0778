package db

import (
	"context"
	"encoding/csv"
	"io"
)

// ExportAudit writes the entries f finds (every page of them) as CSV: the
// header, then one record per entry as row makes it, each cell written
// like every exported free-text cell (escapeCSVCell), so that a name
// starting with "=" stays text in a spreadsheet. The caller words the
// entries (the sentences are in the reader's language).
// Returns EFORBIDDEN without audit.view.
func (d *DB) ExportAudit(ctx context.Context, a Actor, f AuditFilter, w io.Writer, header []string,
	row func(AuditEntry) []string) error {
	if err := a.require(PermAuditView); err != nil {
		return err
	}
	f.PerPage = csvPageSize
	return writeCSVPages(w, header, func(n int) ([]AuditEntry, error) {
		f.Page = n
		page, err := d.SearchAudit(ctx, a, f)
		return page.Items, err
	}, row)
}

// csvPageSize is how many rows an export reads at a time.
const csvPageSize = 200

// writeCSVPages writes header and then, page after page until a short
// one, a record per item as row makes it, each cell escaped like every
// exported free-text cell (escapeCSVCell), flushed after each page.
func writeCSVPages[T any](w io.Writer, header []string, page func(n int) ([]T, error), row func(T) []string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(escapeCSVRecord(header)); err != nil {
		return err
	}
	for n := 1; n <= maxPage; n++ {
		items, err := page(n)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := cw.Write(escapeCSVRecord(row(it))); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if len(items) < csvPageSize {
			return nil
		}
	}
	return nil
}

func escapeCSVRecord(rec []string) []string {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = escapeCSVCell(s)
	}
	return out
}
