package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// Offboarding (R-GOV-4) is one guided act for a leaving user: block now or
// at the start of a local day; hand the SIP extension, caller ID and SMS
// sender, licence seats and groups to a successor or free them; withdraw
// sub-account access; end sessions and API tokens; delete now, on a day or
// never. Run now, every step happens in one transaction; scheduled, the
// hourly SweepOffboardings runs it (as the system, with the plan the admin
// confirmed) and anyone with users.delete may cancel it before.
//
// Authority (db/policy.go): ActOffboard (users.block) on the leaver, and
// for each step the act that step is on its own, on the leaver and on the
// successor (R-SEC-2 both ways): ActSIP, ActPresentation, ActSeat, ActEdit
// (groups), ActDelete for a deletion now or on a day.

// Choices of an offboarding's steps.
const (
	ToSuccessor = "successor" // hand it to the successor
	ToFree      = "free"      // free it (a SIP account stays enabled, with a new password)
	ToDisable   = "disable"   // SIP only: disable it, left with the blocked user
	GroupsCopy  = "copy"      // groups: copy the memberships to the successor
	GroupsDrop  = "drop"
	DeleteNow   = "now"
	DeleteNever = "never"
	DeleteOn    = "on" // on DeleteDay
)

// OffboardingInput is the plan an admin confirms.
type OffboardingInput struct {
	// Day is the local day the user is blocked at the start of
	// (YYYY-MM-DD, or dd.mm.rrrr from a form); "" for now.
	Day         string `json:"day" form:"day"`
	SuccessorID int64  `json:"successor_id" form:"successor_id"`
	SIP         string `json:"sip" form:"sip"`               // successor, free, disable
	Numbers     string `json:"numbers" form:"numbers"`       // caller ID and SMS sender: successor, free
	Seats       string `json:"licenses" form:"licenses"`     // successor, free
	Groups      string `json:"groups" form:"groups"`         // copy, drop
	Delete      string `json:"delete" form:"delete"`         // now, on, never
	DeleteDay   string `json:"delete_day" form:"delete_day"` // with delete "on"
	SuccessorQ  string `json:"-" form:"successor_email"`     // the form names the successor by e-mail
	Confirmed   bool   `json:"-" form:"confirmed"`           // the form's last step
}

// OffboardingReport is what an offboarding did, for its printable page and
// the API: names as they were, never secrets.
type OffboardingReport struct {
	Blocked       bool     `json:"blocked"`
	SessionsEnded int64    `json:"sessions_ended"`
	TokensEnded   int64    `json:"tokens_ended"`
	Extension     string   `json:"extension,omitempty"`
	SIP           string   `json:"sip,omitempty"` // what happened to it: successor, free, disable
	CallerID      string   `json:"caller_id,omitempty"`
	SMSSender     string   `json:"sms_sender,omitempty"`
	Numbers       string   `json:"numbers,omitempty"`
	Licenses      []string `json:"licenses"`
	Seats         string   `json:"licenses_to,omitempty"`
	Groups        []string `json:"groups"`
	GroupsTo      string   `json:"groups_to,omitempty"`
	Accounts      []string `json:"accounts"` // sub-account access withdrawn
	Deleted       bool     `json:"deleted"`
}

// Offboarding is one offboarding, scheduled, done or cancelled.
type Offboarding struct {
	ID          int64              `json:"id"`
	UserID      int64              `json:"user_id,omitempty"` // 0 once deleted
	User        string             `json:"user"`
	SuccessorID int64              `json:"successor_id,omitempty"`
	Successor   string             `json:"successor,omitempty"`
	Plan        OffboardingInput   `json:"plan"`
	RunAt       time.Time          `json:"run_at"`
	DeleteAt    *time.Time         `json:"delete_at"`
	State       string             `json:"state"` // scheduled, done, cancelled
	By          string             `json:"by"`
	CreatedAt   time.Time          `json:"created_at"`
	DoneAt      *time.Time         `json:"done_at"`
	Report      *OffboardingReport `json:"report"`
	// SIPSecret is the extension's new password when it went to the
	// successor now: shown this once, stored nowhere.
	SIPSecret *SIPSecret `json:"sip_secret,omitempty"`
}

