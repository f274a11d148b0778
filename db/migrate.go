package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ms []migration
	for i, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want number %04d", base, i+1)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(body)})
	}
	return ms, nil
}

// SchemaVersion is the newest schema this binary knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// ErrNewerSchema is returned by Open for a file written by a newer kadra.
type ErrNewerSchema struct{ File, Binary int }

func (e ErrNewerSchema) Error() string {
	return fmt.Sprintf("the database file has schema version %d but this kadra knows only up to %d: "+
		"it was written by a newer kadra; run that version, or restore a backup made by this one", e.File, e.Binary)
}

// noForeignKeys marks a migration that rebuilds a table other tables refer
// to. SQLite's way (https://sqlite.org/lang_altertable.html, "making other
// kinds of table schema changes") is to switch foreign keys off around the
// transaction, which cannot be done inside it, and to check them before
// committing.
const noForeignKeys = "-- kadra: foreign keys off\n"

// migrate applies every migration newer than PRAGMA user_version, each in its
// own transaction together with the version bump.
func migrate(ctx context.Context, pool *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	conn, err := pool.Conn(ctx) // one connection: the foreign_keys pragma is per connection
	if err != nil {
		return err
	}
	defer conn.Close()
	var current int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(ms) {
		return ErrNewerSchema{File: current, Binary: len(ms)}
	}
	for _, m := range ms[current:] {
		if err := migrateOne(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

func migrateOne(ctx context.Context, conn *sql.Conn, m migration) error {
	fkOff := strings.HasPrefix(m.sql, noForeignKeys)
	if fkOff {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		defer conn.ExecContext(ctx, "PRAGMA foreign_keys = ON")
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if fkOff {
		rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			return err
		}
		broken := rows.Next()
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		if broken {
			return fmt.Errorf("migration %s: it breaks a foreign key", m.name)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	return nil
}
