package db

import (
	"context"
	"database/sql"
	"sync"
)

// readStmts keeps the read pool's statements built at run time (the user
// list's search, filters and sort make a few hundred shapes at most),
// prepared once each: parsing one with its joins and search was about a
// tenth of a searched list's time at 100,000 users. Past maxReadStmts
// shapes a query runs unprepared, so nothing grows without bound.
type readStmts struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

const maxReadStmts = 512

// stmt is the prepared statement of query on the read pool, or nil when
// the cache is full (or preparing failed: running it reports why).
func (d *DB) readStmt(ctx context.Context, query string) *sql.Stmt {
	c := &d.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stmts[query]; ok {
		return s
	}
	if len(c.stmts) >= maxReadStmts {
		return nil
	}
	s, err := d.read.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = s
	return s
}

// queryRead runs a query built at run time on the read pool.
func (d *DB) queryRead(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := d.readStmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return d.read.QueryContext(ctx, query, args...)
}

// queryRowRead is queryRead for one row.
func (d *DB) queryRowRead(ctx context.Context, query string, args ...any) *sql.Row {
	if s := d.readStmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return d.read.QueryRowContext(ctx, query, args...)
}

func (c *readStmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.stmts {
		s.Close()
	}
	c.stmts = nil
}
