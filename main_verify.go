package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"kadra/db"
	"kadra/i18n"
)

// cmdVerify checks a backup, snapshot or restored file without changing it
// and prints what it holds; it fails on any problem (R-OPS-2).
func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("verify", stderr, "verify [FILE] (default the --db file)")
	files, err := f.parseArgs(args)
	if err != nil {
		return err
	}
	switch len(files) {
	case 0:
		return verifyFile(ctx, *f.dbPath, stdout)
	case 1:
		return verifyFile(ctx, files[0], stdout)
	}
	f.Usage()
	return errors.New("verify: name one database file")
}

// verifyFile runs db.Verify on path, prints the report and returns an
// error when the file fails.
func verifyFile(ctx context.Context, path string, w io.Writer) error {
	r, err := db.Verify(ctx, path)
	if err != nil {
		return err
	}
	printReport(w, r)
	if !r.OK() {
		return fmt.Errorf("verify: %s failed verification (problems: %d)", path, len(r.Problems))
	}
	return nil
}

// printReport writes the report in English, one fact a line.
func printReport(w io.Writer, r db.VerifyReport) {
	tr := func(m db.Msg) string { return m.ID }
	if b, err := i18n.Load(); err == nil {
		tr = b.Translator("en").Msg
	}
	fmt.Fprintf(w, "File:         %s\n", r.Path)
	if r.Readable || r.Schema > 0 {
		schema := fmt.Sprintf("%d (this kadra: %d)", r.Schema, r.Binary)
		if r.Older() {
			schema = fmt.Sprintf("%d, older than this kadra's %d: it would be migrated when kadra starts on it", r.Schema, r.Binary)
		}
		fmt.Fprintf(w, "Schema:       %s\n", schema)
	}
	if r.Readable {
		newest := "none"
		if !r.NewestAudit.IsZero() {
			newest = r.NewestAudit.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "Accounts:     %d\nUsers:        %d\nExtensions:   %d\nAudit rows:   %d (newest %s)\n",
			r.Accounts, r.Users, r.Extensions, r.AuditRows, newest)
	}
	if r.OK() {
		fmt.Fprintln(w, "Checks:       integrity ok, foreign keys ok")
		fmt.Fprintln(w, "Result:       OK")
		return
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "Problem:      %s\n", tr(p.Msg()))
	}
	fmt.Fprintln(w, "Result:       FAILED")
}
