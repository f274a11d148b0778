// Package db is the only door to kadra's data. Every rule of SPEC.md lives
// here: each exported operation takes an Actor, checks permission and account
// scope, validates, writes and audits in one transaction.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"kadra/db/internal/sqlcdb"
)

// Options tune a DB. The zero value is usable: it gives production settings.
type Options struct {
	// Hash sets the argon2id cost; tests pass a cheap one.
	Hash HashParams
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SessionIdle and SessionMax bound how long a session lives.
	SessionIdle time.Duration
	SessionMax  time.Duration
	// BaseURL is the panel's public address, for links in mail; empty means
	// http://localhost:8080.
	BaseURL string
	// Replicated says Litestream replicates the file (R-OPS-1). Then
	// Litestream alone checkpoints: kadra turns SQLite's automatic
	// checkpoint off and skips its own at Close, so that no checkpoint
	// moves WAL frames into the file before Litestream has shipped them.
	Replicated bool
}

// DB holds a read pool and a one-connection write pool on one SQLite file.
type DB struct {
	path       string
	replicated bool
	read       *sql.DB
	write      *sql.DB
	stmts      readStmts // the read pool's statements built at run time (read_stmts.go)
	rq         *sqlcdb.Queries
	hasher     *Hasher
	now        func() time.Time
	idle       time.Duration
	maxAge     time.Duration
	mail       *mailState
	counts     groupCounts        // member count snapshots of the groups page (groupcounts.go)
	trees      groupTrees         // group trees of the forms and filters (grouptree_cache.go)
	names      builtinTexts       // built-in names and descriptions by language (builtin_names.go)
	secret     serverSecret       // the key file beside the database, for second factors (mfa_secret.go)
	rp         *webauthn.WebAuthn // the passkeys' relying party, nil where none are offered (passkeys.go)
}

// dsn is the connection string every pool uses: busy_timeout first, so that
// setting WAL can wait for another process; synchronous FULL, so that nothing
// acknowledged is lost; _txlock=immediate, so that writers queue instead of
// failing with "database is locked" on upgrade.
//
// Replicated, wal_autocheckpoint(0) leaves checkpoints to Litestream
// (its library guidance): an automatic checkpoint cannot pass Litestream's
// read lock anyway, but each commit past 1000 WAL pages would try.
func dsn(path string, replicated bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	if replicated {
		q.Add("_pragma", "wal_autocheckpoint(0)")
	}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	// Statement journals (a multi-row statement of the CSV import opens
	// one) and temporary sort b-trees stay in memory: no write system
	// call per page.
	q.Add("_pragma", "temp_store(memory)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed, readable by its owner only) the database
// file at path and applies the embedded migrations. It refuses a file made
// by a newer kadra.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if err := ownerOnlyFile(path); err != nil {
		return nil, err
	}
	write, err := sql.Open("sqlite", dsn(path, opt.Replicated))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := migrate(ctx, write); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", dsn(path, opt.Replicated))
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)

	// The read pool's statements are prepared once (on first use per
	// connection thereafter): every request reads the session, user and
	// role afresh, so parsing SQL each time would dominate.
	rq, err := sqlcdb.Prepare(ctx, read)
	if err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("prepare queries: %w", err)
	}
	names, err := loadBuiltinTexts()
	if err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("built-in names: %w", err)
	}
	d := &DB{path: path, replicated: opt.Replicated, read: read, write: write, rq: rq, now: opt.Now,
		idle: opt.SessionIdle, maxAge: opt.SessionMax, names: names}
	if d.now == nil {
		d.now = time.Now
	}
	if d.idle == 0 {
		d.idle = 8 * time.Hour
	}
	if d.maxAge == 0 {
		d.maxAge = 7 * 24 * time.Hour
	}
	if opt.Hash == (HashParams{}) {
		opt.Hash = DefaultHashParams
	}
	d.hasher = NewHasher(opt.Hash)
	d.mail = newMailState(opt.BaseURL)
	d.rp = newRelyingParty(opt.BaseURL)
	return d, nil
}

// Path is the file the DB was opened on.
func (d *DB) Path() string { return d.path }

// Close checkpoints the WAL into the main file, so that the file alone is a
// full copy, and closes both pools. A replicated file is not checkpointed:
// Litestream, closed after this, ships the rest of the WAL and checkpoints
// (R-OPS-1); the file with its -wal is the full copy meanwhile.
func (d *DB) Close() error {
	var cerr error
	if !d.replicated {
		_, cerr = d.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	d.stmts.close()
	rerr := d.read.Close()
	werr := d.write.Close()
	for _, err := range []error{cerr, rerr, werr} {
		if err != nil {
			return fmt.Errorf("close database: %w", err)
		}
	}
	return nil
}

// Ping answers whether both pools reach the file; /healthz uses it.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	if err := d.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return err
	}
	return d.write.PingContext(ctx)
}

func (d *DB) unix() int64 { return d.now().Unix() }
