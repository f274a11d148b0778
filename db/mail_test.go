package db_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
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

var inviteExtension atomic.Int64

// nextInviteExtension gives each user these tests create their own
// extension (R-USER-6), apart from dbtest.AddUser's.
func nextInviteExtension() string { return strconv.FormatInt(5000+inviteExtension.Add(1), 10) }

func invite(t *testing.T, d *db.DB, a db.Actor, email, notify string) db.User {
	t.Helper()
	ctx := context.Background()
	role, err := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	if err != nil {
		t.Fatal(err)
	}
	pos, err := d.DefaultPositionID(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.CreateUser(ctx, a, db.UserInput{Email: email, NotifyEmail: notify, FullName: "Iza Invited",
		SendInvite: true, RoleID: role, PositionID: pos,
		NewExtension: nextInviteExtension()})
	if err != nil {
		t.Fatal(err)
	}
	return u.User
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

// R-USER-12: "Reset password" resends the activation mail to an invited user
// (voiding the old link) and mails a reset link to an active one; the reset
// ends every session of the user.
func TestResetPasswordFromRowMenu(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))

	t.Run("InvitedGetsActivationAgain", func(t *testing.T) {
		u := invite(t, d, owner, "again@example.pl", "again-notify@example.pl")
		_, old := mailLink(t, lastMail(t, d, owner, "again-notify@example.pl").Body)
		sent, err := d.ResetPassword(ctx, owner, u.ID)
		if err != nil || sent.Kind != "activation" || sent.To != "again-notify@example.pl" {
			t.Fatalf("%+v %v", sent, err)
		}
		_, fresh := mailLink(t, lastMail(t, d, owner, "again-notify@example.pl").Body)
		if fresh == old {
			t.Fatal("same token twice")
		}
		if _, err := d.CheckToken(ctx, "activation", old); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("old link still works: %v", err)
		}
		if _, err := d.CheckToken(ctx, "activation", fresh); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ActiveGetsResetLink", func(t *testing.T) {
		u := dbtest.AddUser(t, d, owner, "active@example.pl")
		sid := sessionOf(t, d, "active@example.pl") // before the link: a sign-in voids it (R-SEC-5)
		sent, err := d.ResetPassword(ctx, owner, u.ID)
		if err != nil || sent.Kind != "reset" || sent.To != "active@example.pl" {
			t.Fatalf("%+v %v", sent, err)
		}
		kind, raw := mailLink(t, lastMail(t, d, owner, "active@example.pl").Body)
		if kind != "reset" {
			t.Fatalf("kind %s", kind)
		}
		// Until the link is used nothing changes.
		if _, err := d.SessionActor(ctx, sid, ""); err != nil {
			t.Fatal(err)
		}
		err = d.CompleteReset(ctx, db.NewPasswordInput{Token: raw, Password: "weak", PasswordConfirm: "weak"})
		if db.ErrorCode(err) != db.EINVALID {
			t.Fatalf("weak: %v", err)
		}
		if err := d.CompleteReset(ctx, db.NewPasswordInput{Token: raw, Password: newPassword,
			PasswordConfirm: newPassword}); err != nil {
			t.Fatal(err)
		}
		if n := countSessions(t, d, u.ID); n != 0 {
			t.Fatalf("%d sessions left after reset", n)
		}
		if _, err := d.Login(ctx, db.LoginInput{Email: "active@example.pl", Password: dbtest.OwnerPassword}); db.ErrorCode(err) != db.EUNAUTHORIZED {
			t.Fatalf("old password: %v", err)
		}
		dbtest.Login(t, d, "active@example.pl", newPassword)
		if err := d.CompleteReset(ctx, db.NewPasswordInput{Token: raw, Password: newPassword,
			PasswordConfirm: newPassword}); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("reused: %v", err)
		}
	})

	t.Run("ResetLinkExpires", func(t *testing.T) {
		u := dbtest.AddUser(t, d, owner, "slow@example.pl")
		if _, err := d.ResetPassword(ctx, owner, u.ID); err != nil {
			t.Fatal(err)
		}
		_, raw := mailLink(t, lastMail(t, d, owner, "slow@example.pl").Body)
		clock.Advance(db.ResetTTL)
		if _, err := d.CheckToken(ctx, "reset", raw); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("expired: %v", err)
		}
	})

	t.Run("ErrBlocked", func(t *testing.T) {
		u := dbtest.AddUser(t, d, owner, "blocked@example.pl")
		if _, err := d.ResetPassword(ctx, owner, u.ID); err != nil {
			t.Fatal(err)
		}
		_, raw := mailLink(t, lastMail(t, d, owner, "blocked@example.pl").Body)
		if _, err := d.BlockUser(ctx, owner, u.ID); err != nil {
			t.Fatal(err)
		}
		before := len(outbox(t, d, owner))
		if _, err := d.ResetPassword(ctx, owner, u.ID); db.ErrorCode(err) != db.ECONFLICT {
			t.Fatalf("blocked: %v", err)
		}
		// A link sent before the block stops working too.
		if _, err := d.CheckToken(ctx, "reset", raw); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("link of a blocked user: %v", err)
		}
		if after := len(outbox(t, d, owner)); after != before {
			t.Fatalf("outbox grew from %d to %d", before, after)
		}
	})

	t.Run("ErrForbidden", func(t *testing.T) {
		u := dbtest.AddUser(t, d, owner, "staff@example.pl")
		staff := dbtest.Login(t, d, "staff@example.pl", dbtest.OwnerPassword)
		if _, err := d.ResetPassword(ctx, staff, u.ID); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("staff: %v", err)
		}
		if _, err := d.ResetPassword(ctx, owner, 999999); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("unknown user: %v", err)
		}
	})
}

