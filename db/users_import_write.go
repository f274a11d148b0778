package db

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// importSets is what the CSV import's checks look up for every row: the
// e-mails and extensions taken, and the SIP accounts given. Each batch
// adds what the database has of its own rows' e-mails and extensions,
// read in its transaction (markTaken), and every accepted row adds its
// own, so that a row sees the rows before it as the form would see users
// saved before (issue 15): a dry run, which writes nothing, sees them too
// and reports exactly what a real run would.
type importSets struct {
	domain     string          // the SIP domain of the acting account
	emails     map[string]bool // login e-mails taken, lower-case ASCII (the schema's NOCASE)
	extensions map[string]bool // extensions of domain taken, in any account
	// sips are the existing SIP accounts given to accepted rows, as later
	// rows see them: taken by that row's user.
	sips map[int64]SIPAccount
}

func newImportSets() *importSets {
	return &importSets{emails: map[string]bool{}, extensions: map[string]bool{}, sips: map[int64]SIPAccount{}}
}

// markTaken adds to s the e-mails and new extensions of rows that the
// database already has, as t reads it: two statements per batch.
func (t *tx) markTaken(s *importSets, rows []importInput) error {
	set, err := t.sipDomainPattern(t.a.AccountID)
	if err != nil {
		return err
	}
	s.domain = set.Domain
	emails := make([]string, 0, len(rows))
	var exts []string
	for _, r := range rows {
		if e := normalEmail(r.in.Email); e != "" {
			emails = append(emails, e)
		}
		if ext := strings.TrimSpace(r.in.NewExtension); ext != "" {
			exts = append(exts, ext)
		}
	}
	taken, err := t.ImportEmailsTaken(t.ctx, jsonArg(emails))
	if err != nil {
		return err
	}
	for _, e := range taken {
		s.emails[lowerASCII(e)] = true
	}
	if len(exts) == 0 {
		return nil
	}
	taken, err = t.ImportExtensionsTaken(t.ctx, sqlcdb.ImportExtensionsTakenParams{Domain: set.Domain,
		Extensions: jsonArg(exts)})
	if err != nil {
		return err
	}
	for _, e := range taken {
		s.extensions[e] = true
	}
	return nil
}

// lowerASCII folds ASCII letters only, as SQLite's NOCASE compares.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// importLookup is newUserLookup for the import's batch transaction t:
// e-mails, extensions and given SIP accounts from the file's sets; the
// rest read through t once per batch for each id the file names (a file
// names a few roles, positions, numbers and senders many times).
type importLookup struct {
	*tx
	sets      *importSets
	country   map[int64]string
	roles     map[int64]bool
	positions map[int64]bool
	give      map[int64]error
	sip       map[int64]SIPAccount
	sipErr    map[int64]error
	pres      map[string]Presentation
	presErr   map[string]error
	groups    map[int64]Group
}

// groupIndex is built once per batch: with 2,000 groups, building it for
// every row was half the import's time (issue 15).
func (l *importLookup) groupIndex() (map[int64]Group, error) {
	if l.groups != nil {
		return l.groups, nil
	}
	g, err := l.tx.groupIndex()
	l.groups = g
	return g, err
}

func newImportLookup(t *tx, sets *importSets) *importLookup {
	return &importLookup{tx: t, sets: sets, country: map[int64]string{}, roles: map[int64]bool{},
		positions: map[int64]bool{}, give: map[int64]error{}, sip: map[int64]SIPAccount{},
		sipErr: map[int64]error{}, pres: map[string]Presentation{}, presErr: map[string]error{}}
}

func (l *importLookup) phoneCountry(accountID int64) (string, error) {
	if c, ok := l.country[accountID]; ok {
		return c, nil
	}
	c, err := l.tx.phoneCountry(accountID)
	if err == nil {
		l.country[accountID] = c
	}
	return c, err
}

func (l *importLookup) emailTaken(email string, exceptID int64) (bool, error) {
	if exceptID != 0 {
		return l.tx.emailTaken(email, exceptID)
	}
	return l.sets.emails[lowerASCII(email)], nil
}

func (l *importLookup) extensionTaken(ext, domain string) (bool, error) {
	if !strings.EqualFold(domain, l.sets.domain) {
		return l.tx.extensionTaken(ext, domain)
	}
	return l.sets.extensions[ext], nil
}

func (l *importLookup) roleExists(id int64) (bool, error) {
	if ok, seen := l.roles[id]; seen {
		return ok, nil
	}
	ok, err := l.tx.roleExists(id)
	if err == nil {
		l.roles[id] = ok
	}
	return ok, err
}

func (l *importLookup) isPosition(id int64) (bool, error) {
	if ok, seen := l.positions[id]; seen {
		return ok, nil
	}
	ok, err := l.tx.isPosition(id)
	if err == nil {
		l.positions[id] = ok
	}
	return ok, err
}