func offboardingFrom(o sqlcdb.Offboarding) Offboarding {
	out := Offboarding{ID: o.ID, UserID: o.UserID.Int64, User: o.UserLabel, SuccessorID: o.SuccessorID.Int64,
		Successor: o.SuccessorLabel, RunAt: time.Unix(o.RunAt, 0), State: o.State, By: o.CreatedByLabel,
		CreatedAt: time.Unix(o.CreatedAt, 0)}
	_ = json.Unmarshal([]byte(o.PlanJson), &out.Plan)
	if o.DeleteAt.Valid {
		t := time.Unix(o.DeleteAt.Int64, 0)
		out.DeleteAt = &t
	}
	if o.DoneAt.Valid {
		t := time.Unix(o.DoneAt.Int64, 0)
		out.DoneAt = &t
	}
	if o.ReportJson != "" {
		var r OffboardingReport
		if json.Unmarshal([]byte(o.ReportJson), &r) == nil {
			out.Report = &r
		}
	}
	return out
}

// checkPlan validates a plan into v and returns the moments it runs and
// deletes at (zero run: now; nil delete: never).
func (t *tx) checkPlan(in *OffboardingInput, loc *time.Location) (time.Time, *time.Time, error) {
	var v ValidationError
	now := t.d.now()
	pick := func(field, val string, allowed ...string) string {
		if val == "" {
			return allowed[0]
		}
		if !slices.Contains(allowed, val) {
			v.Add(field, M("offboarding.choice_unknown"))
		}
		return val
	}
	in.SIP = pick("sip", in.SIP, ToFree, ToSuccessor, ToDisable)
	in.Numbers = pick("numbers", in.Numbers, ToFree, ToSuccessor)
	in.Seats = pick("licenses", in.Seats, ToFree, ToSuccessor)
	in.Groups = pick("groups", in.Groups, GroupsDrop, GroupsCopy)
	in.Delete = pick("delete", in.Delete, DeleteNever, DeleteNow, DeleteOn)
	day := func(field, s string) time.Time {
		d, ok := parseDay(s, loc)
		if !ok {
			v.Add(field, M("grant.end_format"))
		}
		return d
	}
	var run time.Time
	if strings.TrimSpace(in.Day) != "" {
		run = day("day", in.Day)
		if !run.IsZero() && !run.After(now) {
			v.Add("day", M("offboarding.day_past"))
		}
		if !run.IsZero() {
			in.Day = run.Format(time.DateOnly)
		}
	}
	var del *time.Time
	switch in.Delete {
	case DeleteOn:
		d := day("delete_day", in.DeleteDay)
		if !d.IsZero() {
			if !d.After(now) || (!run.IsZero() && d.Before(run)) {
				v.Add("delete_day", M("offboarding.delete_before"))
			}
			in.DeleteDay = d.Format(time.DateOnly)
		}
		del = &d
	case DeleteNow:
		if !run.IsZero() {
			del = &run // deleted when it runs
		} else {
			n := now
			del = &n
		}
		in.DeleteDay = ""
	default:
		in.DeleteDay = ""
	}
	needSuccessor := in.SIP == ToSuccessor || in.Numbers == ToSuccessor || in.Seats == ToSuccessor || in.Groups == GroupsCopy
	if needSuccessor && in.SuccessorID == 0 {
		v.Add("successor_id", M("offboarding.successor_required"))
	}
	if !needSuccessor {
		in.SuccessorID = 0
	}
	return run, del, v.Err()
}