// sessionOf signs the user in once more and returns the session id.
func sessionOf(t *testing.T, d *db.DB, email string) string {
	t.Helper()
	sid, err := d.Login(context.Background(), db.LoginInput{Email: email, Password: dbtest.OwnerPassword})
	if err != nil {
		t.Fatal(err)
	}
	return sid
}

func countSessions(t *testing.T, d *db.DB, userID int64) int {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+d.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM sessions WHERE user_id = ?`, userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// forgot runs both halves of "forgot password" one after the other, as the
// handler does (the second after its answer).
func forgot(d *db.DB, in db.ForgotPasswordInput) error {
	in, err := d.CheckPasswordResetRequest(context.Background(), in)
	if err != nil {
		return err
	}
	return d.SendPasswordReset(context.Background(), in)
}

// R-USER-12: "forgot password" answers the same whether or not the address
// exists, mails only users who may sign in, and is rate-limited per address
// and per IP alike for every address.
func TestForgotPassword(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	dbtest.AddUser(t, d, owner, "known@example.pl")
	ask := func(email, ip string) error {
		return forgot(d, db.ForgotPasswordInput{Email: email, IP: ip, Lang: "en"})
	}

	t.Run("SameAnswer", func(t *testing.T) {
		before := len(outbox(t, d, owner))
		errKnown, errUnknown := ask("KNOWN@example.pl", "192.0.2.1"), ask("nobody@example.pl", "192.0.2.1")
		if errKnown != nil || errUnknown != nil {
			t.Fatalf("known: %v, unknown: %v", errKnown, errUnknown)
		}
		if n := len(outbox(t, d, owner)); n != before+1 {
			t.Fatalf("outbox %d, want %d", n, before+1)
		}
		m := lastMail(t, d, owner, "known@example.pl")
		if kind, _ := mailLink(t, m.Body); kind != "reset" || !strings.Contains(m.Body, "Someone, hopefully you") {
			t.Fatalf("mail:\n%s", m.Body)
		}
		audit, _ := d.SearchAudit(ctx, owner, db.AuditFilter{Action: "user.password_reset_request"})
		if audit.Total < 1 {
			t.Fatal("request not audited")
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		for _, bad := range []string{"", "not-an-address", strings.Repeat("a", 300) + "@example.pl"} {
			if err := ask(bad, "192.0.2.2"); db.ErrorCode(err) != db.EINVALID {
				t.Fatalf("%q: %v", bad, err)
			}
		}
	})

	t.Run("NoMailForBlockedOrInactive", func(t *testing.T) {
		b := dbtest.AddUser(t, d, owner, "gone@example.pl")
		if _, err := d.BlockUser(ctx, owner, b.ID); err != nil {
			t.Fatal(err)
		}
		role, _ := d.BuiltinRoleID(ctx, db.BuiltinStaff)
		pos, _ := d.DefaultPositionID(ctx, owner)
		if _, err := d.CreateUser(ctx, owner, db.UserInput{Email: "idle@example.pl", FullName: "Idle",
			RoleID: role, PositionID: pos, NewExtension: nextInviteExtension()}); err != nil {
			t.Fatal(err)
		}
		before := len(outbox(t, d, owner))
		if err := ask("gone@example.pl", "192.0.2.3"); err != nil {
			t.Fatal(err)
		}
		if err := ask("idle@example.pl", "192.0.2.3"); err != nil {
			t.Fatal(err)
		}
		if n := len(outbox(t, d, owner)); n != before {
			t.Fatalf("mailed a blocked or inactive user: outbox %d -> %d", before, n)
		}
	})

	t.Run("InvitedGetsActivation", func(t *testing.T) {
		invite(t, d, owner, "lost@example.pl", "")
		if err := ask("lost@example.pl", "192.0.2.4"); err != nil {
			t.Fatal(err)
		}
		m := lastMail(t, d, owner, "lost@example.pl")
		if kind, _ := mailLink(t, m.Body); kind != "activation" {
			t.Fatalf("kind %s", kind)
		}
	})

	t.Run("ErrTooManyPerAddress", func(t *testing.T) {
		for _, addr := range []string{"known@example.pl", "ghost@example.pl"} {
			var err error
			for i := 0; i < 4 && err == nil; i++ {
				err = ask(addr, "198.51.100."+string(rune('1'+i)))
			}
			if db.ErrorCode(err) != db.ETOOMANY {
				t.Fatalf("%s: 4 requests an hour: %v", addr, err)
			}
		}
	})

	t.Run("ErrTooManyPerIP", func(t *testing.T) {
		var err error
		n := 0
		for ; n < 30 && err == nil; n++ {
			err = ask("x"+strings.Repeat("y", n)+"@example.pl", "203.0.113.9")
		}
		if db.ErrorCode(err) != db.ETOOMANY || n != 21 {
			t.Fatalf("after %d requests: %v", n, err)
		}
		clock.Advance(time.Hour)
		if err := ask("known@example.pl", "203.0.113.9"); err != nil {
			t.Fatalf("an hour later: %v", err)
		}
	})
}

// R-USER-12: a reset through "forgot password" ends every session.
func TestForgotPasswordResetEndsSessions(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u := dbtest.AddUser(t, d, owner, "busy@example.pl")
	dbtest.Login(t, d, "busy@example.pl", dbtest.OwnerPassword)
	dbtest.Login(t, d, "busy@example.pl", dbtest.OwnerPassword)
	if err := forgot(d, db.ForgotPasswordInput{Email: "busy@example.pl", IP: "192.0.2.1", Lang: "pl"}); err != nil {
		t.Fatal(err)
	}
	m := lastMail(t, d, owner, "busy@example.pl")
	if !strings.Contains(m.Body, "Dzień dobry") || !strings.Contains(m.Body, "2 godziny") {
		t.Fatalf("Polish mail expected:\n%s", m.Body)
	}
	_, raw := mailLink(t, m.Body)
	if err := d.CompleteReset(ctx, db.NewPasswordInput{Token: raw, Password: newPassword, PasswordConfirm: newPassword}); err != nil {
		t.Fatal(err)
	}
	if n := countSessions(t, d, u.ID); n != 0 {
		t.Fatalf("%d sessions left", n)
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
