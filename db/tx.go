package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// change is what an operation did, for its audit row (R-AUDIT-1).
type change struct {
	Action      string // e.g. "user.create"
	TargetType  string
	TargetID    int64
	TargetLabel string
	AccountID   int64 // 0 means the actor's account
	Before      any
	After       any
}

// tx is a write transaction in progress, and the one way to write.
//
// The rule for helpers: a helper that reads or writes inside a write is a
// method of *tx (t.setUserGroups, t.assignSIP, t.checkUserInput ...) and
// uses t.ctx, t.a and t's queries, so that its checks see what the
// transaction has written so far. Only a helper that also serves reads
// outside any write is a plain function taking (ctx, q *sqlcdb.Queries,
// ...), called with d.rq on the read pool and with t.ctx, t.Queries in a
// write (getSIP, getAccount, mayActOn); no helper takes a *tx as an
// argument. No transaction travels in a context.
type tx struct {
	*sqlcdb.Queries
	sql   *sql.Tx
	stmts *stmtCache // the statements t prepared, for the few written outside queries/ (flushAudit)
	d     *DB
	a     Actor
	ctx   context.Context
	// memo, when set, keeps reads that nothing in the transaction changes
	// (the group tree, the password policy, SIP domain and pattern,
	// accounts, the names audit labels give) for the transaction's life. Only the CSV
	// import sets it: a batch runs the same checks for every row and
	// renames nothing, so the first read through t is the answer for all
	// (issue 15).
	memo *txMemo
	// auditRows, when set, keeps the audit rows of the transaction's
	// changes for flushAudit to write together before it commits, rather
	// than one statement each: the CSV import writes six per user (issue
	// 15). The rows are the same, in the same order.
	auditRows *[]sqlcdb.InsertAuditParams
}

// txMemo is what a tx with a memo has read once.
type txMemo struct {
	policy   *PasswordPolicy
	names    map[string]string // auditName's answers by "kind:id"
	tree     []Group           // the acting account's groups (groupTree)
	sip      map[int64]SIPSettings
	accounts map[int64]sqlcdb.Account
}

// groupTree is d.groupTree of the acting account read through t, once per
// transaction when t keeps a memo: the user form's groups are checked
// against it, and with 2,000 groups reading it for every imported row
// was most of the import's time.
func (t *tx) groupTree() ([]Group, error) {
	if t.memo != nil && t.memo.tree != nil {
		return t.memo.tree, nil
	}
	tree, err := t.d.groupTree(t.ctx, t.Queries, t.a.AccountID, t.a.Lang)
	if err == nil && t.memo != nil {
		t.memo.tree = tree
	}
	return tree, err
}

// sipDomainPattern is sipDomainPattern read through t, once per
// transaction when t keeps a memo.
func (t *tx) sipDomainPattern(accountID int64) (SIPSettings, error) {
	if s, ok := t.memo.sipOf(accountID); ok {
		return s, nil
	}
	s, err := sipDomainPattern(t.ctx, t.Queries, accountID)
	if err == nil && t.memo != nil {
		if t.memo.sip == nil {
			t.memo.sip = map[int64]SIPSettings{}
		}
		t.memo.sip[accountID] = s
	}
	return s, err
}

func (m *txMemo) sipOf(accountID int64) (SIPSettings, bool) {
	if m == nil {
		return SIPSettings{}, false
	}
	s, ok := m.sip[accountID]
	return s, ok
}

// account reads an account through t, once per transaction when t keeps
// a memo.
func (t *tx) account(id int64) (sqlcdb.Account, error) {
	if t.memo != nil {
		if acc, ok := t.memo.accounts[id]; ok {
			return acc, nil
		}
	}
	acc, err := t.GetAccount(t.ctx, id)
	if err == nil && t.memo != nil {
		if t.memo.accounts == nil {
			t.memo.accounts = map[int64]sqlcdb.Account{}
		}
		t.memo.accounts[id] = acc
	}
	return acc, err
}

// passwordPolicy is passwordPolicy read through t, once per transaction
// when t keeps a memo.
func (t *tx) passwordPolicy() (PasswordPolicy, error) {
	if t.memo != nil && t.memo.policy != nil {
		return *t.memo.policy, nil
	}
	p, err := passwordPolicy(t.ctx, t.Queries)
	if err == nil && t.memo != nil {
		t.memo.policy = &p
	}
	return p, err
}

// audit writes one audit row in the transaction: who, as whom, where, what,
// before and after.
func (t *tx) audit(c change) error {
	account := c.AccountID
	if account == 0 {
		account = t.a.AccountID
	}
	before, err := auditJSON(c.Before)
	if err != nil {
		return err
	}
	after, err := auditJSON(c.After)
	if err != nil {
		return err
	}
	labels, err := t.auditLabels(c, before, after) // R-AUDIT-2: names as they are now
	if err != nil {
		return err
	}
	row := sqlcdb.InsertAuditParams{
		At:                t.d.unix(),
		ActorID:           nullID(t.a.UserID),
		ActorEmail:        t.a.Email,
		ImpersonatorID:    nullID(t.a.ImpersonatorID),
		ImpersonatorEmail: t.a.ImpersonatorEmail,
		AccountID:         nullID(account),
		Action:            c.Action,
		TargetType:        c.TargetType,
		TargetID:          nullID(c.TargetID),
		TargetLabel:       c.TargetLabel,
		BeforeJson:        before,
		AfterJson:         after,
		Ip:                t.a.IP,
		LabelsJson:        labels,
	}
	if t.auditRows != nil {
		*t.auditRows = append(*t.auditRows, row)
		return nil
	}
	return t.InsertAudit(t.ctx, row)
}

