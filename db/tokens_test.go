package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-MFA-6: a token made with an expiry works until then and not after; one
// without works on; a lifetime outside the offered ones is refused.
func TestTokenExpiry(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	_, a := signIn(t, d, "owner@example.pl", "192.0.2.1", uaFirefox)
	short, err := d.CreateAPIToken(ctx, a, a.Email, db.TokenInput{Name: "month", ExpiresDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	forever, err := d.CreateAPIToken(ctx, a, a.Email, db.TokenInput{Name: "forever"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateAPIToken(ctx, a, a.Email, db.TokenInput{Name: "odd", ExpiresDays: 7}); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("7 days: %v", err)
	}
	clock.Advance(30*24*time.Hour - time.Second)
	if _, err := d.TokenActor(ctx, short, "192.0.2.1"); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	clock.Advance(time.Second)
	if _, err := d.TokenActor(ctx, short, "192.0.2.1"); db.ErrorCode(err) != db.EUNAUTHORIZED {
		t.Fatalf("expired token: %v", err)
	}
	if _, err := d.TokenActor(ctx, forever, "192.0.2.1"); err != nil {
		t.Fatalf("no expiry: %v", err)
	}
	mine, _ := d.MyAPITokens(ctx, a)
	expired := map[string]bool{}
	for _, tok := range mine {
		expired[tok.Name] = tok.Expired
	}
	if !expired["month"] || expired["forever"] {
		t.Fatalf("shown as expired: %v", expired)
	}
	_ = owner
}

// R-MFA-6: a token shows when and from where it was last used, written at
// most once a minute.
func TestTokenLastUsed(t *testing.T) {
	ctx := context.Background()
	clock := dbtest.NewClock()
	d, _ := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	_, a := signIn(t, d, "owner@example.pl", "192.0.2.1", uaFirefox)
	raw, err := d.CreateAPIToken(ctx, a, a.Email, db.TokenInput{Name: "script"})
	if err != nil {
		t.Fatal(err)
	}
	last := func() db.APIToken {
		l, _ := d.MyAPITokens(ctx, a)
		return l[0]
	}
	if tok := last(); tok.LastUsedAt != nil {
		t.Fatalf("unused token has a last use: %+v", tok)
	}
	first := clock.Now()
	if _, err := d.TokenActor(ctx, raw, "203.0.113.5"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Second)
	if _, err := d.TokenActor(ctx, raw, "203.0.113.6"); err != nil {
		t.Fatal(err)
	}
	if tok := last(); tok.LastUsedAt == nil || !tok.LastUsedAt.Equal(first) || tok.LastUsedIP != "203.0.113.5" {
		t.Fatalf("within the minute: %+v", tok)
	}
	clock.Advance(30 * time.Second)
	if _, err := d.TokenActor(ctx, raw, "203.0.113.6"); err != nil {
		t.Fatal(err)
	}
	if tok := last(); !tok.LastUsedAt.Equal(clock.Now()) || tok.LastUsedIP != "203.0.113.6" {
		t.Fatalf("after a minute: %+v", tok)
	}
}

// R-MFA-6: the owner lists every token of the installation, of every
// account, with its owner, paged, and revokes any, audited; nobody else may.
func TestOwnerTokens(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	sub := dbtest.AddAccount(t, d, owner, "Branch")
	inSub := dbtest.In(t, d, owner, sub.ID)
	u := dbtest.AddUser(t, d, inSub, "branch@example.pl")
	admin := dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	_, asU := signIn(t, d, u.Email, "192.0.2.1", uaFirefox)
	_, asAdmin := signIn(t, d, admin.Email, "192.0.2.2", uaFirefox)
	for _, n := range []string{"a", "b", "c"} {
		if _, err := d.CreateAPIToken(ctx, asU, u.Email, db.TokenInput{Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := d.CreateAPIToken(ctx, asAdmin, admin.Email, db.TokenInput{Name: "admin's", ExpiresDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.AllAPITokens(ctx, asAdmin, db.TokensQuery{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("an Administrator lists every token: %v", err)
	}
	p, err := d.AllAPITokens(ctx, owner, db.TokensQuery{PerPage: 3})
	if err != nil || p.Total != 4 || len(p.Items) != 3 || p.Pages() != 2 {
		t.Fatalf("page 1: %+v %v", p, err)
	}
	p2, _ := d.AllAPITokens(ctx, owner, db.TokensQuery{Page: 2, PerPage: 3})
	all := append(p.Items, p2.Items...)
	var target db.InstallationToken
	owners := map[string]int{}
	for _, tok := range all {
		owners[tok.UserEmail]++
		if tok.Name == "admin's" {
			target = tok
		}
	}
	if owners[u.Email] != 3 || owners[admin.Email] != 1 || target.ExpiresAt == nil {
		t.Fatalf("owners %v, target %+v", owners, target)
	}
	if err := d.RevokeAnyAPIToken(ctx, asAdmin, target.ID); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Fatalf("an Administrator revokes: %v", err)
	}
	if err := d.RevokeAnyAPIToken(ctx, owner, target.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.TokenActor(ctx, raw, ""); db.ErrorCode(err) != db.EUNAUTHORIZED {
		t.Fatalf("a revoked token works: %v", err)
	}
	if err := d.RevokeAnyAPIToken(ctx, owner, target.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Fatalf("revoked twice: %v", err)
	}
	if n := auditActions(t, d, owner, "token.revoke"); n != 1 {
		t.Fatalf("%d audit rows", n)
	}
	// The audit row names the token, never its secret (R-SEC-5).
	e, _ := d.SearchAudit(ctx, owner, db.AuditFilter{Actions: []string{"token.revoke"}})
	if strings.Contains(e.Items[0].Before+e.Items[0].After, raw) {
		t.Fatal("the token's secret is in the audit")
	}
}

// R-MFA-6: a password change revokes the user's API tokens when asked to,
// and only then.
func TestPasswordChangeRevokesTokens(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	u := dbtest.AddUser(t, d, owner, "ala@example.pl")
	_, a := signIn(t, d, u.Email, "192.0.2.1", uaFirefox)
	for _, n := range []string{"a", "b"} {
		if _, err := d.CreateAPIToken(ctx, a, u.Email, db.TokenInput{Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	next := "Zupełnie-nowe-hasło-42"
	if err := d.ChangeOwnPassword(ctx, a, db.PasswordChange{Current: dbtest.OwnerPassword, New: next, Confirm: next}); err != nil {
		t.Fatal(err)
	}
	if l, _ := d.MyAPITokens(ctx, a); len(l) != 2 {
		t.Fatalf("tokens revoked unasked: %d left", len(l))
	}
	again := next + "!"
	if err := d.ChangeOwnPassword(ctx, a, db.PasswordChange{Current: next, New: again, Confirm: again, RevokeTokens: true}); err != nil {
		t.Fatal(err)
	}
	if l, _ := d.MyAPITokens(ctx, a); len(l) != 0 {
		t.Fatalf("%d tokens left", len(l))
	}
}
