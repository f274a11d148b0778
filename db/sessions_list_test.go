package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

func signIn(t *testing.T, d *db.DB, email, ip, ua string) (string, db.Actor) {
	t.Helper()
	ctx := context.Background()
	res, err := d.Login(ctx, db.LoginInput{Email: email, Password: dbtest.OwnerPassword, IP: ip, UserAgent: ua})
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.SessionActor(ctx, res.Session, ip)
	if err != nil {
		t.Fatal(err)
	}
	return res.Session, a
}

const (
	uaFirefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
	uaIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)

// R-MFA-4: a user sees their sessions (browser and system from the
// User-Agent, address, signed in, last seen, this one) and ends one, the
// others, or the current one; while an admin acts as them, they may not.
func TestEndOwnSessions(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u := dbtest.AddUser(t, d, owner, "ala@example.pl")
	sidA, a := signIn(t, d, u.Email, "192.0.2.1", uaFirefox)
	_, b := signIn(t, d, u.Email, "192.0.2.2", uaIPhone)
	signIn(t, d, u.Email, "192.0.2.3", "curl/8.5.0")

	list, err := d.MySessions(ctx, a)
	if err != nil || len(list) != 3 {
		t.Fatalf("sessions: %v %v", list, err)
	}
	current := 0
	for _, s := range list {
		if s.Current {
			current++
			if s.IP != "192.0.2.1" || s.Device != (db.Device{Browser: "Firefox", OS: "Windows"}) || s.CreatedAt.IsZero() {
				t.Fatalf("this one: %+v", s)
			}
		}
	}
	if current != 1 {
		t.Fatalf("%d sessions marked as this one", current)
	}

	t.Run("OneOfTheirOwn", func(t *testing.T) {
		if err := d.EndMySession(ctx, a, b.SessionHash); err != nil {
			t.Fatal(err)
		}
		if l, _ := d.MySessions(ctx, a); len(l) != 2 {
			t.Fatalf("after ending one: %d", len(l))
		}
	})
	t.Run("ErrNotTheirs", func(t *testing.T) {
		_, other := signIn(t, d, "owner@example.pl", "192.0.2.9", uaFirefox)
		if err := d.EndMySession(ctx, a, other.SessionHash); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("another user's session: %v", err)
		}
	})
	t.Run("ErrImpersonated", func(t *testing.T) {
		imp := a
		imp.ImpersonatorID = owner.UserID
		if err := d.EndMySession(ctx, imp, a.SessionHash); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("while impersonated: %v", err)
		}
		if _, err := d.EndMyOtherSessions(ctx, imp); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("others while impersonated: %v", err)
		}
	})
	t.Run("TheOthers", func(t *testing.T) {
		n, err := d.EndMyOtherSessions(ctx, a)
		if err != nil || n != 1 {
			t.Fatalf("ended %d: %v", n, err)
		}
		l, _ := d.MySessions(ctx, a)
		if len(l) != 1 || !l[0].Current {
			t.Fatalf("left: %+v", l)
		}
	})
	t.Run("ThisOne", func(t *testing.T) {
		if err := d.EndMySession(ctx, a, a.SessionHash); err != nil {
			t.Fatal(err)
		}
		if _, err := d.SessionActor(ctx, sidA, "192.0.2.1"); db.ErrorCode(err) != db.EUNAUTHORIZED {
			t.Fatalf("the ended session still works: %v", err)
		}
	})
}

