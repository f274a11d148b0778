package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// UserFilter is the user list's search, filters, sort and page (R-USER-16).
// Field names are the list's query parameters.
type UserFilter struct {
	Q       string `query:"q" json:"q"`
	Status  string `query:"status" json:"status"`
	RoleID  int64  `query:"role_id" json:"role_id"`
	GroupID int64  `query:"group_id" json:"group_id"` // a group or position, with its subgroups
	// AccountID lists another account the actor may enter (R-ACC-4); zero
	// means the account acted in.
	AccountID int64  `query:"account_id" json:"account_id"`
	Sort      string `query:"sort" json:"sort"` // a key of userSorts, "-" first for descending
	Page      int    `query:"page" json:"page"`
	PerPage   int    `query:"per_page" json:"per_page"`

	// InactiveDays lists users who have not signed in for that many days;
	// a user who never signed in counts from their creation (R-GOV-1).
	InactiveDays int `query:"inactive_days" json:"inactive_days"`
}

// UserRow is a user as the list shows it.
type UserRow struct {
	User
	Extension string `json:"extension"`
	RoleName  string `json:"role_name"`
	Position  string `json:"position"`
}

// userSorts are the sortable columns; each sort ends with u.id so that pages
// never overlap.
var userSorts = map[string]string{
	"name":       "u.full_name COLLATE NOCASE",
	"email":      "u.email COLLATE NOCASE",
	"extension":  "s.extension",
	"role":       "r.name COLLATE NOCASE",
	"position":   "p.name COLLATE NOCASE",
	"status":     "u.status",
	"last_login": "u.last_login_at",
}

// UserSortKeys lists the sortable columns, for the API's documentation.
func UserSortKeys() []string {
	return []string{"name", "email", "extension", "role", "position", "status", "last_login"}
}

// countCap bounds how many matches a list counts: beyond it the list says
// "more than N" instead of paying for an exact count on every keystroke.
const countCap = 1000

