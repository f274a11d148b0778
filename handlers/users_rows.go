package handlers

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/i18n"
)

// userRow is one row of the user list as it shows: every text already
// worked out (translated, formatted, with its fallback), so that the
// row's template only places strings. Fifty rows of field chains, method
// calls and nested templates were most of the page's cost (BENCHMARKS.md,
// "Speed at 100,000 users").
type userRow struct {
	ID, Name, Email, Extension, RoleName, Position string
	Status, StatusLabel                            string
	Owner                                          bool
	// LastLogin is the time for machines, LastLoginTitle the date shown
	// on hover and LastLoginAgo the relative form ("5 min temu"); all
	// empty for a user who never signed in.
	LastLogin, LastLoginTitle, LastLoginAgo string
	SelectLabel, MenuLabel                  string // the checkbox's and the menu's names for screen readers
}

// userRowLabels are the texts every row shares, translated once per page.
type userRowLabels struct {
	Owner, Never, Open string
}

// userRows are the rows of the user list: each row's view worked out in
// Go, then rendered by the "users_row" template unless the same view was
// rendered before (fragments.go).
func (s *Server) userRows(c echo.Context, items []db.UserRow, away bool) ([]template.HTML, error) {
	tr, loc, now := s.tr(c), s.location(c), s.db.Now()
	labels := userRowLabels{Owner: tr.T("users.owner"), Never: tr.T("users.never_signed_in"), Open: tr.T("users.open")}
	// The per-row labels carry the user's e-mail: translated once with a
	// marker, filled in per row.
	const mark = "\x00"
	selectLabel, menuLabel := tr.T("users.select_one", "Name", mark), tr.T("users.menu_for", "Name", mark)
	statuses := map[string]string{}
	out := make([]template.HTML, len(items))
	for i, u := range items {
		label, ok := statuses[u.Status]
		if !ok {
			label = tr.T("status." + u.Status)
			statuses[u.Status] = label
		}
		r := userRow{ID: strconv.FormatInt(u.ID, 10), Name: u.FullName, Email: u.Email, Extension: u.Extension,
			RoleName: u.RoleName, Position: u.Position, Status: u.Status, StatusLabel: label, Owner: u.IsOwner,
			SelectLabel: strings.Replace(selectLabel, mark, u.Email, 1), MenuLabel: strings.Replace(menuLabel, mark, u.Email, 1)}
		if r.Name == "" {
			r.Name = u.Email
		}
		if t := u.LastLoginAt; t != nil {
			r.LastLogin = t.Format(time.RFC3339)
			r.LastLoginTitle, r.LastLoginAgo = tr.Time(*t, loc), tr.Ago(*t, now, loc)
		}
		html, err := s.fragments.render("users", "users_row", userRowKey{Row: r, L: labels, Away: away})
		if err != nil {
			return nil, err
		}
		out[i] = html
	}
	return out, nil
}

// userRowKey is everything one rendered row depends on.
type userRowKey struct {
	Row  userRow
	L    userRowLabels
	Away bool // the list shows another account than the acting one: read-only
}

// bulkView is what the bulk actions' choice shows: the actions the actor
// may take, each with its question in every plural form.
type bulkView struct {
	T                     i18n.Translator
	Block, Delete, Manage bool
}
