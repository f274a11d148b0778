package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/i18n"
)

// The access review (R-GOV-5): the owner's page and CSV of who can get in,
// and why, with the review's stamp and reminder.

type reviewPage struct {
	F          db.AccessReviewFilter
	Result     db.Page[db.AccessReviewRow]
	State      db.AccessReviewState
	ReviewedOn string
	RemindDays int
	Errors     map[string]string
	Error      string
}

func (reviewPage) nav() string { return "access_review" }

// List is the review's filter and page in its URL.
func (p reviewPage) List() list {
	return list{Path: "/access-review", Page: p.Result.Page, Pages: p.Result.Pages(),
		Filters: []string{"admins", strconv.FormatBool(p.F.AdminsOnly), "inactive_days", strconv.Itoa(p.F.InactiveDays)}}
}

// ExportURL is the CSV of the same filter.
func (p reviewPage) ExportURL() string {
	l := p.List()
	l.Path, l.Page = "/access-review/export.csv", 1
	return l.URL()
}

// InactiveChoices are the "inactive for N days" filter's choices.
func (p reviewPage) InactiveChoices() []int {
	return usersPage{F: db.UserFilter{InactiveDays: p.F.InactiveDays}}.InactiveChoices()
}

func (s *Server) reviewRender(c echo.Context, p reviewPage, err error) error {
	ctx, a := c.Request().Context(), actor(c)
	res, lerr := s.db.AccessReview(ctx, a, p.F)
	status := http.StatusOK
	if e := db.AsError(lerr); e != nil && e.Code == db.EINVALID {
		p.Errors, status = s.tr(c).Fields(e.Fields), http.StatusUnprocessableEntity
	} else if lerr != nil {
		return lerr
	}
	p.Result = res
	if p.State, lerr = s.db.GetAccessReviewState(ctx, a); lerr != nil {
		return lerr
	}
	if p.RemindDays == 0 && err == nil {
		p.RemindDays = p.State.RemindDays
	}
	if err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		if p.Errors == nil {
			p.Errors = map[string]string{}
		}
		for k, v := range r.Fields {
			p.Errors[k] = v
		}
		p.Error, status = r.Msg, r.Status
	}
	return s.render(c, status, "access-review", p)
}

// accessReview shows the review page.
func (s *Server) accessReview(c echo.Context) error {
	var p reviewPage
	if err := bindQuery(c, &p.F); err != nil {
		return err
	}
	p.ReviewedOn = s.tr(c).DateInput(s.db.Now().In(s.location(c)))
	return s.reviewRender(c, p, nil)
}

// accessReviewExport downloads the filtered review as CSV, in the reader's
// language.
func (s *Server) accessReviewExport(c echo.Context) error {
	var f db.AccessReviewFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	tr, loc := s.tr(c), s.location(c)
	header := []string{tr.T("review.col.account"), tr.T("review.col.name"), tr.T("review.col.email"),
		tr.T("review.col.status"), tr.T("review.col.role"), tr.T("review.col.permissions"), tr.T("review.col.position"),
		tr.T("review.col.sub_accounts"), tr.T("review.col.second_factor"), tr.T("review.col.last_login")}
	w := &lazyCSV{c: c, name: fmt.Sprintf("access-review-%s.csv", s.db.Now().In(loc).Format(time.DateOnly))}
	err := s.db.ExportAccessReview(c.Request().Context(), actor(c), f, w, header, func(r db.AccessReviewRow) []string {
		perms := strings.Join(r.Permissions, " ")
		if r.AllPermissions {
			perms = tr.T("review.all_permissions")
		}
		var parts []string
		for _, x := range r.SubAccounts {
			if x.EndsAt != nil {
				parts = append(parts, tr.T("review.access_until", "Name", x.Name, "Date", tr.Day(x.Last(), loc)))
			} else {
				parts = append(parts, x.Name)
			}
		}
		subs := strings.Join(parts, "; ")
		if r.IsOwner {
			subs = tr.T("review.every_account")
		}
		mfa, last := tr.T("review.no"), ""
		if r.SecondFactor {
			mfa = tr.T("review.yes")
		}
		if r.LastLoginAt != nil {
			last = r.LastLoginAt.In(loc).Format("2006-01-02 15:04")
		}
		return []string{r.AccountName, r.FullName, r.Email, tr.T("status." + r.Status), r.Role, perms, r.Position,
			subs, mfa, last}
	})
	return w.done(s, err)
}

type reviewStampForm struct {
	ReviewedOn string `form:"reviewed_on"`
}

// accessReviewDone stamps the review with a day (today by default).
func (s *Server) accessReviewDone(c echo.Context) error {
	var f reviewStampForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	var day time.Time
	var err error
	if strings.TrimSpace(f.ReviewedOn) != "" {
		t, ok := i18n.ParseDate(f.ReviewedOn, s.location(c))
		if !ok {
			var v db.ValidationError
			v.Add("reviewed_on", db.M("error.date"))
			err = v.Err()
		}
		day = t
	}
	if err == nil {
		err = s.db.StampAccessReview(c.Request().Context(), actor(c), day)
	}
	if err != nil {
		return s.reviewRender(c, reviewPage{ReviewedOn: f.ReviewedOn}, err)
	}
	s.flash(c, "review.stamped")
	return c.Redirect(http.StatusSeeOther, "/access-review")
}

type reviewReminderForm struct {
	RemindDays int `form:"remind_days"`
}

// accessReviewReminder sets after how many days the dashboard reminds the
// owner of the review.
func (s *Server) accessReviewReminder(c echo.Context) error {
	var f reviewReminderForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if err := s.db.SetAccessReviewReminder(c.Request().Context(), actor(c), f.RemindDays); err != nil {
		return s.reviewRender(c, reviewPage{RemindDays: f.RemindDays}, err)
	}
	s.flash(c, "settings.saved")
	return c.Redirect(http.StatusSeeOther, "/access-review")
}

// accessReviewReminderFragment is the dashboard's reminder, loaded with
// htmx: a note for the owner when the review is due, nothing otherwise.
func (s *Server) accessReviewReminderFragment(c echo.Context) error {
	st, err := s.db.GetAccessReviewState(c.Request().Context(), actor(c))
	if db.ErrorCode(err) == db.EFORBIDDEN || (err == nil && !st.Due) {
		return c.NoContent(http.StatusOK)
	} else if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "access-review#reminder", reviewPage{State: st})
}
