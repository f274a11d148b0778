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

// tx is a write transaction in progress.
type tx struct {
	*sqlcdb.Queries
	sql *sql.Tx
	d   *DB
	a   Actor
	ctx context.Context
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
	return t.InsertAudit(t.ctx, sqlcdb.InsertAuditParams{
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
	})
}

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
// that same transaction. Any error rolls everything back.
func (d *DB) update(ctx context.Context, a Actor, fn func(t *tx) ([]change, error)) error {
	if outer, ok := ctx.Value(batchKey{}).(*tx); ok {
		return outer.savepoint(ctx, a, fn)
	}
	sqlTx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	t := &tx{Queries: sqlcdb.New(sqlTx), sql: sqlTx, d: d, a: a, ctx: ctx}
	changes, err := fn(t)
	if err != nil {
		return mapSQLError(err)
	}
	for _, c := range changes {
		if c.Action == "" {
			continue
		}
		if err := t.audit(c); err != nil {
			return err
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return mapSQLError(err)
	}
	return nil
}

// batchKey marks a context whose operations run inside an open
// transaction, each as a savepoint: the CSV import (users_import.go) saves
// many rows per transaction through the very CreateUser the form uses,
// since one commit per row (an fsync each) cannot import 100,000 rows in
// seconds. Only this package sets it.
type batchKey struct{}

// savepoint runs fn like update, inside t: a refused fn rolls back all it
// wrote, and only that; its audit rows are written with it.
func (t *tx) savepoint(ctx context.Context, a Actor, fn func(t *tx) ([]change, error)) error {
	if _, err := t.sql.ExecContext(ctx, "SAVEPOINT op"); err != nil {
		return err
	}
	inner := &tx{Queries: t.Queries, sql: t.sql, d: t.d, a: a, ctx: ctx}
	err := func() error {
		changes, err := fn(inner)
		if err != nil {
			return err
		}
		for _, c := range changes {
			if c.Action == "" {
				continue
			}
			if err := inner.audit(c); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		if _, rerr := t.sql.ExecContext(ctx, "ROLLBACK TO op"); rerr != nil {
			return errors.Join(err, rerr)
		}
	}
	if _, rerr := t.sql.ExecContext(ctx, "RELEASE op"); rerr != nil {
		return errors.Join(err, rerr)
	}
	return mapSQLError(err)
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