// flushAudit writes the audit rows t has kept (see auditRows) in one
// statement per auditChunk rows, in the order they were made.
func (t *tx) flushAudit() error {
	if t.auditRows == nil {
		return nil
	}
	rows := *t.auditRows
	*t.auditRows = rows[:0]
	args := make([]any, 0, auditChunk*auditColumns)
	for len(rows) > 0 {
		n := min(len(rows), auditChunk)
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r.At, r.ActorID, r.ActorEmail, r.ImpersonatorID, r.ImpersonatorEmail,
				r.AccountID, r.Action, r.TargetType, r.TargetID, r.TargetLabel, r.BeforeJson,
				r.AfterJson, r.Ip, r.LabelsJson)
		}
		if _, err := t.stmts.ExecContext(t.ctx, insertAuditRowsSQL(n), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// insertAuditRowsSQL is InsertAudit (queries/audit.sql) for n rows in one
// statement. It is written here because sqlc cannot generate a VALUES
// list of a variable length; the statement is prepared once per
// transaction (stmtCache). Handing the rows over as one JSON argument to
// json_each, as queries/users_import.sql does, took twice as long for
// audit rows, whose before, after and labels are JSON texts escaped once
// more in the argument (issue 15).
func insertAuditRowsSQL(n int) string {
	if n == auditChunk {
		return auditChunkSQL
	}
	return auditRowsSQL(n)
}

func auditRowsSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_log (at, actor_id, actor_email, impersonator_id, impersonator_email, account_id,
	action, target_type, target_id, target_label, before_json, after_json, ip, labels_json) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
	}
	return b.String()
}

var auditChunkSQL = auditRowsSQL(auditChunk)

// auditChunk is how many audit rows one statement of flushAudit writes:
// auditColumns arguments each, well under SQLite's limit of 32,766.
const (
	auditChunk   = 100
	auditColumns = 14
)

func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	return string(b), nil
}

// update runs fn in one write transaction (BEGIN IMMEDIATE through the single
// writer connection) and writes the audit rows of the changes fn reports in
// that same transaction. Any error rolls everything back. It is the only
// place a write transaction begins.
func (d *DB) update(ctx context.Context, a Actor, fn func(t *tx) ([]change, error)) error {
	sqlTx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	stmts := &stmtCache{tx: sqlTx, stmts: map[string]*sql.Stmt{}}
	defer stmts.close()
	t := &tx{Queries: sqlcdb.New(stmts), sql: sqlTx, stmts: stmts, d: d, a: a, ctx: ctx}
	if err := t.run(fn); err != nil {
		return mapSQLError(err)
	}
	return mapSQLError(sqlTx.Commit())
}

// run calls fn and writes the audit rows of the changes it reports.
func (t *tx) run(fn func(t *tx) ([]change, error)) error {
	changes, err := fn(t)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if c.Action == "" {
			continue
		}
		if err := t.audit(c); err != nil {
			return err
		}
	}
	return nil
}

// one is a shorthand for an operation with a single change.
func one(c change) []change { return []change{c} }

// mapSQLError turns constraint failures that slipped past validation into
// domain errors, so they never surface as a 500.
func mapSQLError(err error) error {
	if err == nil || AsError(err) != nil {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return Errorf(ECONFLICT, "error.conflict")
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return Errorf(ECONFLICT, "error.in_use")
	case strings.Contains(msg, "CHECK constraint failed"):
		return Errorf(EINVALID, "error.validation")
	}
	return err
}

func nullID(id int64) sql.NullInt64 {
	return sql.NullInt64{Int64: id, Valid: id != 0}
}

// notFound maps sql.ErrNoRows to ENOTFOUND and leaves other errors alone.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	}
	return err
}

// updateItem runs fn in one write on the item id of the acting account
// (a licence, a SIP account ...), which get reads inside the transaction
// (ENOTFOUND when the account has none); fn returns what the write
// answers, and the changes to audit.
func updateItem[T, R any](ctx context.Context, d *DB, a Actor, get func(context.Context, *sqlcdb.Queries, int64, int64) (T, error),
	id int64, fn func(t *tx, item T) (R, []change, error)) (R, error) {
	var out R
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		item, err := get(t.ctx, t.Queries, t.a.AccountID, id)
		if err != nil {
			return nil, err
		}
		var changes []change
		out, changes, err = fn(t, item)
		return changes, err
	})
	return out, err
}
