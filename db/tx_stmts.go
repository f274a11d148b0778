package db

import (
	"context"
	"database/sql"
	"fmt"
)

// stmtCache is a sqlcdb.DBTX over a transaction that prepares each query
// once and reuses it until the transaction ends: a CSV import batch runs
// the same few dozen statements for each of its rows, and preparing
// (parsing) them again for every row took about 40% of the import's time.
// A write that runs each statement once pays nothing for it, since the
// driver prepares every statement with arguments anyway.
type stmtCache struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	s, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = s
	return s, nil
}

func (c *stmtCache) close() {
	for _, s := range c.stmts {
		s.Close()
	}
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (c *stmtCache) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return c.tx.PrepareContext(ctx, query)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := c.stmt(ctx, query)
	if err != nil {
		// A *sql.Row carrying the error: the query fails again, unprepared.
		return c.tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// bulkCacheKiB is the page cache of the write connection while a bulk
// write runs (bigCache), in KiB; SQLite's default is 2,000.
const bulkCacheKiB = 65536

// bigCache gives the write connection a page cache of bulkCacheKiB for
// the rest of t, and returns what sets it back. A bulk write (the seed,
// a batch of the CSV import) touches more pages of the users' indexes and
// search indexes than the default cache holds: SQLite then writes dirty
// pages out mid-transaction and reads them back, which took 10% of the
// seed's time (issue 15). The cache is given back when t ends, so that a
// server's memory stays small.
func (t *tx) bigCache() (func(), error) {
	var was int64
	if err := t.sql.QueryRowContext(t.ctx, "PRAGMA cache_size").Scan(&was); err != nil {
		return nil, err
	}
	if _, err := t.sql.ExecContext(t.ctx, fmt.Sprintf("PRAGMA cache_size = %d", -bulkCacheKiB)); err != nil {
		return nil, err
	}
	return func() { t.sql.ExecContext(context.WithoutCancel(t.ctx), fmt.Sprintf("PRAGMA cache_size = %d", was)) }, nil
}
