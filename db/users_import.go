package db

import (
	"context"
	"errors"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// ImportOptions steer ImportUsers. DryRun checks every row and writes
// nothing. Progress, when set, is called after each batch of rows with the
// rows done so far.
type ImportOptions struct {
	DryRun    bool
	BatchSize int // rows per transaction; 0 means importBatch
	Progress  func(done, total int)
}

// Outcomes of an imported row.
const (
	ImportWouldCreate = "would_create" // dry run: the row is fine
	ImportCreated     = "created"
	ImportRefused     = "refused"
)

// ImportRowResult is the outcome of one row: its line in the file, the
// e-mail it names, and for a refused row a message per CSV column ("row"
// for the row as a whole).
type ImportRowResult struct {
	Line    int            `json:"line"`
	Email   string         `json:"email"`
	Outcome string         `json:"outcome"`
	UserID  int64          `json:"user_id,omitempty"`
	Errors  map[string]Msg `json:"errors,omitempty"`
}

// ImportReport is the outcome of a whole file: Created counts the rows
// saved (in a dry run, the rows that would be), Refused the others.
type ImportReport struct {
	DryRun   bool              `json:"dry_run"`
	Total    int               `json:"total"`
	Created  int               `json:"created"`
	Refused  int               `json:"refused"`
	Rows     []ImportRowResult `json:"rows"`
	Duration time.Duration     `json:"-"`
}

// importBatch is how many rows one transaction saves: enough that the
// commit (an fsync), the search indexes' flush and each batch's reads are
// paid rarely, few enough that other writers (an admin's edit, a
// sign-in's session row) wait at most about 0.3 s for a batch to end, as
// with the 200 rows of the per-row path before (a batch of 1,000 invited
// users takes 0.2-0.5 s on the 2-core machine of BENCHMARKS.md; 5,000
// were no faster). See BENCHMARKS.md, "CSV import".
const importBatch = 1000

// errDryRun rolls a dry run's batch back.
var errDryRun = errors.New("dry run")

// ImportUsers creates a user for each row of a parsed users file in the
// acting account (R-USER-13). Names are looked up within the account:
// role, position, groups (paths), caller ID and SMS sender; an extension
// that exists and is free is given to the user, one that does not exist
// is created (its generated password is not shown: regenerate it on the
// SIP page), one that belongs to someone else refuses the row. Each row
// passes checkNewUser, the user form's own checks, reading through its
// batch's transaction, each name once per batch, and seeing the rows
// accepted before it (importLookup): a refused row is reported with its line
// and a message per column, and writes nothing; the accepted rows of a
// batch are written together (importWrite), with the audit rows the form
// leaves for each. An e-mail or extension used twice in the file refuses
// the later line. With DryRun every row is checked the same way and
// nothing is written, so the report is exactly a real run's. Needs
// users.manage; returns EFORBIDDEN without it. An unexpected error stops
// the import: the batches committed before it stay, and the report counts
// only them.
func (d *DB) ImportUsers(ctx context.Context, a Actor, rows []UserCSVRow, opt ImportOptions) (ImportReport, error) {
	start := time.Now()
	rep := ImportReport{DryRun: opt.DryRun, Total: len(rows), Rows: make([]ImportRowResult, 0, len(rows))}
	if err := MayImportUsers(a); err != nil {
		return rep, err
	}
	names, err := d.importNames(ctx, a.AccountID)
	if err != nil {
		return rep, err
	}
	inputs := names.resolveAll(rows)
	size := opt.BatchSize
	if size <= 0 {
		size = importBatch
	}
	sets := newImportSets()
	invited := false
	for from := 0; from < len(rows); from += size {
		batch := inputs[from:min(from+size, len(rows))]
		results := make([]ImportRowResult, len(batch))
		err := d.update(ctx, a, func(t *tx) ([]change, error) {
			restore, err := t.bigCache()
			if err != nil {
				return nil, err
			}
			defer restore()
			t.memo = &txMemo{} // the same checks for every row: read once per batch
			t.auditRows = &[]sqlcdb.InsertAuditParams{}
			if err := t.markTaken(sets, batch); err != nil {
				return nil, err
			}
			look := newImportLookup(t, sets)
			var accepted []importAccepted
			for i, in := range batch {
				r, ok, err := t.importCheck(look, in, opt.DryRun)
				if err != nil {
					return nil, err
				}
				results[i] = r
				if ok != nil {
					ok.result = &results[i]
					accepted = append(accepted, *ok)
				}
			}
			if opt.DryRun {
				return nil, errDryRun
			}
			if err := t.importWrite(look, accepted); err != nil {
				return nil, err
			}
			return nil, t.flushAudit()
		})
		if err != nil && !errors.Is(err, errDryRun) {
			rep.Duration = time.Since(start)
			return rep, err
		}
		for i, r := range results {
			rep.Rows = append(rep.Rows, r)
			if r.Outcome == ImportRefused {
				rep.Refused++
			} else {
				rep.Created++
				invited = invited || batch[i].in.SendInvite
			}
		}
		if opt.Progress != nil {
			opt.Progress(len(rep.Rows), len(rows))
		}
	}
	rep.Duration = time.Since(start)
	if opt.DryRun {
		return rep, nil
	}
	if invited {
		d.wakeMailer()
	}
	return rep, d.update(ctx, a, func(t *tx) ([]change, error) {
		return one(change{Action: "user.import", TargetType: "user",
			After: map[string]any{"rows": rep.Total, "created": rep.Created, "refused": rep.Refused}}), nil
	})
}

// importCheck checks one row with checkNewUser, the form's checks, and
// reports it: refused with the lookups' and the checks' messages under
// their CSV columns, or accepted (returned for importWrite, and noted in
// look's sets so that later rows see it). Unexpected errors stop the
// import.
func (t *tx) importCheck(look *importLookup, in importInput, dryRun bool) (ImportRowResult, *importAccepted, error) {
	res := ImportRowResult{Line: in.line, Email: in.in.Email, Outcome: ImportCreated}
	if dryRun {
		res.Outcome = ImportWouldCreate
	}
	v := ValidationError{Fields: in.errs}
	saved, cv, err := checkNewUser(t.a, look, in.in)
	if e := AsError(err); e != nil && e.Code != EINTERNAL {
		cv = &ValidationError{Fields: e.Fields}
		if len(e.Fields) == 0 {
			v.Add("row", e.Msg)
		}
	} else if err != nil {
		return res, nil, err
	}
	for _, field := range sortedKeys(cv.Fields) {
		v.Add(csvColumnOf(field), cv.Fields[field])
	}
	if len(v.Fields) > 0 {
		res.Outcome, res.Errors = ImportRefused, v.Fields
		return res, nil, nil
	}
	ok := importAccepted{in: saved}
	if err := look.accept(&ok); err != nil {
		return res, nil, err
	}
	return res, &ok, nil
}

// importInput is a row turned into the form's input, with what the
// lookups refused, by CSV column.
type importInput struct {
	line int
	in   UserInput
	errs map[string]Msg
}

// importNames are the names of the acting account the file may use, each
// read once per import, by lower-case name.
type importNames struct {
	roles     map[string]int64
	positions map[string]int64
	groups    map[string]int64 // paths, levels joined by " / "
	numbers   map[string]int64 // E.164
	senders   map[string]int64
	sip       map[string]importSIP
	country   string // the account's region, for numbers typed nationally
	phones    map[string]parsedPhone
}

type parsedPhone struct {
	e164 string
	ok   bool
}

// parsePhone is ParsePhone in the account's region, once per distinct
// text: a file names the same few numbers on many rows.
func (n *importNames) parsePhone(s string) (string, bool) {
	if p, seen := n.phones[s]; seen {
		return p.e164, p.ok
	}
	e164, ok := ParsePhone(s, n.country)
	if n.phones == nil {
		n.phones = map[string]parsedPhone{}
	}
	n.phones[s] = parsedPhone{e164, ok}
	return e164, ok
}

type importSIP struct {
	id      int64
	taken   bool
	enabled bool
}

func (d *DB) importNames(ctx context.Context, accountID int64) (*importNames, error) {
	n := &importNames{roles: map[string]int64{}, positions: map[string]int64{}, groups: map[string]int64{},
		numbers: map[string]int64{}, senders: map[string]int64{}, sip: map[string]importSIP{}}
	country, err := d.rq.AccountPhoneCountry(ctx, accountID)
	if err != nil {
		return nil, err
	}
	n.country = country
	roles, err := d.rq.CSVRoles(ctx)
	if err != nil {
		return nil, err
	}
	// A built-in record not renamed answers to its name in every language
	// (R-I18N-1): a file exported from a Polish page imports into an English
	// one and back.
	for _, r := range roles {
		if r.Name == "" && r.Builtin != "" {
			for _, name := range d.names.builtinNamesOf("role", r.Builtin) {
				n.roles[strings.ToLower(name)] = r.ID
			}
			continue
		}
		n.roles[strings.ToLower(r.Name)] = r.ID
	}
	tree, err := d.groupTree(ctx, d.rq, accountID, "")
	if err != nil {
		return nil, err
	}
	for _, g := range tree {
		switch {
		case g.Position && g.translated != "":
			for _, name := range d.names.builtinNamesOf("group", g.translated) {
				n.positions[strings.ToLower(name)] = g.ID
			}
		case g.Position:
			n.positions[strings.ToLower(g.Name)] = g.ID
		case !g.Builtin:
			n.groups[groupKey(csvGroupPath(g.Path))] = g.ID
		}
	}
	nums, err := d.rq.CSVPhoneNumbers(ctx, accountID)
	if err != nil {
		return nil, err
	}
	for _, r := range nums {
		n.numbers[r.Number] = r.ID
	}
	senders, err := d.rq.CSVSMSSenders(ctx, accountID)
	if err != nil {
		return nil, err
	}
	for _, r := range senders {
		n.senders[strings.ToLower(r.Sender)] = r.ID
	}
	sips, err := d.rq.CSVSIPAccounts(ctx, accountID)
	if err != nil {
		return nil, err
	}
	for _, r := range sips {
		n.sip[r.Extension] = importSIP{id: r.ID, taken: r.UserID != 0, enabled: r.Enabled == 1}
	}
	return n, nil
}

// csvGroupPath writes a group's path as the CSV file does.
func csvGroupPath(path string) string { return strings.ReplaceAll(path, pathSep, csvGroupPathSep) }

// groupKey makes a path comparable: any case, either separator, spaces
// around levels ignored.
func groupKey(path string) string {
	levels := strings.Split(strings.ReplaceAll(path, strings.TrimSpace(pathSep), "/"), "/")
	for i, l := range levels {
		levels[i] = strings.ToLower(strings.TrimSpace(l))
	}
	return strings.Join(levels, "/")
}

// resolveAll turns rows into form input, noting lookups that failed and
// e-mails and extensions already used on an earlier line.
func (n *importNames) resolveAll(rows []UserCSVRow) []importInput {
	out := make([]importInput, len(rows))
	emails := make(map[string]int, len(rows))
	extensions := make(map[string]int, len(rows))
	for i, r := range rows {
		in := n.resolve(r)
		var v ValidationError
		v.Fields = in.errs
		if e := strings.ToLower(normalEmail(in.in.Email)); e != "" {
			if first, ok := emails[e]; ok {
				v.Add("row", M("csv.duplicate_email", "Line", first))
			} else {
				emails[e] = r.Line
			}
		}
		if ext := r.Get("extension"); ext != "" {
			if first, ok := extensions[ext]; ok {
				v.Add("row", M("csv.duplicate_extension", "Line", first))
			} else {
				extensions[ext] = r.Line
			}
		}
		in.errs = v.Fields
		out[i] = in
	}
	return out
}

// resolve turns one row into form input.
func (n *importNames) resolve(r UserCSVRow) importInput {
	var v ValidationError
	for k, m := range r.Errors {
		v.Add(k, m)
	}
	in := UserInput{Email: r.Get("email"), NotifyEmail: r.Get("notify_email"), FullName: r.Get("full_name"),
		WorkPhone: r.Get("work_phone")}
	if name := r.Get("role"); name != "" {
		if in.RoleID = n.roles[strings.ToLower(name)]; in.RoleID == 0 {
			v.Add("role", M("csv.unknown_role", "Name", name))
		}
	}
	if name := r.Get("position"); name != "" {
		if in.PositionID = n.positions[strings.ToLower(name)]; in.PositionID == 0 {
			v.Add("position", M("csv.unknown_position", "Name", name))
		}
	}
	var unknown []string
	for _, p := range strings.Split(r.Get("groups"), csvGroupSep) {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if id := n.groups[groupKey(p)]; id != 0 {
			in.GroupIDs = append(in.GroupIDs, id)
		} else {
			unknown = append(unknown, p)
		}
	}
	if len(unknown) > 0 {
		v.Add("groups", M("csv.unknown_groups", "List", strings.Join(unknown, "; ")))
	}
	if ext := r.Get("extension"); ext != "" {
		if s, ok := n.sip[ext]; ok {
			in.SIPAccountID = s.id // createUser refuses one that is taken or disabled, and says whose
		} else {
			in.NewExtension = ext
		}
	}
	if num := r.Get("caller_id"); num != "" {
		e164, _ := n.parsePhone(num) // as the form reads it: nationally or internationally
		if in.CallNumberID = n.numbers[e164]; in.CallNumberID == 0 {
			v.Add("caller_id", M("csv.unknown_number", "Number", num))
		}
	}
	if s := r.Get("sms_sender"); s != "" {
		id := n.senders[strings.ToLower(s)]
		if id == 0 {
			if e164, ok := n.parsePhone(s); ok {
				id = n.senders[e164]
			}
		}
		if in.SMSSenderID = id; id == 0 {
			v.Add("sms_sender", M("csv.unknown_sender", "Sender", s))
		}
	}
	switch strings.ToLower(r.Get("send_invite")) {
	case "true", "yes", "1", "tak":
		in.SendInvite = true
	case "false", "no", "0", "nie", "":
	default:
		v.Add("send_invite", M("csv.bad_bool"))
	}
	return importInput{line: r.Line, in: in, errs: v.Fields}
}