// parseDay reads YYYY-MM-DD or dd.mm.rrrr as the local midnight that
// starts that day.
func parseDay(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02.01.2006", "2.1.2006"} {
		if d, err := time.ParseInLocation(layout, s, loc); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// offboardPeople reads the leaver and the successor inside t and asks the
// policy about every act the plan holds, on both.
func (t *tx) offboardPeople(userID int64, in OffboardingInput) (sqlcdb.User, sqlcdb.User, error) {
	var succ sqlcdb.User
	u, err := t.targetUser(ActOffboard, userID)
	if err != nil {
		return u, succ, err
	}
	acts := []UserAct{}
	if in.SIP != ToFree || u.SipAccountID.Valid {
		acts = append(acts, ActSIP)
	}
	if u.CallNumberID.Valid || u.SmsSenderID.Valid {
		acts = append(acts, ActPresentation)
	}
	if in.Seats == ToSuccessor {
		acts = append(acts, ActSeat)
	}
	if in.Delete != DeleteNever {
		acts = append(acts, ActDelete)
	}
	// Dropping their groups is an edit of the leaver (ActEdit): asked now,
	// since a scheduled plan runs later as the system.
	tree, err := t.d.groupTree(t.ctx, t.Queries, u.AccountID, t.a.Lang)
	if err != nil {
		return u, succ, err
	}
	mine, err := t.UserGroupIDs(t.ctx, u.ID)
	if err != nil {
		return u, succ, err
	}
	for _, g := range tree {
		if slices.Contains(mine, g.ID) && !g.Builtin && !g.Position {
			acts = append(acts, ActEdit)
			break
		}
	}
	for _, act := range acts {
		if err := t.mayActOnUser(act, u); err != nil {
			return u, succ, err
		}
	}
	if in.SuccessorID == 0 {
		return u, succ, nil
	}
	succ, err = t.accountUser(in.SuccessorID)
	if ErrorCode(err) == ENOTFOUND || (err == nil && (succ.ID == u.ID || succ.Status == StatusBlocked)) {
		var v ValidationError
		v.Add("successor_id", M("offboarding.successor_unknown"))
		return u, succ, v.Err()
	} else if err != nil {
		return u, succ, err
	}
	sacts := []UserAct{}
	if in.SIP == ToSuccessor {
		sacts = append(sacts, ActSIP)
	}
	if in.Numbers == ToSuccessor {
		sacts = append(sacts, ActPresentation)
	}
	if in.Seats == ToSuccessor {
		sacts = append(sacts, ActSeat)
	}
	if in.Groups == GroupsCopy {
		sacts = append(sacts, ActEdit)
	}
	for _, act := range sacts {
		if err := t.mayActOnUser(act, succ); err != nil {
			return u, succ, err
		}
	}
	return u, succ, nil
}

// Offboard runs a leaver's plan now, in one transaction, or schedules it
// for the start of its day (R-GOV-4). Needs users.block, and the act of
// every step on the leaver and the successor. Returns the offboarding
// with its report (when run now) and, when the extension went to the
// successor, its new password this once. ENOTFOUND, EFORBIDDEN, EINVALID
// per field, ECONFLICT when one is already scheduled for the user.
func (d *DB) Offboard(ctx context.Context, a Actor, userID int64, in OffboardingInput) (Offboarding, error) {
	if err := requireAct(a, ActOffboard); err != nil {
		return Offboarding{}, err
	}
	var id int64
	var secret *SIPSecret
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		if _, err := t.targetUser(ActOffboard, userID); err != nil {
			return nil, err // who first, then what (an unknown user is 404)
		}
		loc, err := d.location(ctx, t.Queries)
		if err != nil {
			return nil, err
		}
		if err := t.findSuccessor(&in); err != nil {
			return nil, err
		}
		run, del, err := t.checkPlan(&in, loc)
		if err != nil {
			return nil, err
		}
		u, succ, err := t.offboardPeople(userID, in)
		if err != nil {
			return nil, err
		}
		plan, _ := json.Marshal(in)
		state, runAt := "scheduled", run.Unix()
		if run.IsZero() {
			state, runAt = "done", d.unix()
		}
		var delAt sql.NullInt64
		if del != nil {
			delAt = sql.NullInt64{Int64: del.Unix(), Valid: true}
		}
		id, err = t.InsertOffboarding(ctx, sqlcdb.InsertOffboardingParams{AccountID: u.AccountID,
			UserID: nullID(u.ID), UserLabel: userLabel(u) + " <" + u.Email + ">", SuccessorID: nullID(succ.ID),
			SuccessorLabel: labelOr(succ), PlanJson: string(plan), RunAt: runAt, DeleteAt: delAt, State: "scheduled",
			CreatedBy: nullID(a.UserID), CreatedByLabel: nameOr(a.Name, a.Email), CreatedAt: d.unix()})
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return nil, Errorf(ECONFLICT, "offboarding.already_scheduled")
			}
			return nil, err
		}
		c := change{Action: "user.offboard_schedule", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			AccountID: u.AccountID, After: map[string]any{"offboarding_id": id, "day": in.Day, "successor_id": succ.ID,
				"delete_day": in.DeleteDay}}
		if state == "scheduled" {
			return one(c), nil
		}
		changes, s, err := t.runOffboarding(id, u, succ, in)
		secret = s
		return changes, err
	})
	if err != nil {
		return Offboarding{}, err
	}
	o, err := d.GetOffboarding(ctx, a, id)
	o.SIPSecret = secret
	return o, err
}

