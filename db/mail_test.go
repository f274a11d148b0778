package db_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

const newPassword = "Nowe-haslo1!"

var linkRe = regexp.MustCompile(`https?://\S+/(activate|reset-password)/([A-Za-z0-9_-]+)`)

// mailLink returns the kind ("activation" or "reset") and token of the link
// in a mail body.
func mailLink(t *testing.T, body string) (string, string) {
	t.Helper()
	m := linkRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in mail:\n%s", body)
	}
	kind := "activation"
	if m[1] == "reset-password" {
		kind = "reset"
	}
	return kind, m[2]
}

// outbox returns the acting account's outbox, newest first.
func outbox(t *testing.T, d *db.DB, owner db.Actor) []db.OutboxMail {
	t.Helper()
	p, err := d.ListOutbox(context.Background(), owner, db.OutboxQuery{PerPage: 200})
	if err != nil {
		t.Fatal(err)
	}
	return p.Items
}

// lastMail returns the newest mail to addr.
func lastMail(t *testing.T, d *db.DB, owner db.Actor, addr string) db.OutboxMail {
	t.Helper()
	for _, m := range outbox(t, d, owner) {
		if m.To == addr {
			return m
		}
	}
	t.Fatalf("no mail to %s", addr)
	return db.OutboxMail{}
}

// invite adds a user invited with an activation mail (R-USER-11).
func invite(t *testing.T, d *db.DB, a db.Actor, email, notify string) db.User {
	t.Helper()
	return dbtest.AddUser(t, d, a, email, dbtest.Invited, func(in *db.UserInput) {
		in.NotifyEmail, in.FullName = notify, "Iza Invited"
	})
}

// R-USER-11: an invited user gets a single-use link valid 72 h, stored only
// as its SHA-256, and becomes active when they set a password through it.
func TestInvitationActivates(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u := invite(t, d, owner, "iza@example.pl", "")
	if u.Status != db.StatusInvited {
		t.Fatalf("status %q, want invited", u.Status)
	}
	m := lastMail(t, d, owner, "iza@example.pl")
	if m.Status() != db.MailPending || !strings.Contains(m.Subject, "Biuro") {
		t.Fatalf("mail %+v", m)
	}
	kind, raw := mailLink(t, m.Body)
	if kind != "activation" || !strings.HasPrefix(linkRe.FindString(m.Body), "http://localhost:8080/activate/") {
		t.Fatalf("link %q", linkRe.FindString(m.Body))
	}
	// Only the hash is stored.
	raw1, hashed := tokenStored(t, d, raw)
	if raw1 || !hashed {
		t.Fatalf("token stored raw=%v hashed=%v", raw1, hashed)
	}
	info, err := d.CheckToken(ctx, "activation", raw)
	if err != nil || info.Email != "iza@example.pl" {
		t.Fatalf("CheckToken: %+v %v", info, err)
	}
	if _, err := d.CheckToken(ctx, "reset", raw); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("an activation token used as a reset token: %v", err)
	}

	t.Run("ErrWeakPassword", func(t *testing.T) {
		err := d.Activate(ctx, db.NewPasswordInput{Token: raw, Password: "short", PasswordConfirm: "short"})
		if db.ErrorCode(err) != db.EINVALID || db.AsError(err).Fields["password"].ID != "password.unmet" {
			t.Fatalf("got %v", err)
		}
		err = d.Activate(ctx, db.NewPasswordInput{Token: raw, Password: newPassword, PasswordConfirm: "other"})
		if db.ErrorCode(err) != db.EINVALID || db.AsError(err).Fields["password_confirm"].ID != "password.mismatch" {
			t.Fatalf("got %v", err)
		}
		// Nothing was written: the link still works, the user is invited.
		if _, err := d.CheckToken(ctx, "activation", raw); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		if err := d.Activate(ctx, db.NewPasswordInput{Token: raw, Password: newPassword,
			PasswordConfirm: newPassword, IP: "192.0.2.7"}); err != nil {
			t.Fatal(err)
		}
		a := dbtest.Login(t, d, "iza@example.pl", newPassword)
		if me, _ := d.Me(ctx, a); me.Status != db.StatusActive {
			t.Fatalf("status %q, want active", me.Status)
		}
		audit, err := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "user.activate"})
		if err != nil || audit.Total != 1 || audit.Items[0].ActorEmail != "iza@example.pl" {
			t.Fatalf("audit %+v %v", audit, err)
		}
	})
	t.Run("ErrTokenUsed", func(t *testing.T) {
		err := d.Activate(ctx, db.NewPasswordInput{Token: raw, Password: newPassword, PasswordConfirm: newPassword})
		if db.ErrorCode(err) != db.ENOTFOUND || db.AsError(err).Msg.ID != "token.invalid" {
			t.Fatalf("second use: %v", err)
		}
	})
	t.Run("ErrTokenUnknown", func(t *testing.T) {
		for _, bad := range []string{"", "nope", strings.Repeat("x", 500), raw + "x"} {
			if _, err := d.CheckToken(ctx, "activation", bad); db.ErrorCode(err) != db.ENOTFOUND {
				t.Fatalf("%q: %v", bad, err)
			}
		}
	})
}

