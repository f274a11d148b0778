package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"kadra/db"
)

// cmdUsers is "kadra users dormant --days N [--apply]": the dormancy rule
// (R-GOV-1) from the command line. It lists the users inactive for N days
// or more (never signed in: since creation), without the owner and the
// roles the saved rule exempts; with --apply it blocks them through the
// same domain call as the hourly job, audited as the system. It sends no
// warning mail: the operator asked for the block now.
func cmdUsers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "dormant" {
		fmt.Fprintln(stderr, "Usage: kadra users dormant --days N [--apply]")
		return errors.New("users: unknown subcommand")
	}
	f := newFlags("users dormant", stderr, "users dormant --days N [--apply]")
	days := f.Int("days", 0, "inactive for at least this many days")
	apply := f.Bool("apply", false, "block them (otherwise only list them)")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	d, err := openDB(ctx, *f.dbPath, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	sys := db.System()
	saved, err := d.GetDormancyRule(ctx, sys)
	if err != nil {
		return err
	}
	rule := db.DormancyRule{Days: *days, ExemptRoleIDs: saved.ExemptRoleIDs}
	var users []db.DormantUser
	if *apply {
		res, err := d.ApplyDormancy(ctx, sys, rule)
		if err != nil {
			return err
		}
		users = res.Blocked
	} else {
		p, err := d.PreviewDormancy(ctx, sys, rule)
		if err != nil {
			return err
		}
		users = p.Today
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tNAME\tACCOUNT\tLAST SIGN-IN")
	for _, u := range users {
		last := "never (created " + u.ActiveAt.Format("2006-01-02") + ")"
		if u.LastLoginAt != nil {
			last = u.LastLoginAt.Format("2006-01-02")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", u.Email, u.FullName, u.AccountName, last)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if *apply {
		fmt.Fprintf(stdout, "Blocked %d users inactive for %d days or more; their phones keep working.\n", len(users), *days)
	} else {
		fmt.Fprintf(stdout, "%d users inactive for %d days or more; add --apply to block them.\n", len(users), *days)
	}
	return nil
}

// sweepDormant runs the hourly dormancy job (R-GOV-1) for pruneLoop.
func sweepDormant(ctx context.Context, d *db.DB, log *slog.Logger) {
	if n, err := d.SweepDormant(ctx); err != nil && ctx.Err() == nil {
		log.Warn("dormancy sweep", "err", err)
	} else if n > 0 {
		log.Info("dormancy sweep", "blocked", n)
	}
}
