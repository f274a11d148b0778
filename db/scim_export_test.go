package db

import (
	"context"
	"strings"
)

// QueryPlan is SQLite's plan for a query of the read pool, one detail a
// line, for tests that prove a lookup uses an index.
func (d *DB) QueryPlan(ctx context.Context, query string, args ...any) (string, error) {
	rows, err := d.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		b.WriteString(detail + "\n")
	}
	return b.String(), rows.Err()
}
