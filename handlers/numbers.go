package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// The Numbers section has two lists of the same shape (R-SIP-5): phone
// numbers for caller ID at /numbers and SMS senders at /numbers/senders.
// numberTab says which one a handler serves.

// numberForm reads the create and edit form of the tab's kind.
func numberForm(c echo.Context, k numberTab) db.PresentationInput {
	return db.PresentationInput{Kind: k.PresentationKind, Value: c.FormValue(k.Field), Label: c.FormValue("label")}
}

// numbersPage is one of the two lists with its add form.
type numbersPage struct {
	Kind      numberTab
	F         db.NumberFilter
	Result    db.Page[db.Presentation]
	Form      db.PresentationInput
	Errors    map[string]string
	FormError string
	Error     string // a refused delete
}

func (numbersPage) nav() string { return "numbers" }

// List is the list's state in its URL.
func (p numbersPage) List() list {
	return list{Path: p.Kind.Base, Sort: p.F.Sort, DefaultSort: p.Kind.Field, Page: p.Result.Page,
		Pages: p.Result.Pages(), Filters: []string{"q", p.F.Q}}
}

func (s *Server) numbersPageFor(c echo.Context, k numberTab, p numbersPage) (numbersPage, error) {
	p.Kind = k
	var err error
	p.Result, err = s.db.SearchPresentations(c.Request().Context(), actor(c), k.PresentationKind, p.F)
	return p, err
}

func (s *Server) numbersList(k numberTab) echo.HandlerFunc {
	return func(c echo.Context) error {
		var f db.NumberFilter
		if err := bindQuery(c, &f); err != nil {
			return err
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

func (s *Server) numbersCreate(k numberTab) echo.HandlerFunc {
	return func(c echo.Context) error {
		in := numberForm(c, k)
		row, err := s.db.CreatePresentation(c.Request().Context(), actor(c), k.PresentationKind, in)
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
	Kind   numberTab
	Row    db.Presentation
	Form   db.PresentationInput
	Errors map[string]string
	Error  string
}

func (numberEditPage) nav() string { return "numbers" }

func (s *Server) numbersEdit(k numberTab) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		row, err := s.db.GetPresentation(c.Request().Context(), actor(c), k.PresentationKind, id)
		if err != nil {
			return err
		}
		form := db.PresentationInput{Kind: k.PresentationKind, Value: row.Value, Label: row.Label}
		return s.render(c, http.StatusOK, "number-edit", numberEditPage{Kind: k, Row: row, Form: form})
	}
}

func (s *Server) numbersUpdate(k numberTab) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		in := numberForm(c, k)
		ctx, a := c.Request().Context(), actor(c)
		row, err := s.db.UpdatePresentation(ctx, a, k.PresentationKind, id, in)
		if err != nil {
			r, ok := s.formError(c, err)
			fields, msg, status := r.Fields, r.Msg, r.Status
			if !ok {
				return err
			}
			cur, gerr := s.db.GetPresentation(ctx, a, k.PresentationKind, id)
			if gerr != nil {
				return gerr
			}
			return s.render(c, status, "number-edit", numberEditPage{Kind: k, Row: cur, Form: in, Errors: fields, Error: msg})
		}
		s.flash(c, "numbers.updated", "Number", row.Value)
		return c.Redirect(http.StatusSeeOther, k.Base)
	}
}

func (s *Server) numbersDelete(k numberTab) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		row, err := s.db.DeletePresentation(c.Request().Context(), actor(c), k.PresentationKind, id)
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
		return c.Redirect(http.StatusSeeOther, backToList(c, k.Base))
	}
}
