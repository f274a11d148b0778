package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// The Numbers section has two lists of the same shape (R-SIP-5): phone
// numbers for caller ID at /numbers and SMS senders at /numbers/senders.
// numberKind says which one a handler serves.
type numberKind struct {
	Key   string // "numbers" or "senders": i18n prefix and tab
	Base  string // the list's path
	Field string // the value's form field: "number" or "sender"
	Sorts []string
}

var (
	phoneNumbersKind = numberKind{Key: "numbers", Base: "/numbers", Field: "number", Sorts: db.NumberSorts}
	smsSendersKind   = numberKind{Key: "senders", Base: "/numbers/senders", Field: "sender", Sorts: db.SenderSorts}
)

// numberRow is a phone number or an SMS sender.
type numberRow struct {
	ID        int64
	Value     string
	Label     string
	UserCount int
}

// numberForm is the create and edit form of both lists.
type numberForm struct {
	Number string `form:"number"`
	Sender string `form:"sender"`
	Label  string `form:"label"`
}

func (f numberForm) value(k numberKind) string {
	if k.Field == "sender" {
		return f.Sender
	}
	return f.Number
}

// numberOps calls the db functions of one kind, so that both lists share
// their handlers and template.
type numberOps struct {
	search func(ctx context.Context, a db.Actor, f db.NumberFilter) (db.Page[numberRow], error)
	get    func(ctx context.Context, a db.Actor, id int64) (numberRow, error)
	save   func(ctx context.Context, a db.Actor, id int64, f numberForm) (numberRow, error)
	remove func(ctx context.Context, a db.Actor, id int64) (numberRow, error)
}

func fromNumber(n db.PhoneNumber) numberRow {
	return numberRow{ID: n.ID, Value: n.Number, Label: n.Label, UserCount: n.UserCount}
}

func fromSender(s db.SMSSender) numberRow {
	return numberRow{ID: s.ID, Value: s.Sender, Label: s.Label, UserCount: s.UserCount}
}

func rows[T any](p db.Page[T], conv func(T) numberRow) db.Page[numberRow] {
	out := db.Page[numberRow]{Items: make([]numberRow, len(p.Items)), Total: p.Total, Page: p.Page, PerPage: p.PerPage}
	for i, x := range p.Items {
		out.Items[i] = conv(x)
	}
	return out
}

func (s *Server) numberOps(k numberKind) numberOps {
	if k.Key == "senders" {
		return numberOps{
			search: func(ctx context.Context, a db.Actor, f db.NumberFilter) (db.Page[numberRow], error) {
				p, err := s.db.SearchSMSSenders(ctx, a, f)
				return rows(p, fromSender), err
			},
			get: func(ctx context.Context, a db.Actor, id int64) (numberRow, error) {
				x, err := s.db.GetSMSSender(ctx, a, id)
				return fromSender(x), err
			},
			save: func(ctx context.Context, a db.Actor, id int64, f numberForm) (numberRow, error) {
				in := db.SenderInput{Sender: f.Sender, Label: f.Label}
				if id == 0 {
					x, err := s.db.CreateSMSSender(ctx, a, in)
					return fromSender(x), err
				}
				x, err := s.db.UpdateSMSSender(ctx, a, id, in)
				return fromSender(x), err
			},
			remove: func(ctx context.Context, a db.Actor, id int64) (numberRow, error) {
				x, err := s.db.DeleteSMSSender(ctx, a, id)
				return fromSender(x), err
			},
		}
	}
	return numberOps{
		search: func(ctx context.Context, a db.Actor, f db.NumberFilter) (db.Page[numberRow], error) {
			p, err := s.db.SearchPhoneNumbers(ctx, a, f)
			return rows(p, fromNumber), err
		},
		get: func(ctx context.Context, a db.Actor, id int64) (numberRow, error) {
			x, err := s.db.GetPhoneNumber(ctx, a, id)
			return fromNumber(x), err
		},
		save: func(ctx context.Context, a db.Actor, id int64, f numberForm) (numberRow, error) {
			in := db.NumberInput{Number: f.Number, Label: f.Label}
			if id == 0 {
				x, err := s.db.CreatePhoneNumber(ctx, a, in)
				return fromNumber(x), err
			}
			x, err := s.db.UpdatePhoneNumber(ctx, a, id, in)
			return fromNumber(x), err
		},
		remove: func(ctx context.Context, a db.Actor, id int64) (numberRow, error) {
			x, err := s.db.DeletePhoneNumber(ctx, a, id)
			return fromNumber(x), err
		},
	}
}

// numbersPage is one of the two lists with its add form.
type numbersPage struct {
	Kind      numberKind
	F         db.NumberFilter
	Result    db.Page[numberRow]
	Form      numberForm
	Errors    map[string]string
	FormError string
	Error     string // a refused delete
}

func (numbersPage) nav() string { return "numbers" }

// FormValue is the value typed in the add form.
func (p numbersPage) FormValue() string { return p.Form.value(p.Kind) }

