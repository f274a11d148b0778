package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"kadra/db"
	"kadra/i18n"
)

const importUsage = `Usage: kadra import FILE.csv [--account NAME] [--dry-run] [--lang en|pl] [--db FILE]

Creates a user for each row of a users CSV file (columns in README.md,
"Importing and exporting users (CSV)"), acting as the operator ("system"
in the audit log) in the named account, or the main account. Each row is
saved whole or refused with its line and reasons; --dry-run checks every
row and writes nothing. FILE "-" reads standard input.

Prints one line per row and a summary. Exit status: 0 when every row was
(or, with --dry-run, would be) created; 1 when any row was (or would be)
refused, or on any other error.
`

const exportUsage = `Usage: kadra export users [--account NAME] [--q TEXT] [--status S] [--role-id N] [--group-id N] [--sort KEY] [--db FILE] > users.csv

Writes the account's users (all of them, or those matching the filters of
the user list) as a users CSV file that "kadra import" reads back.
`

// errRowsRefused makes "kadra import" exit 1 after printing its report.
var errRowsRefused = errors.New("some rows were refused")

// cmdImport runs "kadra import FILE.csv".
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("import", stderr, "import FILE.csv [--account NAME] [--dry-run] [flags]")
	account := f.String("account", "", "name of the account to import into; default the main account")
	dryRun := f.Bool("dry-run", false, "check every row and write nothing")
	lang := f.String("lang", "en", "language of the report: en or pl")
	operands, err := f.parseArgs(args)
	if err != nil {
		return err
	}
	if len(operands) != 1 {
		fmt.Fprint(stderr, importUsage)
		return errors.New("import: name one CSV file")
	}
	in := io.Reader(os.Stdin)
	if operands[0] != "-" {
		file, err := os.Open(operands[0])
		if err != nil {
			return err
		}
		defer file.Close()
		in = file
	}
	b, err := i18n.Load()
	if err != nil {
		return err
	}
	tr := b.Translator(*lang).Msg
	rows, err := db.ParseUsersCSV(in)
	if e := db.AsError(err); e != nil && e.Code == db.EINVALID {
		return fmt.Errorf("%s: %s", operands[0], tr(e.Fields["file"]))
	} else if err != nil {
		return err
	}
	d, a, err := openAsOperator(ctx, *f.dbPath, *account)
	if err != nil {
		return err
	}
	defer d.Close()
	rep, err := d.ImportUsers(ctx, a, rows, db.ImportOptions{DryRun: *dryRun})
	if perr := printImportReport(stdout, rep, tr); perr != nil {
		return perr
	}
	if err != nil {
		return err
	}
	if rep.Refused > 0 {
		return errRowsRefused
	}
	return nil
}

// printImportReport writes one line per row (line, e-mail, outcome and
// reasons by column) and a summary.
func printImportReport(w io.Writer, rep db.ImportReport, tr func(db.Msg) string) error {
	bw := bufio.NewWriter(w)
	outcome := map[string]string{db.ImportCreated: "created", db.ImportWouldCreate: "would be created",
		db.ImportRefused: "refused"}
	for _, r := range rep.Rows {
		fmt.Fprintf(bw, "line %d\t%s\t%s", r.Line, r.Email, outcome[r.Outcome])
		var reasons []string
		for _, col := range append(append([]string{}, db.UserCSVColumns...), "row") {
			if m, ok := r.Errors[col]; ok {
				reasons = append(reasons, col+": "+tr(m))
			}
		}
		if len(reasons) > 0 {
			fmt.Fprintf(bw, "\t%s", strings.Join(reasons, "; "))
		}
		bw.WriteString("\n")
	}
	if rep.DryRun {
		fmt.Fprintf(bw, "Dry run: %d of %d rows would be created, %d refused; nothing was written.\n",
			rep.Created, rep.Total, rep.Refused)
	} else {
		fmt.Fprintf(bw, "Created %d users from %d rows; %d rows refused.\n", rep.Created, rep.Total, rep.Refused)
		if rep.Created > 0 {
			fmt.Fprintln(bw, "Invitations wait in the outbox for the server to send them. Passwords of new extensions were not shown: regenerate them on the SIP page.")
		}
	}
	return bw.Flush()
}

// cmdExport runs "kadra export users".
func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "users" {
		fmt.Fprint(stderr, exportUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return errors.New("export: the only thing to export is users")
	}
	f := newFlags("export users", stderr, "export users [--account NAME] [filters] [flags] > users.csv")
	account := f.String("account", "", "name of the account to export; default the main account")
	var filter db.UserFilter
	f.StringVar(&filter.Q, "q", "", "search in name, e-mail, extension and phone, as the user list does")
	f.StringVar(&filter.Status, "status", "", "only users with this status: invited, active, blocked, inactive")
	f.Int64Var(&filter.RoleID, "role-id", 0, "only users with this role")
	f.Int64Var(&filter.GroupID, "group-id", 0, "only members of this group or position and its subgroups")
	f.StringVar(&filter.Sort, "sort", "", "sort key of the user list (name, email, extension, ...; - first for descending)")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	d, a, err := openAsOperator(ctx, *f.dbPath, *account)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.ExportUsers(ctx, a, filter, stdout)
}

// openAsOperator opens the database and acts as the operator ("system" in
// the audit log) in the named account, or the main account when empty.
func openAsOperator(ctx context.Context, path, account string) (*db.DB, db.Actor, error) {
	d, err := openDB(ctx, path, db.Options{})
	if err != nil {
		return nil, db.Actor{}, err
	}
	a, err := d.SystemIn(ctx, account)
	if err != nil {
		d.Close()
		return nil, db.Actor{}, err
	}
	return d, a, nil
}