func (l *importLookup) mayGiveRole(roleID int64) error {
	if err, seen := l.give[roleID]; seen {
		return err
	}
	err := l.tx.mayGiveRole(roleID)
	if err == nil || AsError(err) != nil && AsError(err).Code != EINTERNAL {
		l.give[roleID] = err
	}
	return err
}

func (l *importLookup) sipAccount(id int64) (SIPAccount, error) {
	if s, ok := l.sets.sips[id]; ok {
		return s, nil
	}
	if s, ok := l.sip[id]; ok {
		return s, nil
	}
	if err, ok := l.sipErr[id]; ok {
		return SIPAccount{}, err
	}
	s, err := l.tx.sipAccount(id)
	switch {
	case err == nil:
		l.sip[id] = s
	case ErrorCode(err) == ENOTFOUND:
		l.sipErr[id] = err
	}
	return s, err
}

func (l *importLookup) presentation(k *PresentationKind, id int64) (Presentation, error) {
	key := fmt.Sprint(k.Field, ":", id)
	if p, ok := l.pres[key]; ok {
		return p, nil
	}
	if err, ok := l.presErr[key]; ok {
		return Presentation{}, err
	}
	p, err := l.tx.presentation(k, id)
	switch {
	case err == nil:
		l.pres[key] = p
	case ErrorCode(err) == ENOTFOUND:
		l.presErr[key] = err
	}
	return p, err
}

// importAccepted is a row that passed checkNewUser, as it is saved.
type importAccepted struct {
	in     UserInput // normalised by checkNewUser
	status string
	groups []int64    // to join: each once, sorted (as setUserGroups)
	sip    SIPAccount // the existing SIP account given, before it is
	result *ImportRowResult
}

// accept notes an accepted row in the file's sets, so that later rows see
// its e-mail, its extension and its SIP account taken.
func (l *importLookup) accept(ok *importAccepted) error {
	in := ok.in
	ok.status = StatusInactive
	if in.SendInvite {
		ok.status = StatusInvited // a file sets no passwords
	}
	ok.groups = slices.Clone(in.GroupIDs)
	slices.Sort(ok.groups)
	ok.groups = slices.Compact(ok.groups)
	l.sets.emails[lowerASCII(in.Email)] = true
	switch {
	case in.SIPAccountID != 0:
		s, err := l.sipAccount(in.SIPAccountID)
		if err != nil {
			return err
		}
		ok.sip = s
		s.UserID, s.UserName, s.UserEmail = -1, in.FullName, in.Email // its user's id is not known yet
		l.sets.sips[s.ID] = s
	case in.NewExtension != "":
		l.sets.extensions[in.NewExtension] = true
	}
	return nil
}

