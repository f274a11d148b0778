// Command kadra manages the people on an office's phone system and office
// software: users, roles, groups, SIP extensions and sub-accounts, in one
// SQLite file. Run "kadra help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // time zones work on machines without zoneinfo (R-I18N-2)

	"kadra/db"
	"kadra/handlers"
	"kadra/i18n"
	"kadra/mail"
	"kadra/replicate"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `kadra: users, roles, groups, SIP extensions and sub-accounts in one SQLite file.

Usage:
  kadra [serve] [flags]                 serve the panel and API (default)
  kadra init --account NAME --owner-email E --owner-password P
                                        set up without the browser
  kadra backup FILE                     write a consistent copy of the database, then verify it
  kadra verify [FILE]                   check a backup, snapshot or restored file (exit 1 on a problem)
  kadra restore --from URL [--timestamp RFC3339] FILE
                                        rebuild a database file from a replica
  kadra token create --user E --name N  print a new API token once
  kadra token revoke --user E --name N  revoke it
  kadra user reset-password E [--password P]
                                        set a password (generated if omitted)
  kadra user reset-2fa E                remove a user's second factor (TOTP, recovery codes)
  kadra users dormant --days N [--apply]
                                        list (or block) users inactive N days (R-GOV-1)
  kadra sip export asterisk [--domain D] > pjsip_kadra.conf
                                        PJSIP config of the SIP accounts (HA1 only)
  kadra import users.csv [--account NAME] [--dry-run]
                                        create users from a CSV file, row by row
  kadra export users [--account NAME] > users.csv
                                        the users as a CSV file import reads back
  kadra dev seed [--users N]            fill a test database for load tests (never a real one)
  kadra version                         print the version
  kadra help                            this text

Every command takes --db FILE (KADRA_DB, default kadra.db). Every flag has an
environment twin: --base-url is KADRA_BASE_URL. "kadra COMMAND --help" lists
a command's flags.
`

// run is main without the process: tests call it with their own arguments.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (!strings.HasPrefix(args[0], "-") || args[0] == "-h" || args[0] == "--help") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = cmdServe(ctx, args, stderr)
	case "init":
		err = cmdInit(ctx, args, stdout, stderr)
	case "backup":
		err = cmdBackup(ctx, args, stdout, stderr)
	case "verify":
		err = cmdVerify(ctx, args, stdout, stderr)
	case "restore":
		err = cmdRestore(ctx, args, stdout, stderr)
	case "token":
		err = cmdToken(ctx, args, stdout, stderr)
	case "user":
		err = cmdUser(ctx, args, stdout, stderr)
	case "users":
		err = cmdUsers(ctx, args, stdout, stderr)
	case "sip":
		err = cmdSIP(ctx, args, stdout, stderr)
	case "import":
		err = cmdImport(ctx, args, stdout, stderr)
	case "export":
		err = cmdExport(ctx, args, stdout, stderr)
	case "dev":
		err = cmdDev(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "kadra", versionString(), "schema", db.SchemaVersion())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "kadra: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "kadra:", explain(err))
		return 1
	}
	return 0
}

// explain turns a domain error into lines for the operator, in English,
// with one line per refused field.
func explain(err error) string {
	e := db.AsError(err)
	if e == nil {
		return err.Error()
	}
	b, lerr := i18n.Load()
	if lerr != nil {
		return err.Error()
	}
	tr := b.Translator("en")
	msg := tr.Msg(e.Msg)
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		msg += fmt.Sprintf("\n  %s: %s", k, tr.Msg(e.Fields[k]))
	}
	return msg
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// flags makes a command's flag set; parse fills unset flags from their
// KADRA_* environment twins first.
type flags struct {
	*flag.FlagSet
	dbPath *string
}

func newFlags(name string, stderr io.Writer, synopsis string) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kadra %s\n\nFlags (each also read from the environment variable shown):\n", synopsis)
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(stderr, "  --%s (%s)\n    \t%s", f.Name, envName(f.Name), f.Usage)
			if f.DefValue != "" {
				fmt.Fprintf(stderr, " (default %q)", f.DefValue)
			}
			fmt.Fprintln(stderr)
		})
	}
	return &flags{FlagSet: fs, dbPath: fs.String("db", "kadra.db", "SQLite database file")}
}