func labelOr(u sqlcdb.User) string {
	if u.ID == 0 {
		return ""
	}
	return userLabel(u) + " <" + u.Email + ">"
}

// runOffboarding does every step of a plan inside t and writes the report.
// u and succ were read (and the policy asked) in t.
func (t *tx) runOffboarding(id int64, u, succ sqlcdb.User, in OffboardingInput) ([]change, *SIPSecret, error) {
	ctx := t.ctx
	var changes []change
	add := func(c change, err error) error {
		if err == nil && c.Action != "" {
			changes = append(changes, c)
		}
		return err
	}
	r := OffboardingReport{Licenses: []string{}, Groups: []string{}, Accounts: []string{}}
	var secret *SIPSecret

	// Blocked, signed out everywhere, API tokens gone (R-USER-8).
	var err error
	if r.SessionsEnded, err = t.DeleteUserSessions(ctx, u.ID); err != nil {
		return nil, nil, err
	}
	tokens, err := t.ListUserTokens(ctx, sqlcdb.ListUserTokensParams{UserID: u.ID, Kind: "api"})
	if err != nil {
		return nil, nil, err
	}
	r.TokensEnded = int64(len(tokens))
	if err := t.DeleteUserTokensOfKind(ctx, sqlcdb.DeleteUserTokensOfKindParams{UserID: u.ID, Kind: "api"}); err != nil {
		return nil, nil, err
	}
	if u.Status != StatusBlocked {
		if err := t.SetUserStatus(ctx, sqlcdb.SetUserStatusParams{ID: u.ID, Status: StatusBlocked, UpdatedAt: t.d.unix()}); err != nil {
			return nil, nil, err
		}
		changes = append(changes, change{Action: "user.block", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			AccountID: u.AccountID, Before: map[string]string{"status": u.Status},
			After: map[string]any{"status": StatusBlocked, "sessions_ended": r.SessionsEnded}})
	}
	r.Blocked = true

	// The SIP extension.
	if u.SipAccountID.Valid {
		s, err := getSIP(ctx, t.Queries, u.AccountID, u.SipAccountID.Int64)
		if err != nil {
			return nil, nil, err
		}
		r.Extension, r.SIP = s.Extension, in.SIP
		switch in.SIP {
		case ToDisable:
			if err := t.SetSIPEnabled(ctx, sqlcdb.SetSIPEnabledParams{ID: s.ID, AccountID: s.AccountID, Enabled: 0}); err != nil {
				return nil, nil, err
			}
			changes = append(changes, change{Action: "sip.disable", TargetType: "sip_account", TargetID: s.ID,
				TargetLabel: s.label(), AccountID: s.AccountID, Before: map[string]any{"enabled": s.Enabled},
				After: map[string]any{"enabled": false}})
		default:
			// Freed or handed over, the leaver's phone must stop: the
			// account gets a new password either way.
			if err := t.SetUserSIPAccount(ctx, sqlcdb.SetUserSIPAccountParams{ID: u.ID, AccountID: u.AccountID,
				UpdatedAt: t.d.unix()}); err != nil {
				return nil, nil, err
			}
			pw, err := generateSIPSecret()
			if err != nil {
				return nil, nil, err
			}
			if err := add(t.setSIPSecret(s, pw)); err != nil {
				return nil, nil, err
			}
			if !s.Enabled {
				if err := t.SetSIPEnabled(ctx, sqlcdb.SetSIPEnabledParams{ID: s.ID, AccountID: s.AccountID, Enabled: 1}); err != nil {
					return nil, nil, err
				}
			}
			if in.SIP == ToSuccessor {
				if err := add(t.replaceSIP(succ, s.ID)); err != nil {
					return nil, nil, err
				}
				s.UserID, s.UserEmail, s.UserName = succ.ID, succ.Email, succ.FullName
				secret = &SIPSecret{SIPAccount: s, Password: pw}
			} else {
				changes = append(changes, change{Action: "sip.free", TargetType: "sip_account", TargetID: s.ID,
					TargetLabel: s.label(), AccountID: s.AccountID, Before: map[string]any{"user_id": u.ID, "user": u.Email}})
			}
		}
	}

	// Caller ID and SMS sender.
	r.Numbers = in.Numbers
	for _, k := range []*PresentationKind{PhoneNumbers, SMSSenders} {
		id := userChoices(u)[k.UserField]
		if id == 0 {
			continue
		}
		if p, err := getPresentation(ctx, t.Queries, u.AccountID, k, id); err == nil {
			if k == PhoneNumbers {
				r.CallerID = p.Value
			} else {
				r.SMSSender = p.Value
			}
		}
		if in.Numbers == ToSuccessor {
			if err := add(t.setPresentation(k, succ.ID, id)); err != nil {
				return nil, nil, err
			}
		}
		if err := add(t.setPresentation(k, u.ID, 0)); err != nil {
			return nil, nil, err
		}
	}

	// Licence seats.
	r.Seats = in.Seats
	lics, err := t.UserLicenses(ctx, sqlcdb.UserLicensesParams{UserID: u.ID, AccountID: u.AccountID})
	if err != nil {
		return nil, nil, err
	}
	for _, l := range lics {
		if l.Held != 1 {
			continue
		}
		r.Licenses = append(r.Licenses, l.Product)
		if _, err := t.UnassignLicenseSeat(ctx, sqlcdb.UnassignLicenseSeatParams{LicenseID: l.ID, UserID: u.ID}); err != nil {
			return nil, nil, err
		}
		changes = append(changes, change{Action: "license.unassign", TargetType: "license", TargetID: l.ID,
			TargetLabel: l.Product, AccountID: u.AccountID, Before: map[string]any{"user_id": u.ID, "email": u.Email}})
		if in.Seats != ToSuccessor {
			continue
		}
		if n, err := t.LicenseSeatTaken(ctx, sqlcdb.LicenseSeatTakenParams{LicenseID: l.ID, UserID: succ.ID}); err != nil {
			return nil, nil, err
		} else if n > 0 {
			continue
		}
		if err := t.AssignLicenseSeat(ctx, sqlcdb.AssignLicenseSeatParams{LicenseID: l.ID, UserID: succ.ID,
			AssignedAt: t.d.unix()}); err != nil {
			return nil, nil, err
		}
		changes = append(changes, change{Action: "license.assign", TargetType: "license", TargetID: l.ID,
			TargetLabel: l.Product, AccountID: u.AccountID, After: map[string]any{"user_id": succ.ID, "email": succ.Email}})
	}

	// Groups.
	r.GroupsTo = in.Groups
	tree, err := t.d.groupTree(ctx, t.Queries, u.AccountID, t.a.Lang)
	if err != nil {
		return nil, nil, err
	}
	mine, err := t.UserGroupIDs(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	var plain []int64
	for _, g := range tree {
		if slices.Contains(mine, g.ID) && !g.Builtin && !g.Position {
			plain = append(plain, g.ID)
			r.Groups = append(r.Groups, g.Path)
		}
	}
	if len(plain) > 0 {
		if in.Groups == GroupsCopy {
			theirs, err := t.UserGroupIDs(ctx, succ.ID)
			if err != nil {
				return nil, nil, err
			}
			var keep []int64
			for _, g := range tree {
				if (slices.Contains(theirs, g.ID) || slices.Contains(plain, g.ID)) && !g.Builtin && !g.Position {
					keep = append(keep, g.ID)
				}
			}
			if err := add(t.setUserGroups(succ.ID, keep)); err != nil {
				return nil, nil, err
			}
		}
		if err := add(t.setUserGroups(u.ID, nil)); err != nil {
			return nil, nil, err
		}
	}

	// Sub-account access, and roles until a day with it.
	gone, err := t.RevokeAllAccountAccess(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, accID := range gone {
		if acc, err := t.GetAccount(ctx, accID); err == nil {
			r.Accounts = append(r.Accounts, acc.Name)
		}
	}
	if len(gone) > 0 {
		changes = append(changes, change{Action: "user.account_access", TargetType: "user", TargetID: u.ID,
			TargetLabel: u.Email, AccountID: u.AccountID, Before: map[string]any{"account_ids": gone},
			After: map[string]any{"account_ids": []int64{}}})
	}

	// Deleted now, when the plan says so (R-USER-9).
	o, err := t.GetOffboardingAny(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if in.Delete == DeleteNow || (o.DeleteAt.Valid && o.DeleteAt.Int64 <= t.d.unix()) {
		cur, err := t.GetUser(ctx, u.ID)
		if err != nil {
			return nil, nil, err
		}
		cs, err := t.removeUser(cur)
		if err != nil {
			return nil, nil, err
		}
		changes = append(changes, cs...)
		r.Deleted = true
	}
	report, _ := json.Marshal(r)
	deleted := int64(0)
	if r.Deleted {
		deleted = 1
	}
	if err := t.FinishOffboarding(ctx, sqlcdb.FinishOffboardingParams{ID: id, ReportJson: string(report),
		DoneAt: sql.NullInt64{Int64: t.d.unix(), Valid: true}, Deleted: deleted}); err != nil {
		return nil, nil, err
	}
	changes = append(changes, change{Action: "user.offboard", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
		AccountID: u.AccountID, After: map[string]any{"offboarding_id": id, "successor_id": succ.ID,
			"extension": r.Extension, "licenses": r.Licenses, "user_deleted": r.Deleted}})
	return changes, secret, nil
}

// GetOffboarding reads one offboarding of the acting account, with its
// report. Needs users.block (who may offboard) or users.delete.
func (d *DB) GetOffboarding(ctx context.Context, a Actor, id int64) (Offboarding, error) {
	if err := needAny(PermUsersBlock, PermUsersDelete)(a); err != nil {
		return Offboarding{}, err
	}
	o, err := d.rq.GetOffboarding(ctx, sqlcdb.GetOffboardingParams{ID: id, AccountID: a.AccountID})
	if errors.Is(err, sql.ErrNoRows) {
		return Offboarding{}, Errorf(ENOTFOUND, "offboarding.not_found")
	} else if err != nil {
		return Offboarding{}, err
	}
	return offboardingFrom(o), nil
}

// ListOffboardings lists the acting account's offboardings, the scheduled
// first (state "" for all). Needs users.delete (R-GOV-4).
func (d *DB) ListOffboardings(ctx context.Context, a Actor, state string) ([]Offboarding, error) {
	if err := a.require(PermUsersDelete); err != nil {
		return nil, err
	}
	rows, err := d.rq.ListOffboardings(ctx, sqlcdb.ListOffboardingsParams{AccountID: a.AccountID, State: state})
	if err != nil {
		return nil, err
	}
	out := make([]Offboarding, len(rows))
	for i, r := range rows {
		out[i] = offboardingFrom(r)
	}
	return out, nil
}

// CancelOffboarding cancels a scheduled offboarding: nothing of it has
// happened yet. Needs users.delete. ENOTFOUND for one that is not
// scheduled (any more).
func (d *DB) CancelOffboarding(ctx context.Context, a Actor, id int64) error {
	if err := a.require(PermUsersDelete); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		o, err := t.GetOffboarding(ctx, sqlcdb.GetOffboardingParams{ID: id, AccountID: a.AccountID})
		if errors.Is(err, sql.ErrNoRows) {
			return nil, Errorf(ENOTFOUND, "offboarding.not_found")
		} else if err != nil {
			return nil, err
		}
		n, err := t.CancelOffboarding(ctx, sqlcdb.CancelOffboardingParams{ID: id, AccountID: a.AccountID,
			DoneAt: sql.NullInt64{Int64: d.unix(), Valid: true}})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, Errorf(ENOTFOUND, "offboarding.not_found")
		}
		return one(change{Action: "user.offboard_cancel", TargetType: "user", TargetID: o.UserID.Int64,
			TargetLabel: o.UserLabel, AccountID: o.AccountID, Before: map[string]any{"offboarding_id": id}}), nil
	})
}

