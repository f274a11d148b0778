package db

import (
	"encoding/csv"
	"io"
	"strconv"
)

// WriteCSV writes the usage table as CSV: a header naming both periods,
// one row per account and a total. Names and external ids are written like
// every exported free-text cell (escapeCSVCell), so that a spreadsheet
// shows them as text.
func (u Usage) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	prev := "previous_" + u.Previous.Start.Format("2006-01-02") + "_" + u.Previous.End.Format("2006-01-02")
	cur := "current_" + u.Current.Start.Format("2006-01-02") + "_" + u.Current.End.Format("2006-01-02")
	_ = cw.Write([]string{"account_id", "name", "external_id", "main", "deleted", prev, cur})
	for _, r := range u.Accounts {
		_ = cw.Write([]string{strconv.FormatInt(r.AccountID, 10), escapeCSVCell(r.Name), escapeCSVCell(r.ExternalID),
			strconv.FormatBool(r.Main), strconv.FormatBool(r.Deleted), strconv.Itoa(r.Previous), strconv.Itoa(r.Current)})
	}
	_ = cw.Write([]string{"", "total", "", "", "", strconv.Itoa(u.TotalPrevious), strconv.Itoa(u.TotalCurrent)})
	cw.Flush()
	return cw.Error()
}
