package replicate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/benbjohnson/litestream"
)

// Restored says what a restore rebuilt.
type Restored struct {
	// TXID is the last transaction restored. Litestream 0.5 numbers
	// transactions across the replica's whole life; it has no generations.
	TXID uint64
	// LastTx is when that transaction was shipped to the replica.
	LastTx time.Time
	// Schema is the file's schema version (PRAGMA user_version).
	Schema int
}

// Restore rebuilds the database file out from the replica at rawURL, as it
// was at the time at (zero: the newest state). It refuses to overwrite out,
// and out is readable by its owner only (R-SEC-7): Litestream writes into a
// private folder beside out, and the finished file is linked into place,
// which fails rather than replace a file that appeared meanwhile.
func Restore(ctx context.Context, rawURL string, at time.Time, out string, log *slog.Logger) (Restored, error) {
	if _, err := os.Lstat(out); err == nil {
		return Restored{}, fmt.Errorf("%s already exists; restore writes a new file only", out)
	} else if !errors.Is(err, os.ErrNotExist) {
		return Restored{}, err
	}
	client, err := clientFor(rawURL)
	if err != nil {
		return Restored{}, err
	}
	if err := client.Init(ctx); err != nil {
		return Restored{}, fmt.Errorf("replica %s: %w", Redact(rawURL), err)
	}
	plan, err := litestream.CalcRestorePlan(ctx, client, 0, at, log)
	if err != nil {
		return Restored{}, fmt.Errorf("replica %s holds nothing to restore%s: %w", Redact(rawURL), atText(at), err)
	}
	last := plan[len(plan)-1]

	if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
		return Restored{}, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(out), ".kadra-restore-")
	if err != nil {
		return Restored{}, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "kadra.db")
	r := litestream.NewReplicaWithClient(nil, client)
	opt := litestream.NewRestoreOptions()
	opt.OutputPath = tmp
	opt.TXID = last.MaxTXID // the very transaction the plan above ends on
	opt.IntegrityCheck = litestream.IntegrityCheckFull
	if err := r.Restore(ctx, opt); err != nil {
		return Restored{}, fmt.Errorf("restore: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return Restored{}, err
	}
	schema, err := userVersion(ctx, tmp)
	if err != nil {
		return Restored{}, fmt.Errorf("restored file: %w", err)
	}
	if err := os.Link(tmp, out); err != nil {
		return Restored{}, fmt.Errorf("place the restored file: %w", err)
	}
	return Restored{TXID: uint64(last.MaxTXID), LastTx: last.CreatedAt, Schema: schema}, nil
}

func atText(at time.Time) string {
	if at.IsZero() {
		return ""
	}
	return " at " + at.UTC().Format(time.RFC3339)
}

func userVersion(ctx context.Context, path string) (int, error) {
	s, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer s.Close()
	var v int
	err = s.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}
