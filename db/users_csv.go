package db

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// The CSV file of users (R-USER-13): a header row naming the columns in any
// order, then one user per row. The same columns come out of the export,
// so an exported file imports back unchanged.

// UserCSVColumns are the columns of the users CSV file, in the export's
// order. Passwords are never a column: imported users are invited
// (send_invite) or inactive.
var UserCSVColumns = []string{"email", "notify_email", "full_name", "work_phone", "role", "position",
	"groups", "extension", "caller_id", "sms_sender", "send_invite"}

// requiredCSVColumns must be in the header: without them no row could be
// saved (R-USER-5, R-USER-6).
var requiredCSVColumns = []string{"email", "full_name", "role", "position", "extension"}

// Limits of an imported file.
const (
	CSVMaxBytes    = 10 << 20 // 10 MB
	CSVMaxRows     = 100_000  // rows after the header
	CSVMaxFieldLen = 1000     // characters per field
)

// CSV separators inside a field: groups are separated by ";", the levels of
// a group's path by " / " (" › ", as the pages show paths, is read too).
const (
	csvGroupSep     = ";"
	csvGroupPathSep = " / "
)

// UserCSVRow is one row of a users file, as typed: Line is its line in the
// file (the header is line 1), Fields its values by column, Errors what is
// wrong with the row before any lookup (wrong number of fields, a field
// too long), by column ("row" for the row as a whole).
type UserCSVRow struct {
	Line   int
	Fields map[string]string
	Errors map[string]Msg
}

// Get returns the row's value of column, "" when the file has no such
// column.
func (r UserCSVRow) Get(column string) string { return r.Fields[column] }

// ParseUsersCSV reads a users file: UTF-8 (a byte-order mark is skipped),
// "," or ";" between fields (whichever the header uses), CRLF or LF line
// ends. It returns the data rows; rows of empty fields only are skipped.
// Returns EINVALID (field "file") for a file that is too big, not UTF-8,
// not CSV, without a header, with unknown, repeated or missing columns, or
// with too many rows; a row with the wrong number of fields or a field
// that is too long is kept with its Errors, to be reported at its line.
func ParseUsersCSV(r io.Reader) ([]UserCSVRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, CSVMaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > CSVMaxBytes {
		return nil, fileError(M("csv.too_big", "Max", "10 MB"))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, fileError(M("csv.not_utf8"))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileError(M("csv.empty"))
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectSeparator(data)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(err)
	}
	columns, err := csvHeader(header)
	if err != nil {
		return nil, err
	}
	var rows []UserCSVRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		if blankRecord(rec) {
			continue
		}
		if len(rows) == CSVMaxRows {
			return nil, fileError(M("csv.too_many_rows", "Max", CSVMaxRows))
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, csvRow(line, columns, rec))
	}
	if len(rows) == 0 {
		return nil, fileError(M("csv.no_rows"))
	}
	return rows, nil
}

// csvRow makes a row of rec under columns, noting what is wrong with it.
func csvRow(line int, columns []string, rec []string) UserCSVRow {
	row := UserCSVRow{Line: line, Fields: make(map[string]string, len(columns))}
	var v ValidationError
	if len(rec) != len(columns) {
		v.Add("row", M("csv.field_count", "Got", len(rec), "Want", len(columns)))
	}
	for i, col := range columns {
		if i >= len(rec) {
			break
		}
		val := unescapeCSVCell(strings.TrimSpace(rec[i]))
		if utf8.RuneCountInString(val) > CSVMaxFieldLen {
			v.Add(col, M("error.too_long", "Max", CSVMaxFieldLen))
			val = ""
		}
		row.Fields[col] = val
	}
	row.Errors = v.Fields
	return row
}

// csvHeader checks the header row and returns its columns, in lower case.
func csvHeader(header []string) ([]string, error) {
	columns := make([]string, len(header))
	seen := map[string]bool{}
	var unknown, repeated []string
	for i, h := range header {
		col := strings.ToLower(strings.TrimSpace(h))
		columns[i] = col
		switch {
		case !isUserCSVColumn(col):
			unknown = append(unknown, quoteName(h))
		case seen[col]:
			repeated = append(repeated, col)
		}
		seen[col] = true
	}
	var missing []string
	for _, col := range requiredCSVColumns {
		if !seen[col] {
			missing = append(missing, col)
		}
	}
	switch {
	case len(unknown) > 0:
		return nil, fileError(M("csv.unknown_columns", "List", strings.Join(unknown, ", "),
			"Known", strings.Join(UserCSVColumns, ", ")))
	case len(repeated) > 0:
		return nil, fileError(M("csv.repeated_columns", "List", strings.Join(repeated, ", ")))
	case len(missing) > 0:
		return nil, fileError(M("csv.missing_columns", "List", strings.Join(missing, ", ")))
	}
	return columns, nil
}

func isUserCSVColumn(col string) bool {
	for _, c := range UserCSVColumns {
		if c == col {
			return true
		}
	}
	return false
}

// quoteName shows a header cell as typed, shortened, in quotes.
func quoteName(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return `"` + s + `"`
}

// detectSeparator picks "," or ";", whichever the header row (the first
// line, outside quotes) holds more of; "," when neither.
func detectSeparator(data []byte) rune {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), CSVMaxBytes+1)
	sc.Scan()
	quoted, commas, semis := false, 0, 0
	for _, c := range sc.Bytes() {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// fileError is a refusal of the whole file.
func fileError(m Msg) error {
	var v ValidationError
	v.Add("file", m)
	return v.Err()
}

// csvError explains a malformed file with the line where reading stopped.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileError(M("csv.malformed", "Line", pe.StartLine))
	}
	return err
}

// Spreadsheets run a cell that starts with = + - @ (or a tab or carriage
// return) as a formula. The export writes such free-text cells with a
// leading apostrophe, which spreadsheets show as text, and the import takes
// it off again, so that files round-trip.
func formulaStart(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

func escapeCSVCell(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

func unescapeCSVCell(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && formulaStart(rest) {
		return rest
	}
	return s
}
