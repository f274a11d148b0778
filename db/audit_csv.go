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
	cw := csv.NewWriter(w)
	if err := cw.Write(escapeCSVRecord(header)); err != nil {
		return err
	}
	f.PerPage = 200
	for f.Page = 1; f.Page <= maxPage; f.Page++ {
		page, err := d.SearchAudit(ctx, a, f)
		if err != nil {
			return err
		}
		for _, e := range page.Items {
			if err := cw.Write(escapeCSVRecord(row(e))); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if len(page.Items) < f.PerPage {
			break
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
