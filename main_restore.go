package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"kadra/db"
	"kadra/replicate"
)

// cmdRestore rebuilds a database file from a Litestream replica (R-OPS-1):
// the newest state, or the state at --timestamp.
func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("restore", stderr, "restore --from URL [--timestamp RFC3339] FILE")
	from := f.String("from", "", "the replica: file:///folder or s3://bucket/path?endpoint=...&region=... (what serve's --replicate-url was)")
	at := f.String("timestamp", "", "restore the state at this time, e.g. 2026-12-01T14:30:00Z; empty: the newest")
	out, err := f.parseArgs(args)
	if err != nil {
		return err
	}
	if len(out) != 1 || *from == "" {
		f.Usage()
		return errors.New("restore: give --from and one new output file")
	}
	var t time.Time
	if *at != "" {
		if t, err = time.Parse(time.RFC3339, *at); err != nil {
			return fmt.Errorf("restore: --timestamp %q is not an RFC 3339 time such as 2026-12-01T14:30:00Z", *at)
		}
	}
	r, err := replicate.Restore(ctx, *from, t, out[0], newLogger(stderr, "text", "warn"))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s from %s.\n", out[0], replicate.Redact(*from))
	fmt.Fprintf(stdout, "  transaction (TXID): %d\n", r.TXID)
	fmt.Fprintf(stdout, "  last transaction:   %s\n", r.LastTx.UTC().Format(time.RFC3339))
	fmt.Fprintf(stdout, "  schema version:     %d (this kadra: %d)\n", r.Schema, db.SchemaVersion())
	if r.Schema > db.SchemaVersion() {
		fmt.Fprintln(stdout, "  a newer kadra wrote it: serve it with that version or newer.")
	}
	return nil
}