// importWrite saves the accepted rows of a batch in a few statements
// (queries/users_import.sql) and keeps the audit rows the user form leaves
// for each user, in the form's order: user.create, sip.create,
// sip.assign, user.call_number, user.sms_sender, user.groups. The rows
// passed checkNewUser against this transaction's data, so nothing here
// refuses; an error is unexpected and stops the import.
func (t *tx) importWrite(look *importLookup, rows []importAccepted) error {
	if len(rows) == 0 {
		return nil
	}
	ctx, account, now := t.ctx, t.a.AccountID, t.d.unix()
	set, err := t.sipDomainPattern(account)
	if err != nil {
		return err
	}
	// The new extensions, with generated passwords nobody sees (the SIP
	// page regenerates one), as createSIP makes them.
	var exts [][3]string
	for _, r := range rows {
		if r.in.NewExtension == "" {
			continue
		}
		secret, err := generateSIPSecret()
		if err != nil {
			return err
		}
		ext := r.in.NewExtension
		exts = append(exts, [3]string{ext, ha1For(ext, set.Domain, secret), ha1bFor(ext, set.Domain, secret)})
	}
	newSIP := map[string]SIPAccount{}
	if len(exts) > 0 {
		created, err := t.ImportSIPAccounts(ctx, sqlcdb.ImportSIPAccountsParams{AccountID: account, Realm: set.Domain,
			CreatedAt: now, Rows: jsonArg(exts)})
		if err != nil {
			return err
		}
		for _, s := range created {
			newSIP[s.Extension] = sipAccountFrom(s, set.Domain)
		}
	}
	users := make([][10]any, len(rows))
	for i, r := range rows {
		in := r.in
		sipID := in.SIPAccountID
		if in.NewExtension != "" {
			sipID = newSIP[in.NewExtension].ID
		}
		users[i] = [10]any{in.Email, in.NotifyEmail, in.FullName, in.WorkPhone, r.status, in.RoleID,
			jsonID(in.PositionID), jsonID(sipID), jsonID(in.CallNumberID), jsonID(in.SMSSenderID)}
	}
	saved, err := t.ImportUsers(ctx, sqlcdb.ImportUsersParams{AccountID: account, At: now, Rows: jsonArg(users)})
	if err != nil {
		return err
	}
	sips := make([]SIPAccount, 0, len(newSIP))
	for _, s := range newSIP {
		sips = append(sips, s)
	}
	t.knowAuditNames(saved, sips)
	byEmail := make(map[string]sqlcdb.User, len(saved))
	for _, u := range saved {
		byEmail[u.Email] = u
	}
	ids := make([]int64, len(rows))
	var members [][2]int64
	var tokens [][2]any
	var mails [][4]any
	nowT := t.d.now()
	for i, r := range rows {
		u, ok := byEmail[r.in.Email]
		if !ok {
			return fmt.Errorf("import: user %s not written", r.in.Email)
		}
		ids[i] = u.ID
		r.result.UserID = u.ID
		for _, g := range r.groups {
			members = append(members, [2]int64{u.ID, g})
		}
		if r.status == StatusInvited { // the activation mail, as sendTokenMail
			raw, hash, err := newSecret("")
			if err != nil {
				return err
			}
			tokens = append(tokens, [2]any{hash, u.ID})
			m, err := t.userMail(u, mailTo(u), mailActivation, "", mailData{Link: t.d.mail.baseURL + "/activate/" + raw,
				Hours: int(ActivationTTL / time.Hour)})
			if err != nil {
				return err
			}
			mails = append(mails, [4]any{m.AccountID, m.ToAddr, m.Subject, m.Body})
		}
	}
	if err := t.ImportSeats(ctx, sqlcdb.ImportSeatsParams{AccountID: account, FromAt: now, UserIds: jsonArg(ids)}); err != nil {
		return err
	}
	if len(members) > 0 {
		if err := t.ImportMemberships(ctx, jsonArg(members)); err != nil {
			return err
		}
	}
	if len(tokens) > 0 {
		if err := t.ImportTokens(ctx, sqlcdb.ImportTokensParams{Kind: mailActivation, CreatedAt: nowT.Unix(),
			ExpiresAt: nowT.Add(ActivationTTL).Unix(), Rows: jsonArg(tokens)}); err != nil {
			return err
		}
		if err := t.ImportMails(ctx, sqlcdb.ImportMailsParams{CreatedAt: now, Rows: jsonArg(mails)}); err != nil {
			return err
		}
	}
	for _, r := range rows {
		for _, c := range importChanges(look, r, byEmail[r.in.Email], newSIP[r.in.NewExtension], account) {
			if err := t.audit(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// importChanges are the changes createUser reports for a user it creates
// from in, for the audit rows: the same actions, targets, before and
// after (TestImportAuditsLikeTheForm compares them).
func importChanges(look *importLookup, r importAccepted, u sqlcdb.User, created SIPAccount, account int64) []change {
	in := r.in
	before := u // the user as CreateUser returns it, before its links
	before.SipAccountID, before.CallNumberID, before.SmsSenderID = sql.NullInt64{}, sql.NullInt64{}, sql.NullInt64{}
	out := []change{{Action: "user.create", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email, After: userFrom(before)}}
	s := r.sip
	if in.NewExtension != "" {
		s = created
		out = append(out, change{Action: "sip.create", TargetType: "sip_account", TargetID: s.ID, TargetLabel: s.label(),
			AccountID: account, After: s})
	}
	out = append(out, change{Action: "sip.assign", TargetType: "sip_account", TargetID: s.ID, TargetLabel: s.label(),
		After: map[string]any{"user_id": u.ID, "user": u.Email}})
	for _, k := range []struct {
		kind *PresentationKind
		id   int64
	}{{PhoneNumbers, in.CallNumberID}, {SMSSenders, in.SMSSenderID}} {
		if k.id == 0 {
			continue
		}
		p, _ := look.presentation(k.kind, k.id) // read by the row's check
		out = append(out, change{Action: "user." + k.kind.action, TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			Before: map[string]any{k.kind.UserField: int64(0)},
			After:  map[string]any{k.kind.UserField: k.id, k.kind.Field: p.Value}})
	}
	if len(r.groups) > 0 {
		out = append(out, change{Action: "user.groups", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			Before: map[string]any{"group_ids": []int64{}}, After: map[string]any{"group_ids": r.groups}})
	}
	return out
}

// jsonArg is a batch's rows as the JSON array its statement reads with
// json_each.
func jsonArg(rows any) string {
	b, err := json.Marshal(rows)
	if err != nil {
		panic(err) // ids, strings and numbers only
	}
	return string(b)
}

// jsonID is an id for jsonArg, null for none.
func jsonID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
