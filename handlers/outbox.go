package handlers

import (
	"net"
	"net/http"
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

func (outboxPage) nav() string { return "outbox" }

// List is the search's state in its URL. Its one sort is "oldest" first;
// by default the newest come first.
func (p outboxPage) List() list {
	r := p.Result.Page
	return list{Path: "/outbox", Sort: p.Q.Sort, Page: r.Page, Pages: r.Pages(),
		Filters: []string{"q", p.Q.Q, "status", p.Q.Status}}
}

// StatusURL is the list filtered by status, the search kept.
func (p outboxPage) StatusURL(status string) string {
	return p.List().URL("status", status, "page", "")
}

// SortURL is the list in the other order, the search and filter kept.
func (p outboxPage) SortURL() string {
	if p.Q.Sort == "oldest" {
		return p.List().URL("sort", "", "page", "")
	}
	return p.List().URL("sort", "oldest", "page", "")
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
	p := outboxPage{Q: q, Result: res, Delivery: s.mailServer(c)}
	if c.Request().Header.Get("HX-Request") == "true" {
		return s.render(c, http.StatusOK, "outbox#results", p)
	}
	return s.render(c, http.StatusOK, "outbox", p)
}

type outboxMailPage struct {
	Mail     db.OutboxMail
	Delivery string
}

func (outboxMailPage) nav() string { return "outbox" }

func (s *Server) outboxShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	m, err := s.db.GetOutboxMail(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "outbox-mail", outboxMailPage{Mail: m, Delivery: s.mailServer(c)})
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

// mailServer describes, without its password, the SMTP server mail leaves
// through, for the owner's outbox pages: --smtp-url, else the one of
// Settings → Poczta; "" when there is none and mail waits here.
func (s *Server) mailServer(c echo.Context) string {
	setup, err := s.db.MailSetup(c.Request().Context(), actor(c))
	switch {
	case err != nil:
		return ""
	case setup.Override != "":
		return setup.Override
	case setup.Configured():
		who := ""
		if setup.User != "" {
			who = setup.User + "@"
		}
		return who + net.JoinHostPort(setup.Host, strconv.Itoa(setup.Port))
	}
	return ""
}
