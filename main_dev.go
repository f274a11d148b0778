package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"kadra/db"
)

// cmdDev holds commands for load tests and benchmarks (BENCHMARKS.md); they
// are not for production databases.
func cmdDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "seed" {
		fmt.Fprintln(stderr, "Usage: kadra dev seed [--users N] [--groups N] [--depth N] [--memberships N]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return errors.New("dev: unknown subcommand")
	}
	f := newFlags("dev seed", stderr, "dev seed [--users N] [--groups N] [--depth N] [--memberships N]")
	users := f.Int("users", 100000, "synthetic users to add to the main account")
	groups := f.Int("groups", 2000, "groups in the tree")
	depth := f.Int("depth", 8, "levels of the group tree")
	positions := f.Int("positions", 20, "positions the users are spread over")
	memberships := f.Int("memberships", 100000, "group memberships")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	d, err := openDB(ctx, *f.dbPath, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.SeedSynthetic(ctx, db.System(), db.SyntheticOrg{Users: *users, Groups: *groups, Depth: *depth,
		Positions: *positions, Memberships: *memberships, Seed: 1}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Seeded %d users, %d groups (%d levels), %d memberships.\n", *users, *groups, *depth, *memberships)
	return nil
}
