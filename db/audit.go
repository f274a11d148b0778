package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// AuditEntry is one row of the audit log (R-AUDIT-1).
type AuditEntry struct {
	ID                int64     `json:"id"`
	At                time.Time `json:"at"`
	ActorID           int64     `json:"actor_id,omitempty"`
	ActorEmail        string    `json:"actor_email"`
	ImpersonatorID    int64     `json:"impersonator_id,omitempty"`
	ImpersonatorEmail string    `json:"impersonator_email,omitempty"`
	AccountID         int64     `json:"account_id,omitempty"`
	Action            string    `json:"action"`
	TargetType        string    `json:"target_type"`
	TargetID          int64     `json:"target_id,omitempty"`
	TargetLabel       string    `json:"target_label"`
	Before            string    `json:"before,omitempty"`
	After             string    `json:"after,omitempty"`
	IP                string    `json:"ip,omitempty"`
	// Labels are the names as they were when the entry was written
	// (R-AUDIT-2); empty for entries written before they were kept.
	Labels AuditLabels `json:"-"`
}

// AuditFilter narrows an audit search; zero fields match everything.
type AuditFilter struct {
	Actor  string `query:"actor" form:"actor"`   // e-mail, substring
	Action string `query:"action" form:"action"` // prefix, e.g. "user."
	// Actions are exact action codes, any of which matches (the action
	// named in words); nil matches every action, an empty list none.
	Actions    []string `query:"-"`
	Target     string   `query:"target" form:"target"` // id or label substring
	TargetType string   `query:"target_type"`          // e.g. "user"
	TargetID   int64    `query:"target_id"`
	// Impersonation narrows the log to what was done during one log-in-as
	// (R-GOV-3): the rows its admin wrote as the user, while it lasted.
	Impersonation int64     `query:"impersonation"`
	From          time.Time `query:"-"`
	To            time.Time `query:"-"` // exclusive
	OldestFirst   bool      `query:"-"`
	Page          int       `query:"page"`
	PerPage       int       `query:"per_page"`
}

// Page is one page of a list.
type Page[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	// TotalCapped says Total is a lower bound: the list stopped counting.
	TotalCapped bool `json:"total_capped,omitempty"`
}

// Pages is the number of pages.
func (p Page[T]) Pages() int {
	if p.PerPage == 0 {
		return 0
	}
	n := (p.Total + p.PerPage - 1) / p.PerPage
	if p.TotalCapped && len(p.Items) == p.PerPage && p.Page >= n {
		n = p.Page + 1 // more beyond the count: offer the next page
	}
	return n
}

// maxPage bounds the page number every list accepts, so that the offset
// (page-1)*perPage can neither overflow nor reach a number SQLite refuses:
// a page past the end is simply empty.
const maxPage = 1_000_000

// normalPage clamps paging input for every list: page 1..maxPage, 1..200
// per page (def when unset or negative).
func normalPage(page, perPage, def int) (int, int) {
	page = min(max(page, 1), maxPage)
	if perPage < 1 {
		perPage = def
	}
	return page, min(perPage, 200)
}

// likeEscaper makes a person's text literal inside a LIKE pattern written
// with ESCAPE '!' (not a backslash, which sqlc's SQLite parser misreads).
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// likeContains matches values containing s; empty s matches everything.
func likeContains(s string) sql.NullString {
	s = strings.TrimSpace(s)
	if s == "" {
		return sql.NullString{}
	}
	return sql.NullString{String: "%" + likeEscaper.Replace(s) + "%", Valid: true}
}

