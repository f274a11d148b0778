package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"kadra/db"
)

const sipUsage = `Usage: kadra sip export asterisk [--domain D] [--context C] [--db FILE] > pjsip_kadra.conf

Prints Asterisk PJSIP configuration (endpoint, auth, aor) for every SIP
account that may register now: the rows Kamailio would read from the
subscriber view. Auth sections carry md5_cred (HA1) only, never a password.
`

// cmdSIP runs "kadra sip export asterisk".
func cmdSIP(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 || args[0] != "export" || args[1] != "asterisk" {
		fmt.Fprint(stderr, sipUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return errors.New("sip: unknown subcommand")
	}
	f := newFlags("sip export asterisk", stderr, "sip export asterisk [--domain D] [--context C] [flags]")
	domain := f.String("domain", "", "export only the SIP accounts of this SIP domain")
	dialContext := f.String("context", "from-internal", "dialplan context of the endpoints")
	if err := f.parse(args[2:]); err != nil {
		return err
	}
	d, err := openDB(ctx, *f.dbPath, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	subs, err := d.SIPSubscribers(ctx, db.System(), *domain)
	if err != nil {
		return err
	}
	return writePJSIP(stdout, subs, *dialContext)
}

// writePJSIP prints one endpoint, auth and aor per subscriber. Section names
// are the extensions, so an extension may appear in one domain only; with
// several domains sharing extensions, export one domain per file.
func writePJSIP(w io.Writer, subs []db.SIPSubscriber, dialContext string) error {
	domains := map[string][]string{}
	for _, s := range subs {
		domains[s.Username] = append(domains[s.Username], s.Domain)
	}
	var clashes []string
	for ext, ds := range domains {
		if len(ds) > 1 {
			clashes = append(clashes, fmt.Sprintf("%s (%s)", ext, strings.Join(ds, ", ")))
		}
	}
	if len(clashes) > 0 {
		sort.Strings(clashes)
		return fmt.Errorf("extensions in more than one SIP domain: %s; export one domain at a time with --domain",
			strings.Join(clashes, "; "))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "; Asterisk PJSIP configuration for %d SIP accounts, written by kadra %s.\n", len(subs), versionString())
	b.WriteString("; Include it from pjsip.conf with:  #include pjsip_kadra.conf\n")
	b.WriteString("; No passwords here: auth sections hold md5_cred = md5(extension:realm:password).\n")
	for _, s := range subs {
		fmt.Fprintf(&b, "\n[%s]\ntype=endpoint\ncontext=%s\ndisallow=all\nallow=ulaw,alaw,g722\n", s.Username, dialContext)
		fmt.Fprintf(&b, "auth=%s-auth\naors=%s\nfrom_domain=%s\n", s.Username, s.Username, s.Domain)
		fmt.Fprintf(&b, "\n[%s-auth]\ntype=auth\nauth_type=md5\nusername=%s\nrealm=%s\nmd5_cred=%s\n",
			s.Username, s.Username, s.Domain, s.HA1)
		fmt.Fprintf(&b, "\n[%s]\ntype=aor\nmax_contacts=1\nremove_existing=yes\n", s.Username)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
