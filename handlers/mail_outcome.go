package handlers

import (
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// mailFlashWait bounds how long a page waits for the sender's first
// attempt at a mail it caused, so that its message can say "sent" or
// "failed" rather than "on its way". A working server answers in
// milliseconds; an unreachable one takes the sender's whole timeout.
const mailFlashWait = 3 * time.Second

// mailOutcome says truthfully what became of a queued mail (R-MAIL-1):
// "E-mail aktywacyjny do X: wysłano.", "...: czeka w skrzynce nadawczej
// (brak serwera SMTP).", "...: błąd wysyłki, ponowię o 14:35." or, when
// the server has not answered yet, "...: przekazano do wysyłki.".
func (s *Server) mailOutcome(c echo.Context, q db.QueuedMail) db.Msg {
	outcome := db.M("mail.outcome.outbox")
	if q.Delivery == db.MailViaSMTP {
		outcome = db.M("mail.outcome.sending")
		st, err := s.db.AwaitMail(c.Request().Context(), actor(c), q.ID, mailFlashWait)
		switch {
		case err != nil:
		case st.Status == db.MailSent:
			outcome = db.M("mail.outcome.sent")
		case st.Status == db.MailFailed:
			outcome = db.M("mail.outcome.failed", "At", clock(st.RetryAt, s.location(c)))
		}
	}
	return db.M("mail.flash", "What", db.M("mail.kind."+q.Kind, "To", q.To), "Outcome", outcome)
}

// clock is a time of day for a message, e.g. "14:35", in the viewer's
// zone (R-I18N-2).
func clock(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("15:04")
}
