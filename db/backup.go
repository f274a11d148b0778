package db

import (
	"context"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the database to path with VACUUM INTO,
// through the read pool, so it is safe while the server writes. The file is
// created readable by its owner only (R-SEC-7), before SQLite writes into
// it. It refuses to overwrite an existing file.
func (d *DB) Backup(ctx context.Context, path string) error {
	if err := createOwnerOnly(path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := d.read.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