// ListUsers returns a page of the acting account's users. Search looks in
// name, e-mail and work phone through a trigram index (3+ characters; fewer
// match as a prefix) and in extensions by prefix; two or more words of
// letters look for names whose words begin so (nameWords). Needs
// users.view.
func (d *DB) ListUsers(ctx context.Context, a Actor, f UserFilter) (Page[UserRow], error) {
	if err := a.require(PermUsersView); err != nil {
		return Page[UserRow]{}, err
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	if f.AccountID != 0 && f.AccountID != a.AccountID {
		var err error
		if a, err = d.ActorIn(ctx, a, f.AccountID); err != nil {
			return Page[UserRow]{}, err
		}
	}
	uq, err := userListQuery(a, f, d.now())
	if err != nil {
		return Page[UserRow]{}, err
	}
	with, from, args, order, desc := uq.with, uq.from, uq.args, uq.order, uq.desc
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	// A search counts its matches in the same pass (a window over the few
	// rows it drives from); a plain list counts up to countCap separately.
	cols := `u.id, u.account_id, u.email, u.notify_email, u.full_name, u.work_phone, u.status,
		u.role_id, u.position_id, u.sip_account_id, u.call_number_id, u.sms_sender_id, u.is_owner,
		u.last_login_at, u.created_at, coalesce(s.extension, ''), r.name, r.builtin, coalesce(p.name, ''),
		coalesce(p.builtin, ''), `
	if uq.searched {
		cols += "count(*) OVER ()"
	} else {
		cols += "0"
	}
	query := with + "SELECT " + cols + from + " ORDER BY " + order + dir + ", u.id" + dir + " LIMIT ? OFFSET ?"
	rows, err := d.queryRead(ctx, query, append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return Page[UserRow]{}, err
	}
	defer rows.Close()
	out := Page[UserRow]{Items: []UserRow{}, Page: f.Page, PerPage: f.PerPage}
	total := -1
	for rows.Next() {
		var r UserRow
		var pos, sip, call, sms, last sql.NullInt64
		var owner, created int64
		var matches int
		var roleKey, positionKey string
		if err := rows.Scan(&r.ID, &r.AccountID, &r.Email, &r.NotifyEmail, &r.FullName, &r.WorkPhone,
			&r.Status, &r.RoleID, &pos, &sip, &call, &sms, &owner, &last, &created,
			&r.Extension, &r.RoleName, &roleKey, &r.Position, &positionKey, &matches); err != nil {
			return Page[UserRow]{}, err
		}
		r.RoleName = d.names.roleName(a.Lang, r.RoleName, roleKey)
		r.Position = d.names.groupName(a.Lang, r.Position, positionKey)
		r.PositionID, r.SIPAccountID, r.CallNumberID, r.SMSSenderID = pos.Int64, sip.Int64, call.Int64, sms.Int64
		r.IsOwner, r.CreatedAt, r.LastLoginAt = owner == 1, unixTime(created), unixTimePtr(last)
		if uq.searched {
			total = matches
		}
		out.Items = append(out.Items, r)
	}
	if err := rows.Err(); err != nil {
		return Page[UserRow]{}, err
	}
	if total < 0 && (!uq.searched || f.Page > 1) {
		if err := d.queryRowRead(ctx, with+"SELECT count(*) FROM (SELECT 1"+from+
			fmt.Sprintf(" LIMIT %d)", countCap+1), args...).Scan(&total); err != nil {
			return Page[UserRow]{}, err
		}
		out.TotalCapped = total > countCap
		total = min(total, countCap)
	}
	out.Total = max(total, 0)
	return out, nil
}

// userQuery is the user list's filter and sort as SQL fragments, shared
// by the list and the CSV export: a WITH clause, FROM ... WHERE, their
// arguments and the ORDER BY column.
type userQuery struct {
	with, from, order string
	args              []any
	desc              bool
	searched          bool // driven from the matches of a search
}

// userListQuery composes the list's query from fixed fragments (sqlc cannot
// vary ORDER BY or leave out filters); every value is a placeholder.
// Returns EINVALID for an unknown status or sort, or a search too long.
func userListQuery(a Actor, f UserFilter, now time.Time) (userQuery, error) {
	var v ValidationError
	if f.Status != "" && !validStatus(f.Status) {
		v.Add("status", M("user.status_unknown"))
	}
	key, desc := strings.TrimPrefix(f.Sort, "-"), strings.HasPrefix(f.Sort, "-")
	if key == "" {
		key = "name"
	}
	order, ok := userSorts[key]
	if !ok {
		v.Add("sort", M("error.sort_unknown"))
	}
	if f.InactiveDays < 0 || f.InactiveDays > 36500 {
		v.Add("inactive_days", M("dormancy.days.range", "Max", 36500))
	}
	if utf8.RuneCountInString(f.Q) > 100 {
		v.Add("q", M("error.too_long", "Max", 100))
	}
	if err := v.Err(); err != nil {
		return userQuery{}, err
	}
	// Common table expressions first, then the filters; each list keeps its
	// arguments in the order of its placeholders.
	var ctes, where []string
	var cteArgs, whereArgs []any
	where, whereArgs = append(where, "u.account_id = ?"), append(whereArgs, a.AccountID)
	if f.Status != "" {
		where, whereArgs = append(where, "u.status = ?"), append(whereArgs, f.Status)
	}
	if f.InactiveDays > 0 { // R-GOV-1
		where = append(where, "coalesce(u.last_login_at, u.created_at) <= ?")
		whereArgs = append(whereArgs, now.Add(-time.Duration(f.InactiveDays)*day).Unix())
	}
	if f.RoleID != 0 {
		where, whereArgs = append(where, "u.role_id = ?"), append(whereArgs, f.RoleID)
	}
	if f.GroupID != 0 {
		ctes = append(ctes, `sub AS (
			SELECT id FROM groups WHERE id = ? AND account_id = ?
			UNION ALL SELECT g.id FROM groups g JOIN sub ON g.parent_id = sub.id)`)
		cteArgs = append(cteArgs, f.GroupID, a.AccountID)
		where = append(where, "(u.position_id IN (SELECT id FROM sub) OR u.id IN "+
			"(SELECT gm.user_id FROM group_members gm WHERE gm.group_id IN (SELECT id FROM sub)))")
	}
	from, searched := " FROM users u", false
	if q := searchTerm(f.Q); q != "" {
		prefix := likePrefix(q)
		if words := nameWords(q); words != "" {
			// Two or more words of letters: a name, found by its words'
			// beginnings in the word index (issue 15: 8 to 30 times faster
			// than the trigram phrase, which must read the long lists of
			// trigrams such as "ann" and "ska").
			ctes = append(ctes, `matched AS (SELECT rowid AS id FROM users_words WHERE users_words MATCH ?)`)
			cteArgs = append(cteArgs, words)
			from = " FROM matched m CROSS JOIN users u ON u.id = m.id"
			searched = true
		} else if utf8.RuneCountInString(q) >= 3 {
			// Drive the query from the matches (trigram index, extension
			// prefix) instead of testing every user against them.
			ctes = append(ctes, `matched AS (
				SELECT rowid AS id FROM users_fts WHERE users_fts MATCH ?
				UNION SELECT mu.id FROM users mu JOIN sip_accounts ms ON ms.id = mu.sip_account_id
				WHERE ms.account_id = ? AND ms.extension LIKE ? ESCAPE '!')`)
			cteArgs = append(cteArgs, ftsPhrase(q), a.AccountID, prefix)
			// CROSS JOIN keeps the matches as the outer loop (SQLite does not
			// reorder it), so each match costs one lookup by primary key.
			from = " FROM matched m CROSS JOIN users u ON u.id = m.id"
			searched = true
		} else {
			where = append(where, "((u.full_name LIKE ? ESCAPE '!') OR (u.email LIKE ? ESCAPE '!') OR (u.work_phone LIKE ? ESCAPE '!') OR (s.extension LIKE ? ESCAPE '!'))")
			whereArgs = append(whereArgs, prefix, prefix, prefix, prefix)
		}
	}
	with := ""
	if len(ctes) > 0 {
		with = "WITH RECURSIVE " + strings.Join(ctes, ", ") + " "
	}
	// LEFT JOINs throughout (every user has a role: role_id is NOT NULL and
	// a foreign key, so no row changes): SQLite drops a LEFT JOIN by
	// primary key that nothing reads, so the capped count walks users
	// alone (at 100,000 users, 1.6 ms -> 0.15 ms with the roles joined).
	from += `
		LEFT JOIN roles r ON r.id = u.role_id
		LEFT JOIN sip_accounts s ON s.id = u.sip_account_id
		LEFT JOIN groups p ON p.id = u.position_id
		WHERE ` + strings.Join(where, " AND ")
	args := append(cteArgs, whereArgs...)
	return userQuery{with: with, from: from, order: order, args: args, desc: desc, searched: searched}, nil
}

func validStatus(s string) bool {
	switch s {
	case StatusInvited, StatusActive, StatusBlocked, StatusInactive:
		return true
	}
	return false
}

// ftsPhrase quotes a search as one FTS5 phrase, so that its characters are
// matched literally (operators such as AND, * or NEAR included); it is the
// one place an FTS5 query is built. Control characters are dropped first:
// FTS5 reads a NUL as the end of the query and refuses it as an
// unterminated string.
func ftsPhrase(q string) string {
	return `"` + strings.ReplaceAll(searchTerm(q), `"`, `""`) + `"`
}

// nameWords is the word index's query for a search of two or more words
// made of letters alone ("Anna Kowalczyk", "kowal an"): every word must
// begin a word of the name, in any order. Anything else ("" returned) is
// searched in the trigram index: one word, e-mails, numbers.
func nameWords(q string) string {
	words := strings.Fields(q)
	if len(words) < 2 {
		return ""
	}
	for i, w := range words {
		for _, r := range w {
			if !unicode.IsLetter(r) {
				return ""
			}
		}
		words[i] = `"` + w + `"*`
	}
	return strings.Join(words, " AND ")
}

// searchTerm is what a list searches for: the typed text without control
// characters (no name or e-mail holds one), invalid UTF-8, or surrounding
// space.
func searchTerm(q string) string {
	q = strings.ToValidUTF8(q, "")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, q))
}

// likePrefix matches values starting with q (with ESCAPE '!').
func likePrefix(q string) string {
	return likeEscaper.Replace(q) + "%"
}