func (p numbersPage) query(over map[string]string) string {
	v := url.Values{}
	if p.F.Q != "" {
		v.Set("q", p.F.Q)
	}
	if p.F.Sort != "" {
		v.Set("sort", p.F.Sort)
	}
	if p.F.Page > 1 {
		v.Set("page", strconv.Itoa(p.F.Page))
	}
	for k, s := range over {
		if s == "" {
			v.Del(k)
		} else {
			v.Set(k, s)
		}
	}
	if len(v) == 0 {
		return p.Kind.Base
	}
	return p.Kind.Base + "?" + v.Encode()
}

// Here is the list as shown, for returning to it after an action.
func (p numbersPage) Here() string { return p.query(nil) }

// SortURL sorts by key, toggling the direction when already sorted by it.
func (p numbersPage) SortURL(key string) string {
	return p.query(map[string]string{"sort": toggleSort(p.F.Sort, key, p.Kind.Field), "page": ""})
}

// SortMark is the aria-sort value of a column ("" when not sorted by it).
func (p numbersPage) SortMark(key string) string { return sortMark(p.F.Sort, key, p.Kind.Field) }

// Pager links the pages of the list.
func (p numbersPage) Pager() pager {
	return newPager(p.Result.Page, p.Result.Pages(), func(n int) string {
		return p.query(map[string]string{"page": strconv.Itoa(n)})
	})
}

func (s *Server) numbersPageFor(c echo.Context, k numberKind, p numbersPage) (numbersPage, error) {
	p.Kind = k
	var err error
	p.Result, err = s.numberOps(k).search(c.Request().Context(), actor(c), p.F)
	return p, err
}

func (s *Server) numbersList(k numberKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		var f db.NumberFilter
		if err := (&echo.DefaultBinder{}).BindQueryParams(c, &f); err != nil {
			return db.Errorf(db.EINVALID, "error.bad_request")
		}
		p, err := s.numbersPageFor(c, k, numbersPage{F: f})
		if err != nil {
			return err
		}
		if c.Request().Header.Get("HX-Request") == "true" {
			return s.render(c, http.StatusOK, "numbers#results", p)
		}
		return s.render(c, http.StatusOK, "numbers", p)
	}
}

func (s *Server) numbersCreate(k numberKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in numberForm
		if err := bindForm(c, &in); err != nil {
			return err
		}
		row, err := s.numberOps(k).save(c.Request().Context(), actor(c), 0, in)
		if err != nil {
			r, ok := s.formError(c, err)
			fields, msg, status := r.Fields, r.Msg, r.Status
			if !ok {
				return err
			}
			p, perr := s.numbersPageFor(c, k, numbersPage{Form: in, Errors: fields, FormError: msg})
			if perr != nil {
				return perr
			}
			return s.render(c, status, "numbers", p)
		}
		s.flash(c, "numbers.created", "Number", row.Value)
		return c.Redirect(http.StatusSeeOther, k.Base)
	}
}

// numberEditPage edits one number or sender.
type numberEditPage struct {
	Kind   numberKind
	Row    numberRow
	Form   numberForm
	Errors map[string]string
	Error  string
}

func (numberEditPage) nav() string { return "numbers" }

// FormValue is the value in the form.
func (p numberEditPage) FormValue() string { return p.Form.value(p.Kind) }

func formOf(k numberKind, r numberRow) numberForm {
	if k.Field == "sender" {
		return numberForm{Sender: r.Value, Label: r.Label}
	}
	return numberForm{Number: r.Value, Label: r.Label}
}

func (s *Server) numbersEdit(k numberKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		row, err := s.numberOps(k).get(c.Request().Context(), actor(c), id)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, "number-edit", numberEditPage{Kind: k, Row: row, Form: formOf(k, row)})
	}
}

func (s *Server) numbersUpdate(k numberKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var in numberForm
		if err := bindForm(c, &in); err != nil {
			return err
		}
		ctx, a := c.Request().Context(), actor(c)
		row, err := s.numberOps(k).save(ctx, a, id, in)
		if err != nil {
			r, ok := s.formError(c, err)
			fields, msg, status := r.Fields, r.Msg, r.Status
			if !ok {
				return err
			}
			cur, gerr := s.numberOps(k).get(ctx, a, id)
			if gerr != nil {
				return gerr
			}
			return s.render(c, status, "number-edit", numberEditPage{Kind: k, Row: cur, Form: in, Errors: fields, Error: msg})
		}
		s.flash(c, "numbers.updated", "Number", row.Value)
		return c.Redirect(http.StatusSeeOther, k.Base)
	}
}

func (s *Server) numbersDelete(k numberKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		row, err := s.numberOps(k).remove(c.Request().Context(), actor(c), id)
		if err != nil {
			r, ok := s.formError(c, err)
			msg, status := r.Msg, r.Status
			if !ok {
				return err
			}
			p, perr := s.numbersPageFor(c, k, numbersPage{Error: msg})
			if perr != nil {
				return perr
			}
			return s.render(c, status, "numbers", p)
		}
		s.flash(c, "numbers.deleted", "Number", row.Value)
		back := localPath(c.FormValue("back"))
		if back != k.Base && !strings.HasPrefix(back, k.Base+"?") {
			back = k.Base
		}
		return c.Redirect(http.StatusSeeOther, back)
	}
}
