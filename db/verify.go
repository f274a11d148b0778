package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// VerifyReport is what Verify found in a backup, snapshot or restored file
// (R-OPS-2). Problems is empty when the file is sound and this kadra can
// serve it.
type VerifyReport struct {
	Path string `json:"path"`
	// Schema is the file's schema version; Binary is this kadra's.
	Schema int `json:"schema"`
	Binary int `json:"binary"`
	// The counts are known only when Readable.
	Readable    bool            `json:"readable"`
	Accounts    int64           `json:"accounts"`
	Users       int64           `json:"users"`
	Extensions  int64           `json:"extensions"` // SIP accounts
	AuditRows   int64           `json:"audit_rows"`
	NewestAudit time.Time       `json:"newest_audit"` // zero when the audit is empty
	Problems    []VerifyProblem `json:"problems"`
}

// VerifyProblem is one reason a file fails verification: Code picks the
// message (verify.problem.CODE in assets/i18n/ops.*.toml) and Detail is
// SQLite's own words or the row at fault.
type VerifyProblem struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
	// For foreign_key: the row at fault, so the message reads in any language.
	Table  string `json:"table,omitempty"`
	Row    int64  `json:"row,omitempty"`
	Parent string `json:"parent,omitempty"`
	// For newer_schema: the file's schema version and this kadra's.
	Schema int `json:"schema,omitempty"`
	Binary int `json:"binary,omitempty"`
}

// The codes of VerifyProblem.
const (
	VerifyMissing     = "missing"      // no such file, or not readable
	VerifyNotSQLite   = "not_sqlite"   // not an SQLite database at all
	VerifyNotKadra    = "not_kadra"    // SQLite, but without kadra's tables
	VerifyIntegrity   = "integrity"    // PRAGMA integrity_check, or a read that hit corruption
	VerifyForeignKey  = "foreign_key"  // PRAGMA foreign_key_check
	VerifyNewerSchema = "newer_schema" // written by a newer kadra
)

// Msg is the problem for a person.
func (p VerifyProblem) Msg() Msg {
	return M("verify.problem."+p.Code, "Detail", p.Detail, "Table", p.Table, "Row", p.Row, "Parent", p.Parent,
		"Schema", p.Schema, "Binary", p.Binary)
}

func (p VerifyProblem) String() string { return p.Code + ": " + p.Detail }

// OK says whether the file passed every check.
func (r VerifyReport) OK() bool { return len(r.Problems) == 0 }

// Older says whether kadra would migrate the file when it starts on it.
func (r VerifyReport) Older() bool { return r.Readable && r.Schema < r.Binary }

// Err is nil for a sound file, else an error naming every problem.
func (r VerifyReport) Err() error {
	if r.OK() {
		return nil
	}
	parts := make([]string, len(r.Problems))
	for i, p := range r.Problems {
		parts[i] = p.String()
	}
	return fmt.Errorf("verify %s: %s", r.Path, strings.Join(parts, "; "))
}

// Summary is the one-line outcome, for the Settings page.
func (r VerifyReport) Summary() Msg {
	if !r.OK() {
		return r.Problems[0].Msg()
	}
	return M("verify.ok", "Schema", r.Schema, "Accounts", r.Accounts, "Users", r.Users,
		"Extensions", r.Extensions, "Audit", r.AuditRows)
}

// kadraTables are the tables every kadra schema has; a file without them
// is some other program's database.
var kadraTables = []string{"accounts", "users", "sip_accounts", "audit_log", "settings"}

// verifyProblemLimit bounds how many rows of each check a report keeps: a
// badly damaged file can yield thousands, and the first few say enough.
const verifyProblemLimit = 10

