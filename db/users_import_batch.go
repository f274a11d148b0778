package db

import (
	"context"
	"database/sql"
	"fmt"

	"kadra/db/internal/sqlcdb"
)

// importTx runs fn in one write transaction whose queries reuse their
// prepared statements: an import batch runs the same few dozen statements
// for each of its rows, and preparing (parsing) them again for every row
// took about 40% of the import's time. The savepoints of its rows write
// their own audit rows; fn's error rolls the whole batch back.
func (d *DB) importTx(ctx context.Context, a Actor, fn func(t *tx) error) error {
	sqlTx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	cache := &stmtCache{tx: sqlTx, stmts: map[string]*sql.Stmt{}}
	defer cache.close()
	t := &tx{Queries: sqlcdb.New(cache), sql: sqlTx, d: d, a: a, ctx: ctx}
	if err := fn(t); err != nil {
		return mapSQLError(err)
	}
	return mapSQLError(sqlTx.Commit())
}

// stmtCache is a sqlcdb.DBTX over a transaction that prepares each query
// once.
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