// R-MFA-4, R-SEC-2: an admin who may act on a user sees and ends their
// sessions, audited, with a mail to the user; one who may not (a stronger
// user, oneself) sees nothing and ends nothing.
func TestEndUserSessions(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	staff := dbtest.AddUser(t, d, owner, "staff@example.pl")
	admin := dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	role, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "Blocker", Permissions: []db.Permission{db.PermUsersView, db.PermUsersBlock}})
	if err != nil {
		t.Fatal(err)
	}
	blocker := dbtest.AddUser(t, d, owner, "blocker@example.pl", func(in *db.UserInput) { in.RoleID = role.ID })
	reader := dbtest.AddUser(t, d, owner, "reader@example.pl")
	signIn(t, d, staff.Email, "192.0.2.1", uaFirefox)
	signIn(t, d, staff.Email, "192.0.2.2", uaIPhone)
	signIn(t, d, admin.Email, "192.0.2.3", uaFirefox)
	_, asBlocker := signIn(t, d, blocker.Email, "192.0.2.4", uaFirefox)
	_, asReader := signIn(t, d, reader.Email, "192.0.2.5", uaFirefox)

	t.Run("ErrStronger", func(t *testing.T) {
		if _, err := d.UserSessions(ctx, asBlocker, admin.ID); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("list a stronger user's sessions: %v", err)
		}
		if _, err := d.EndUserSessions(ctx, asBlocker, admin.ID, ""); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("end a stronger user's sessions: %v", err)
		}
		if l, _ := d.UserSessions(ctx, owner, admin.ID); len(l) != 1 {
			t.Fatalf("the stronger user's session was ended: %d left", len(l))
		}
	})
	t.Run("ErrNoPermission", func(t *testing.T) {
		if _, err := d.EndUserSessions(ctx, asReader, staff.ID, ""); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("without users.block: %v", err)
		}
	})
	t.Run("ErrSelf", func(t *testing.T) {
		if _, err := d.EndUserSessions(ctx, asBlocker, blocker.ID, ""); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Fatalf("oneself through the admin path: %v", err)
		}
	})
	t.Run("OneThenAll", func(t *testing.T) {
		l, err := d.UserSessions(ctx, asBlocker, staff.ID)
		if err != nil || len(l) != 2 || l[0].Current {
			t.Fatalf("the staff member's sessions: %+v %v", l, err)
		}
		if n, err := d.EndUserSessions(ctx, asBlocker, staff.ID, l[0].ID); err != nil || n != 1 {
			t.Fatalf("end one: %d %v", n, err)
		}
		if _, err := d.EndUserSessions(ctx, asBlocker, staff.ID, l[0].ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("end it again: %v", err)
		}
		if n, err := d.EndUserSessions(ctx, asBlocker, staff.ID, ""); err != nil || n != 1 {
			t.Fatalf("end the rest: %d %v", n, err)
		}
		if l, _ := d.UserSessions(ctx, asBlocker, staff.ID); len(l) != 0 {
			t.Fatalf("left: %d", len(l))
		}
		mail, err := d.ListOutbox(ctx, owner, db.OutboxQuery{Q: staff.Email})
		if err != nil || mail.Total != 2 || !strings.Contains(mail.Items[0].Body, blocker.Email) {
			t.Fatalf("mail to the user: %+v %v", mail, err)
		}
		audit := auditActions(t, d, owner, "user.sessions_end")
		if audit != 2 {
			t.Fatalf("%d audit rows", audit)
		}
	})
}

// R-MFA-4: last-seen (and the address) is written at most once a minute per
// session, so that a page's requests cost reads only.
func TestSessionLastSeenBatched(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	u := dbtest.AddUser(t, d, owner, "ala@example.pl")
	sid, a := signIn(t, d, u.Email, "192.0.2.1", uaFirefox)
	started := clock.Now().Unix()
	seen := func() db.Session {
		l, err := d.MySessions(ctx, a)
		if err != nil || len(l) != 1 {
			t.Fatalf("%v %v", l, err)
		}
		return l[0]
	}
	for range 5 {
		clock.Advance(10 * time.Second)
		if _, err := d.SessionActor(ctx, sid, "198.51.100.7"); err != nil {
			t.Fatal(err)
		}
	}
	if s := seen(); s.LastSeenAt.Unix() != started || s.IP != "192.0.2.1" {
		t.Fatalf("written within the minute: %+v", s)
	}
	clock.Advance(11 * time.Second) // a minute and a second since the last write
	if _, err := d.SessionActor(ctx, sid, "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	if s := seen(); s.LastSeenAt.Unix() != clock.Now().Unix() || s.IP != "198.51.100.7" {
		t.Fatalf("not written after a minute: %+v", s)
	}
}

func TestParseUserAgent(t *testing.T) {
	for ua, want := range map[string]db.Device{
		uaFirefox: {"Firefox", "Windows"},
		uaIPhone:  {"Safari", "iOS"},
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0": {"Edge", "macOS"},
		"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36":                        {"Chrome", "Android"},
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0":                 {"Opera", "Linux"},
		"": {},
	} {
		if got := db.ParseUserAgent(ua); got != want {
			t.Errorf("%q: %+v, want %+v", ua, got, want)
		}
	}
}

func auditActions(t *testing.T, d *db.DB, a db.Actor, action string) int {
	t.Helper()
	p, err := d.SearchAudit(context.Background(), a, db.AuditFilter{Actions: []string{action}})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}