// SearchAudit returns a page of the acting account's audit log, newest
// first. Returns EFORBIDDEN without audit.view.
func (d *DB) SearchAudit(ctx context.Context, a Actor, f AuditFilter) (Page[AuditEntry], error) {
	if err := a.require(PermAuditView); err != nil {
		return Page[AuditEntry]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	p := sqlcdb.SearchAuditParams{AccountID: nullID(a.AccountID), Actor: likeContains(f.Actor)}
	if act := strings.TrimSpace(f.Action); act != "" {
		p.Action = sql.NullString{String: likeEscaper.Replace(act) + "%", Valid: true}
	}
	if f.Actions != nil {
		codes, err := json.Marshal(f.Actions)
		if err != nil {
			return Page[AuditEntry]{}, err
		}
		p.Actions = string(codes)
	}
	if tgt := strings.TrimSpace(f.Target); tgt != "" {
		if id, ok := parseID(tgt); ok {
			p.TargetID = nullID(id)
		} else {
			p.TargetLabel = likeContains(tgt)
		}
	}
	if f.TargetType != "" {
		p.TargetType = sql.NullString{String: f.TargetType, Valid: true}
	}
	if f.TargetID > 0 {
		p.TargetID = nullID(f.TargetID)
	}
	if !f.From.IsZero() {
		p.FromAt = sql.NullInt64{Int64: f.From.Unix(), Valid: true}
	}
	if !f.To.IsZero() {
		p.ToAt = sql.NullInt64{Int64: f.To.Unix(), Valid: true}
	}
	if f.Impersonation > 0 {
		im, err := d.rq.GetImpersonationIn(ctx, sqlcdb.GetImpersonationInParams{ID: f.Impersonation, AccountID: a.AccountID})
		if errors.Is(err, sql.ErrNoRows) {
			return Page[AuditEntry]{}, errNotFound
		} else if err != nil {
			return Page[AuditEntry]{}, err
		}
		end := im.EndsAt
		if im.EndedAt.Valid {
			end = im.EndedAt.Int64
		}
		p.ImpersonatorID = sql.NullInt64{Int64: im.AdminID.Int64, Valid: true}
		p.FromAt = sql.NullInt64{Int64: im.StartedAt, Valid: true}
		p.ToAt = sql.NullInt64{Int64: end + 1, Valid: true}
	}
	total, err := d.rq.CountAudit(ctx, sqlcdb.CountAuditParams{AccountID: p.AccountID, Actor: p.Actor,
		Action: p.Action, Actions: p.Actions, TargetType: p.TargetType, TargetID: p.TargetID,
		TargetLabel: p.TargetLabel, FromAt: p.FromAt, ToAt: p.ToAt, ImpersonatorID: p.ImpersonatorID})
	if err != nil {
		return Page[AuditEntry]{}, err
	}
	p.Lim, p.Off = int64(f.PerPage), int64((f.Page-1)*f.PerPage)
	var rows []sqlcdb.AuditLog
	if f.OldestFirst {
		rows, err = d.rq.SearchAuditOldest(ctx, sqlcdb.SearchAuditOldestParams(p))
	} else {
		rows, err = d.rq.SearchAudit(ctx, p)
	}
	if err != nil {
		return Page[AuditEntry]{}, err
	}
	out := Page[AuditEntry]{Items: make([]AuditEntry, len(rows)), Total: int(total), Page: f.Page, PerPage: f.PerPage}
	for i, r := range rows {
		out.Items[i] = auditEntryFrom(r)
	}
	return out, nil
}

func auditEntryFrom(r sqlcdb.AuditLog) AuditEntry {
	e := AuditEntry{ID: r.ID, At: time.Unix(r.At, 0).UTC(), ActorID: r.ActorID.Int64,
		ActorEmail: r.ActorEmail, ImpersonatorID: r.ImpersonatorID.Int64,
		ImpersonatorEmail: r.ImpersonatorEmail, AccountID: r.AccountID.Int64, Action: r.Action,
		TargetType: r.TargetType, TargetID: r.TargetID.Int64, TargetLabel: r.TargetLabel,
		Before: r.BeforeJson, After: r.AfterJson, IP: r.Ip}
	if r.LabelsJson != "" {
		_ = json.Unmarshal([]byte(r.LabelsJson), &e.Labels) // a row that does not parse shows ids
	}
	return e
}

// AuditPerson is one suggestion of the person filter.
type AuditPerson struct {
	Email    string
	FullName string
}

// AuditPeople suggests the acting account's users whose name or e-mail
// contains q, for the audit log's person filter (at most 10).
// Returns EFORBIDDEN without audit.view.
func (d *DB) AuditPeople(ctx context.Context, a Actor, q string) ([]AuditPerson, error) {
	if err := a.require(PermAuditView); err != nil {
		return nil, err
	}
	like := likeContains(q)
	if !like.Valid {
		return []AuditPerson{}, nil
	}
	rows, err := d.rq.AuditPeople(ctx, sqlcdb.AuditPeopleParams{AccountID: a.AccountID, Q: like.String})
	if err != nil {
		return nil, err
	}
	out := make([]AuditPerson, len(rows))
	for i, r := range rows {
		out[i] = AuditPerson{Email: r.Email, FullName: r.FullName}
	}
	return out, nil
}

func parseID(s string) (int64, bool) {
	var id int64
	for _, r := range s {
		if r < '0' || r > '9' || id > 1e15 {
			return 0, false
		}
		id = id*10 + int64(r-'0')
	}
	return id, id > 0
}