// tokenStored reports whether the tokens table holds raw as is, and its
// SHA-256.
func tokenStored(t *testing.T, d *db.DB, raw string) (asIs, hashed bool) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+d.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sum := sha256.Sum256([]byte(raw))
	var n1, n2 int
	if err := conn.QueryRow(`SELECT count(*) FROM tokens WHERE id_hash = ? OR name = ?`, raw, raw).Scan(&n1); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(`SELECT count(*) FROM tokens WHERE id_hash = ?`, hex.EncodeToString(sum[:])).Scan(&n2); err != nil {
		t.Fatal(err)
	}
	return n1 > 0, n2 == 1
}

// R-USER-11: the activation link expires after 72 hours.
func TestActivationExpires(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now, BaseURL: "https://panel.example.pl/"}))
	invite(t, d, owner, "late@example.pl", "")
	m := lastMail(t, d, owner, "late@example.pl")
	if !strings.Contains(m.Body, "https://panel.example.pl/activate/") || !strings.Contains(m.Body, "72") {
		t.Fatalf("body:\n%s", m.Body)
	}
	_, raw := mailLink(t, m.Body)
	clock.Advance(db.ActivationTTL - time.Second)
	if _, err := d.CheckToken(ctx, "activation", raw); err != nil {
		t.Fatalf("just before expiry: %v", err)
	}
	clock.Advance(time.Second)
	err := d.Activate(ctx, db.NewPasswordInput{Token: raw, Password: newPassword, PasswordConfirm: newPassword})
	if db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("expired: %v", err)
	}
}

// R-USER-3: mail goes to the notification e-mail when one is set.
func TestMailGoesToNotifyEmail(t *testing.T) {
	d, owner := dbtest.Setup(t)
	invite(t, d, owner, "login@example.pl", "inbox@example.com")
	invite(t, d, owner, "plain@example.pl", "")
	to := map[string]bool{}
	for _, m := range outbox(t, d, owner) {
		to[m.To] = true
	}
	if !to["inbox@example.com"] || to["login@example.pl"] || !to["plain@example.pl"] {
		t.Fatalf("mail went to %v", to)
	}
}

// The outbox is the owner's: searchable, filtered by status, and a failed
// message can be retried at once.
func TestOutbox(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	invite(t, d, owner, "one@example.pl", "")
	invite(t, d, owner, "two@example.pl", "")
	staff := dbtest.Login(t, d, dbtest.AddUser(t, d, owner, "staff@example.pl").Email, dbtest.OwnerPassword)

	t.Run("ErrForbidden", func(t *testing.T) {
		if _, err := d.ListOutbox(ctx, staff, db.OutboxQuery{}); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("staff: %v", err)
		}
		if _, err := d.ListOutbox(ctx, db.Actor{}, db.OutboxQuery{}); db.ErrorCode(err) != db.EUNAUTHORIZED {
			t.Fatalf("nobody: %v", err)
		}
	})
	t.Run("Search", func(t *testing.T) {
		p, err := d.ListOutbox(ctx, owner, db.OutboxQuery{Q: "TWO@"})
		if err != nil || p.Total != 1 || p.Items[0].To != "two@example.pl" {
			t.Fatalf("%+v %v", p, err)
		}
	})
	t.Run("FailedThenRetry", func(t *testing.T) {
		due, err := d.DueMail(ctx, 10)
		if err != nil || len(due) != 2 {
			t.Fatalf("due %d %v", len(due), err)
		}
		if err := d.MarkMailFailed(ctx, due[0].ID, "451 try later", time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := d.MarkMailSent(ctx, due[1].ID); err != nil {
			t.Fatal(err)
		}
		p, _ := d.ListOutbox(ctx, owner, db.OutboxQuery{Status: db.MailFailed})
		if p.Total != 1 || p.Items[0].Error != "451 try later" || p.Items[0].Attempts != 1 ||
			p.Counts[db.MailSent] != 1 || p.Counts[db.MailPending] != 0 {
			t.Fatalf("%+v", p)
		}
		if err := d.RetryMail(ctx, staff, due[0].ID); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("staff retry: %v", err)
		}
		if err := d.RetryMail(ctx, owner, due[1].ID); db.ErrorCode(err) != db.ECONFLICT {
			t.Fatalf("retry of a sent mail: %v", err)
		}
		if err := d.RetryMail(ctx, owner, due[0].ID); err != nil {
			t.Fatal(err)
		}
		m, err := d.GetOutboxMail(ctx, owner, due[0].ID)
		if err != nil || m.Status() != db.MailPending || m.Attempts != 1 {
			t.Fatalf("%+v %v", m, err)
		}
		select {
		case <-d.MailQueued():
		default:
			t.Fatal("the sender was not woken")
		}
	})
}
