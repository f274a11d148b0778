package db_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// resetLinkOf adds an active user, has the row menu mail them a reset link
// and returns the user and the link's token.
func resetLinkOf(t *testing.T, d *db.DB, owner db.Actor, email string) (db.User, string) {
	t.Helper()
	u := dbtest.AddUser(t, d, owner, email)
	if _, err := d.ResetPassword(context.Background(), owner, u.ID); err != nil {
		t.Fatal(err)
	}
	_, raw := mailLink(t, lastMail(t, d, owner, email).Body)
	return u, raw
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
		_, raw := resetLinkOf(t, d, owner, "slow@example.pl")
		clock.Advance(db.ResetTTL)
		if _, err := d.CheckToken(ctx, "reset", raw); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("expired: %v", err)
		}
	})

	t.Run("ErrBlocked", func(t *testing.T) {
		u, raw := resetLinkOf(t, d, owner, "blocked@example.pl")
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
	login, err := d.Login(context.Background(), db.LoginInput{Email: email, Password: dbtest.OwnerPassword})
	sid := login.Session
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
		dbtest.AddUser(t, d, owner, "idle@example.pl", dbtest.Inactive)
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