func envName(flagName string) string {
	return "KADRA_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (f *flags) parse(args []string) error {
	var err error
	f.VisitAll(func(fl *flag.Flag) {
		if v, ok := os.LookupEnv(envName(fl.Name)); ok && err == nil {
			if serr := f.Set(fl.Name, v); serr != nil {
				err = fmt.Errorf("%s: %w", envName(fl.Name), serr)
			}
		}
	})
	if err != nil {
		return err
	}
	return f.Parse(args)
}

// parseArgs is parse for commands with operands: flags may come before,
// between or after them ("kadra backup out.db --db x.db"), which the flag
// package alone stops reading at the first operand.
func (f *flags) parseArgs(args []string) ([]string, error) {
	if err := f.parse(args); err != nil {
		return nil, err
	}
	var operands []string
	for f.NArg() > 0 {
		operands = append(operands, f.Arg(0))
		if err := f.Parse(f.Args()[1:]); err != nil {
			return nil, err
		}
	}
	return operands, nil
}

func openDB(ctx context.Context, path string, opt db.Options) (*db.DB, error) {
	d, err := db.Open(ctx, path, opt)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return d, nil
}

func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func cmdServe(ctx context.Context, args []string, stderr io.Writer) error {
	f := newFlags("serve", stderr, "serve [flags]")
	addr := f.String("addr", ":8080", "address to listen on")
	baseURL := f.String("base-url", "", "public address of the panel, e.g. https://panel.example.pl (https turns on Secure cookies)")
	logFormat := f.String("log-format", "auto", "log format: auto (JSON unless a terminal), json or text")
	logLevel := f.String("log-level", "info", "log level: debug, info, warn, error")
	idle := f.Duration("session-idle", 8*time.Hour, "sign out after this long without a request")
	maxAge := f.Duration("session-max", 7*24*time.Hour, "sign out this long after sign-in, whatever happens")
	smtpURL := f.String("smtp-url", "", "SMTP server for mail: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465; overrides Settings → Poczta; empty: the settings' server, or mail waits in the outbox (/outbox)")
	replicateURL := f.String("replicate-url", "", "replicate the database continuously with Litestream to file:///folder or s3://bucket/path?endpoint=...&region=... (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); empty: no replication")
	smtpFrom := f.String("smtp-from", "", "From address of mail sent through --smtp-url; default the SMTP user when it is an address, else kadra@SMTP-HOST")
	var proxies cidrList
	var memLimit memoryLimit
	f.Var(&memLimit, "memory-limit", "soft limit of the Go runtime's memory (GOMEMLIMIT), e.g. 80MiB, 256MiB, 1GiB, or off; above it garbage is collected more often; default "+defaultMemoryLimit+" unless GOMEMLIMIT is set")
	debugAddr := f.String("debug-addr", "", "loopback address, e.g. 127.0.0.1:6060, of Go's profiler (/debug/pprof/) and the memory figures (/debug/memory); empty: none")
	f.Var(&proxies, "trusted-proxies", "reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed, as CIDR ranges or addresses separated by commas, e.g. 127.0.0.1,10.0.0.0/8; empty: the client is the direct peer")
	if err := f.parse(args); err != nil {
		return err
	}
	log := newLogger(stderr, *logFormat, *logLevel)
	memLimitBytes := memLimit.apply()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if *debugAddr != "" {
		dl, err := debugListen(*debugAddr)
		if err != nil {
			return err
		}
		go serveDebug(ctx, dl, log)
	}
	if *baseURL == "" {
		*baseURL = "http://" + displayAddr(ln.Addr().String())
	}
	d, err := openDB(ctx, *f.dbPath, db.Options{SessionIdle: *idle, SessionMax: *maxAge, BaseURL: *baseURL,
		Replicated: *replicateURL != ""})
	if err != nil {
		return err
	}
	var rep *replicate.Replicator
	if *replicateURL != "" {
		if rep, err = replicate.Start(ctx, *f.dbPath, *replicateURL, log); err != nil {
			d.Close()
			return err
		}
		log.Info("replicating", "to", replicate.Redact(*replicateURL), "sync_interval", replicate.SyncInterval)
	}
	defer func() {
		if err := d.Close(); err != nil {
			log.Error("close database", "err", err)
		}
		// After kadra's connections are closed (Litestream's rule): ships
		// the rest of the WAL, then stops.
		if rep != nil {
			if err := rep.Close(context.Background()); err != nil {
				log.Error("stop replication", "err", err)
			}
		}
	}()
	sender, err := newSender(d, *smtpURL, *smtpFrom, log)
	if err != nil {
		return err
	}
	srv, err := handlers.New(ctx, handlers.Config{DB: d, Logger: log, BaseURL: *baseURL, Version: versionString(),
		TrustedProxies: proxies, Replication: rep})
	if err != nil {
		return err
	}
	// After the HTTP server has shut down (no request can queue more) and
	// before the database closes: finishes forgot-password requests already
	// answered.
	defer srv.Close()
	senderDone := make(chan struct{})
	go func() { sender.Run(ctx); close(senderDone) }()
	defer func() { <-senderDone }() // before the database closes
	if u := srv.SetupURL(); u != "" {
		log.Warn("first run: open this one-time address to create the main account and its owner", "url", u)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go pruneLoop(ctx, d, log)
	go backupLoop(ctx, d, log)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	// Give back what start-up parsing left behind, so an idle kadra stays
	// small (BENCHMARKS.md).
	debug.FreeOSMemory()
	log.Info("kadra serving", "addr", ln.Addr().String(), "db", *f.dbPath, "version", versionString(),
		"memory_limit", memLimit.String(), "memory_limit_bytes", memLimitBytes)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

// cidrList is the value of --trusted-proxies: address ranges separated by
// commas, where a bare address is a range of one. Each Set replaces the
// list, so the flag wins over its environment twin.
type cidrList []*net.IPNet

func (l *cidrList) String() string {
	var parts []string
	for _, n := range *l {
		parts = append(parts, n.String())
	}
	return strings.Join(parts, ",")
}

func (l *cidrList) Set(v string) error {
	*l = nil
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if ip := net.ParseIP(part); ip != nil {
			bits := 8 * len(ip.To4())
			if bits == 0 {
				bits = 128
			}
			part = fmt.Sprintf("%s/%d", part, bits)
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return fmt.Errorf("%q is not an address range such as 10.0.0.0/8 or an address such as 192.0.2.7", part)
		}
		*l = append(*l, n)
	}
	return nil
}

// newSender returns the outbox's SMTP sender: through --smtp-url when
// given, else through the server of Settings → Poczta, read afresh on each
// round (without one, mail stays in the outbox for the owner).
func newSender(d *db.DB, url, from string, log *slog.Logger) (*mail.Sender, error) {
	if url == "" {
		log.Info("no --smtp-url: mail goes through the SMTP server of Settings → Poczta, or waits at /outbox")
	}
	return mail.NewSender(d, mail.Config{URL: url, From: from, Logger: log})
}

func displayAddr(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil || host == "::" || host == "0.0.0.0" || host == "" {
		return "localhost:" + port
	}
	return net.JoinHostPort(host, port)
}

// pruneLoop deletes, hourly, what can never be used again (db.Prune).
func pruneLoop(ctx context.Context, d *db.DB, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := d.Prune(ctx); err != nil && ctx.Err() == nil {
			log.Warn("prune", "err", err)
		}
		if n, err := d.SweepGrants(ctx); err != nil && ctx.Err() == nil { // R-GOV-2
			log.Warn("grants", "err", err, "ended", n)
		}
		if n, err := d.SweepOffboardings(ctx); err != nil && ctx.Err() == nil { // R-GOV-4
			log.Warn("offboardings", "err", err, "done", n)
		}
		sweepDormant(ctx, d, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// backupLoop takes the scheduled backups of the Settings page when due.
func backupLoop(ctx context.Context, d *db.DB, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if ran, err := d.RunScheduledBackup(ctx); err != nil && ctx.Err() == nil {
			log.Error("scheduled backup", "err", err)
		} else if ran {
			log.Info("scheduled backup written")
		}
	}
}

func cmdInit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("init", stderr, "init --account NAME --owner-email E --owner-password P [flags]")
	account := f.String("account", "", "name of the main account")
	email := f.String("owner-email", "", "owner's login e-mail")
	password := f.String("owner-password", "", "owner's password (prefer the environment variable)")
	name := f.String("owner-name", "", "owner's full name")
	domain := f.String("sip-domain", "", "SIP domain (realm) of the main account; default localhost")
	zone := f.String("time-zone", "", "the installation's time zone (IANA name); default Europe/Warsaw")
	if err := f.parse(args); err != nil {
		return err
	}
	d, err := openDB(ctx, *f.dbPath, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	u, err := d.Setup(ctx, db.SetupInput{AccountName: *account, FullName: *name, Email: *email,
		Password: *password, PasswordConfirm: *password, SIPDomain: *domain, TimeZone: *zone}, "cli")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created the account %q with owner %s.\n", *account, u.Email)
	return nil
}

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("backup", stderr, "backup [--db FILE] OUT.db")
	out, err := f.parseArgs(args)
	if err != nil {
		return err
	}
	if len(out) != 1 {
		f.Usage()
		return errors.New("backup: name one output file")
	}
	d, err := openDB(ctx, *f.dbPath, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Backup(ctx, out[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s.\n", out[0])
	// A copy is trusted only once it has been read back (R-OPS-2).
	return verifyFile(ctx, out[0], stdout)
}

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const synopsis = "token create --user EMAIL --name NAME | token revoke --user EMAIL --name NAME"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		args = []string{"create", "--help"}
	}
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
		fmt.Fprintln(stderr, "Usage: kadra "+synopsis)
		return errors.New("token: unknown subcommand")
	}
	sub := args[0]
	f := newFlags("token "+sub, stderr, synopsis)
	user := f.String("user", "", "e-mail of the user the token acts as")
	name := f.String("name", "", "a name to recognise the token by")
	days := f.Int("expires-days", 0, "days the token works: 30, 90 or 365; 0 until revoked")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	d, err := openDB(ctx, *f.dbPath, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	if sub == "revoke" {
		if err := d.RevokeAPITokenByName(ctx, db.System(), *user, *name); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Revoked the token %q of %s.\n", *name, *user)
		return nil
	}
	tok, err := d.CreateAPIToken(ctx, db.System(), *user, db.TokenInput{Name: *name, ExpiresDays: *days})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		args = []string{"reset-password", "--help"} // show the main subcommand's flags
	}
	if len(args) > 0 && args[0] == "reset-2fa" {
		return cmdUserReset2FA(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "reset-password" {
		fmt.Fprintln(stderr, "Usage: kadra user reset-password EMAIL [--password P] | kadra user reset-2fa EMAIL")
		return errors.New("user: unknown subcommand")
	}
	f := newFlags("user reset-password", stderr, "user reset-password EMAIL [--password P]")
	password := f.String("password", "", "the new password; generated and printed when omitted")
	operands, err := f.parseArgs(args[1:])
	if err != nil {
		return err
	}
	if len(operands) != 1 {
		f.Usage()
		return errors.New("user reset-password: name one user's e-mail")
	}
	email := operands[0]
	d, err := openDB(ctx, *f.dbPath, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	pw, err := d.ResetPasswordByOperator(ctx, email, *password)
	if err != nil {
		return err
	}
	if *password == "" {
		fmt.Fprintf(stdout, "New password for %s: %s\n", email, pw)
	} else {
		fmt.Fprintf(stdout, "Password set for %s.\n", email)
	}
	fmt.Fprintln(stdout, "Their sessions were ended and sign-in failures cleared.")
	return nil
}

// cmdUserReset2FA removes a user's second factor on the server, the way
// back in for a user (or owner) who lost their app and recovery codes.
func cmdUserReset2FA(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("user reset-2fa", stderr, "user reset-2fa EMAIL")
	operands, err := f.parseArgs(args)
	if err != nil {
		return err
	}
	if len(operands) != 1 {
		f.Usage()
		return errors.New("user reset-2fa: name one user's e-mail")
	}
	d, err := openDB(ctx, *f.dbPath, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.ResetSecondFactorByOperator(ctx, operands[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Second factor removed for %s; their sessions were ended.\n", operands[0])
	fmt.Fprintln(stdout, "They sign in with their password alone, or set one up again if their role requires it.")
	return nil
}
