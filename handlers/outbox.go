package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// outboxPage is /outbox: the owner's view of the mail kadra wrote, sent or
// not, and where it goes.
type outboxPage struct {
	Q        db.OutboxQuery
	Result   db.OutboxPage
	Delivery string // how mail leaves: the SMTP server, or "" for none
}

func (outboxPage) nav() string { return "settings" }

// Pager links the pages of the search.
func (p outboxPage) Pager() pager {
	r := p.Result.Page
	return newPager(r.Page, r.Pages(), func(n int) string { return p.url(p.Q.Status, n) })
}

// StatusURL is the list filtered by status, the search kept.
func (p outboxPage) StatusURL(status string) string { return p.url(status, 1) }

// SortURL is the list in the other order, the search and filter kept.
func (p outboxPage) SortURL() string {
	q := p.Q
	q.Sort = "oldest"
	if p.Q.Sort == "oldest" {
		q.Sort = ""
	}
	return outboxPage{Q: q}.url(q.Status, 1)
}

func (p outboxPage) url(status string, page int) string {
	v := url.Values{}
	if p.Q.Q != "" {
		v.Set("q", p.Q.Q)
	}
	if status != "" {
		v.Set("status", status)
	}
	if p.Q.Sort == "oldest" {
		v.Set("sort", "oldest")
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/outbox"
	}
	return "/outbox?" + v.Encode()
}

func (s *Server) outboxList(c echo.Context) error {
	var q db.OutboxQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	res, err := s.db.ListOutbox(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	p := outboxPage{Q: q, Result: res, Delivery: s.mailDelivery}
	if c.Request().Header.Get("HX-Request") == "true" {
		return s.render(c, http.StatusOK, "outbox#results", p)
	}
	return s.render(c, http.StatusOK, "outbox", p)
}

type outboxMailPage struct {
	Mail     db.OutboxMail
	Delivery string
}

func (outboxMailPage) nav() string { return "settings" }

func (s *Server) outboxShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	m, err := s.db.GetOutboxMail(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "outbox-mail", outboxMailPage{Mail: m, Delivery: s.mailDelivery})
}

// outboxRetry asks the sender to try a failed message again now.
func (s *Server) outboxRetry(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.db.RetryMail(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	s.flash(c, "outbox.retry_queued")
	return c.Redirect(http.StatusSeeOther, "/outbox/"+strconv.FormatInt(id, 10))
}