// SweepOffboardings runs, as the system, every scheduled offboarding whose
// day has begun, and deletes the users whose deletion day has come
// (R-GOV-4). Idempotent: what it ran is done, so a second run finds
// nothing. Returns how many it ran or deleted. The hourly loop of main.go
// calls it.
func (d *DB) SweepOffboardings(ctx context.Context) (int, error) {
	now := d.unix()
	n := 0
	due, err := d.rq.DueOffboardings(ctx, now)
	if err != nil {
		return 0, err
	}
	for _, id := range due {
		err := d.update(ctx, System(), func(t *tx) ([]change, error) {
			o, err := t.GetOffboardingAny(ctx, id)
			if err != nil || o.State != "scheduled" || o.RunAt > now {
				return nil, err
			}
			t.a.AccountID, t.a.HomeAccountID = o.AccountID, o.AccountID
			var in OffboardingInput
			if err := json.Unmarshal([]byte(o.PlanJson), &in); err != nil {
				return nil, err
			}
			u, err := t.GetUser(ctx, o.UserID.Int64)
			if err != nil {
				// The user is gone already: nothing left to do.
				return nil, t.FinishOffboarding(ctx, sqlcdb.FinishOffboardingParams{ID: id, ReportJson: `{}`,
					DoneAt: sql.NullInt64{Int64: now, Valid: true}, Deleted: 1})
			}
			var succ sqlcdb.User
			if o.SuccessorID.Valid {
				if succ, err = t.GetUser(ctx, o.SuccessorID.Int64); err != nil {
					return nil, Errorf(ECONFLICT, "offboarding.successor_unknown")
				}
			}
			n++
			changes, _, err := t.runOffboarding(id, u, succ, in)
			return changes, err
		})
		if err != nil {
			return n, err
		}
	}
	dels, err := d.rq.DueOffboardingDeletions(ctx, now)
	if err != nil {
		return n, err
	}
	for _, id := range dels {
		err := d.update(ctx, System(), func(t *tx) ([]change, error) {
			o, err := t.GetOffboardingAny(ctx, id)
			if err != nil || o.Deleted == 1 || !o.UserID.Valid {
				return nil, err
			}
			t.a.AccountID, t.a.HomeAccountID = o.AccountID, o.AccountID
			u, err := t.GetUser(ctx, o.UserID.Int64)
			if err != nil {
				return nil, t.MarkOffboardingDeleted(ctx, sqlcdb.MarkOffboardingDeletedParams{ID: id, ReportJson: o.ReportJson})
			}
			changes, err := t.removeUser(u)
			if err != nil {
				return nil, err
			}
			var r OffboardingReport
			_ = json.Unmarshal([]byte(o.ReportJson), &r)
			r.Deleted = true
			b, _ := json.Marshal(r)
			n++
			return changes, t.MarkOffboardingDeleted(ctx, sqlcdb.MarkOffboardingDeletedParams{ID: id, ReportJson: string(b)})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// OffboardingPreview checks a plan as Offboard would, without doing it,
// for the flow's summary step: the plan with its choices filled in and
// the successor named, or the refusal Offboard would give.
func (d *DB) OffboardingPreview(ctx context.Context, a Actor, userID int64, in OffboardingInput) (OffboardingInput, User, error) {
	var succ User
	if err := requireAct(a, ActOffboard); err != nil {
		return in, succ, err
	}
	errPreview := errors.New("preview")
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		if _, err := t.targetUser(ActOffboard, userID); err != nil {
			return nil, err
		}
		if err := t.findSuccessor(&in); err != nil {
			return nil, err
		}
		loc, err := d.location(ctx, t.Queries)
		if err != nil {
			return nil, err
		}
		if _, _, err := t.checkPlan(&in, loc); err != nil {
			return nil, err
		}
		_, s, err := t.offboardPeople(userID, in)
		if err != nil {
			return nil, err
		}
		if s.ID != 0 {
			succ = userFrom(s)
		}
		return nil, errPreview // nothing is written
	})
	if errors.Is(err, errPreview) {
		err = nil
	}
	return in, succ, err
}

// findSuccessor reads a successor typed by e-mail (the form's field
// without script) into in.SuccessorID: a user of the acting account, or
// EINVALID on "successor_id".
func (t *tx) findSuccessor(in *OffboardingInput) error {
	if in.SuccessorID != 0 || strings.TrimSpace(in.SuccessorQ) == "" {
		return nil
	}
	s, err := t.GetUserByEmail(t.ctx, normalEmail(in.SuccessorQ))
	if err != nil || s.AccountID != t.a.AccountID {
		var v ValidationError
		v.Add("successor_id", M("offboarding.successor_unknown"))
		return v.Err()
	}
	in.SuccessorID = s.ID
	return nil
}