// Verify checks the database file at path without changing it: it is
// opened read-only and never migrated. The checks are SQLite's integrity
// and foreign key checks, kadra's tables and the schema version against
// this binary's; the report also says how many accounts, users, SIP
// accounts and audit entries the file holds and when the newest entry was
// written. A damaged or foreign file is a report with Problems, not an
// error; the error is for a cancelled context or a driver that failed to
// start.
func Verify(ctx context.Context, path string) (VerifyReport, error) {
	r := VerifyReport{Path: path, Binary: SchemaVersion()}
	problem := func(code, detail string) {
		r.Problems = append(r.Problems, VerifyProblem{Code: code, Detail: detail})
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		problem(VerifyMissing, "no such file")
		return r, nil
	} else if err != nil {
		problem(VerifyMissing, err.Error())
		return r, nil
	} else if !st.Mode().IsRegular() {
		problem(VerifyMissing, "not a regular file")
		return r, nil
	}
	conn, err := sql.Open("sqlite", verifyDSN(path))
	if err != nil {
		return r, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)

	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&r.Schema); err != nil {
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		problem(VerifyNotSQLite, err.Error())
		return r, nil
	}
	missing, err := missingTables(ctx, conn)
	if err != nil {
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		problem(VerifyIntegrity, err.Error())
		return r, nil
	}
	if len(missing) > 0 {
		problem(VerifyNotKadra, "no table "+strings.Join(missing, ", "))
		return r, nil
	}
	if r.Schema > r.Binary {
		r.Problems = append(r.Problems, VerifyProblem{Code: VerifyNewerSchema, Schema: r.Schema, Binary: r.Binary,
			Detail: fmt.Sprintf("the file has schema version %d, this kadra knows up to %d", r.Schema, r.Binary)})
	}
	for _, check := range []struct {
		code, sql string
		row       func(*sql.Rows) (*VerifyProblem, error)
	}{
		{VerifyIntegrity, "PRAGMA integrity_check", integrityRow},
		{VerifyForeignKey, "PRAGMA foreign_key_check", foreignKeyRow},
	} {
		found, err := pragmaRows(ctx, conn, check.sql, check.row)
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		r.Problems = append(r.Problems, found...)
		if err != nil {
			problem(check.code, err.Error())
		}
	}
	c, err := sqlcdb.New(conn).VerifyCounts(ctx)
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	if err != nil {
		problem(VerifyIntegrity, "counting rows: "+err.Error())
		return r, nil
	}
	r.Readable = true
	r.Accounts, r.Users, r.Extensions, r.AuditRows = c.Accounts, c.Users, c.Extensions, c.AuditRows
	if c.NewestAuditAt > 0 {
		r.NewestAudit = time.Unix(c.NewestAuditAt, 0).UTC()
	}
	return r, nil
}

// verifyDSN opens path without writing to it. A file with no -wal beside
// it (a backup, a restored copy) is opened immutable, so that SQLite
// creates no -wal or -shm next to it either; a live database's WAL must be
// read, so it is opened read-only instead. Either way SQLite refuses every
// write, and no migration runs.
func verifyDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "query_only(1)")
	if _, err := os.Stat(path + "-wal"); err == nil {
		q.Set("mode", "ro")
	} else {
		q.Set("immutable", "1")
	}
	return "file:" + path + "?" + q.Encode()
}

func missingTables(ctx context.Context, conn *sql.DB) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table'")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		have[name] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var missing []string
	for _, t := range kadraTables {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	return missing, nil
}

// pragmaRows runs a checking pragma and returns the problems its first
// rows report.
func pragmaRows(ctx context.Context, conn *sql.DB, query string, row func(*sql.Rows) (*VerifyProblem, error)) ([]VerifyProblem, error) {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []VerifyProblem
	for rows.Next() && len(found) < verifyProblemLimit {
		p, err := row(rows)
		if err != nil {
			return found, err
		}
		if p != nil {
			found = append(found, *p)
		}
	}
	return found, rows.Err()
}

// integrityRow reads a row of integrity_check: "ok", or one thing wrong in
// SQLite's words.
func integrityRow(rows *sql.Rows) (*VerifyProblem, error) {
	var s string
	if err := rows.Scan(&s); err != nil || s == "ok" {
		return nil, err
	}
	return &VerifyProblem{Code: VerifyIntegrity, Detail: s}, nil
}

// foreignKeyRow reads a row of foreign_key_check: a row of a table that
// refers to a missing row of another.
func foreignKeyRow(rows *sql.Rows) (*VerifyProblem, error) {
	var table, parent string
	var rowid sql.NullInt64
	var fkid int64
	if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
		return nil, err
	}
	return &VerifyProblem{Code: VerifyForeignKey, Table: table, Row: rowid.Int64, Parent: parent,
		Detail: fmt.Sprintf("row %d of %s refers to a missing row of %s", rowid.Int64, table, parent)}, nil
}
