package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"kadra/db/dbtest"
)

// Without SMTP, mail waits in the outbox, where the owner reads it:
// searchable, filtered by status, paged, each message opened whole, and a
// failed one retried at once.
func TestOutboxPage(t *testing.T) {
	ctx := context.Background()
	a := newSetupApp(t)
	owner := dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
	staffUser := dbtest.AddUser(t, a.db, owner, "staff@example.pl")
	inviteUser(t, a.db, owner, "first@example.pl", "")
	inviteUser(t, a.db, owner, "second@example.pl", "")
	oc := a.ownerClient()

	r := oc.get("/outbox")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "No SMTP server is set up") ||
		!strings.Contains(r.Body, "first@example.pl") || !strings.Contains(r.Body, "second@example.pl") {
		t.Fatalf("%d\n%s", r.Status, r.Body)
	}
	if r := oc.get("/settings"); !strings.Contains(r.Body, `href="/outbox"`) {
		t.Fatal("no link from Settings")
	}

	t.Run("Search", func(t *testing.T) {
		r := oc.get("/outbox?q=SECOND")
		if !strings.Contains(r.Body, "second@example.pl") || strings.Contains(r.Body, "first@example.pl") ||
			!strings.Contains(r.Body, `name="q" type="search" value="SECOND"`) {
			t.Fatalf("%s", r.Body)
		}
	})
	m := lastMailTo(t, a.db, owner, "first@example.pl")
	id := strconv.FormatInt(m.ID, 10)

	t.Run("ReadOne", func(t *testing.T) {
		r := oc.get("/outbox/" + id)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, linkPath(t, m.Body)) ||
			strings.Contains(r.Body, "Retry now") {
			t.Fatalf("%d\n%s", r.Status, r.Body)
		}
	})
	t.Run("FailedAndRetry", func(t *testing.T) {
		if err := a.db.MarkMailFailed(ctx, m.ID, "451 4.3.0 mailbox busy", time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		r := oc.get("/outbox?status=failed")
		if !strings.Contains(r.Body, "451 4.3.0 mailbox busy") || !strings.Contains(r.Body, "1 attempt") ||
			strings.Contains(r.Body, "second@example.pl") {
			t.Fatalf("%s", r.Body)
		}
		r = oc.get("/outbox/" + id)
		if !strings.Contains(r.Body, "Retry now") {
			t.Fatal("no retry button")
		}
		r = oc.post("/outbox/"+id+"/retry", nil)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/outbox/"+id {
			t.Fatalf("%d", r.Status)
		}
		if r := oc.get("/outbox/" + id); !strings.Contains(r.Body, "sent again in a moment") || !strings.Contains(r.Body, "Waiting") {
			t.Fatalf("%s", r.Body)
		}
		if r := oc.post("/outbox/"+id+"/retry", nil); r.Status != http.StatusConflict {
			t.Fatalf("retry of a waiting mail: %d", r.Status)
		}
	})
	t.Run("Paging", func(t *testing.T) {
		for i := 0; i < 50; i++ {
			if _, err := a.db.ResetPassword(ctx, owner, staffUser.ID); err != nil {
				t.Fatal(err)
			}
		}
		r := oc.get("/outbox")
		if !strings.Contains(r.Body, `rel="next"`) || !strings.Contains(r.Body, "Page 1 of 2") {
			t.Fatalf("%s", r.Body)
		}
		r = oc.get("/outbox?page=2")
		if !strings.Contains(r.Body, `rel="prev"`) || !strings.Contains(r.Body, "first@example.pl") {
			t.Fatal("page 2 should hold the oldest mail")
		}
		r = oc.get("/outbox?sort=oldest")
		if strings.Index(r.Body, "first@example.pl") > strings.Index(r.Body, "staff@example.pl") {
			t.Fatal("oldest first is not")
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		sc := a.client()
		sc.login("staff@example.pl", dbtest.OwnerPassword)
		for _, p := range []string{"/outbox", "/outbox/" + id} {
			if r := sc.get(p); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Only the owner") {
				t.Fatalf("%s: %d", p, r.Status)
			}
		}
		sc.get("/")
		if r := sc.post("/outbox/"+id+"/retry", nil); r.Status != http.StatusForbidden {
			t.Fatalf("retry: %d", r.Status)
		}
		if r := sc.get("/settings"); strings.Contains(r.Body, `href="/outbox"`) {
			t.Fatal("outbox link shown to staff")
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, p := range []string{"/outbox/999999", "/outbox/x"} {
			if r := oc.get(p); r.Status != http.StatusNotFound {
				t.Fatalf("%s: %d", p, r.Status)
			}
		}
	})
}
