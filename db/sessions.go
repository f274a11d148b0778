package db

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"kadra/db/internal/sqlcdb"
)

// Login throttling: after loginFreeFailures failures for one e-mail within
// loginWindow, each attempt waits twice as long as the one before (at most
// loginMaxWait); after loginLockFailures the address is locked until the
// window passes. The same counts apply to any address, existing or not, so
// that nothing tells them apart. Per IP, loginIPLockFailures lock the IP.
// Every attempt is counted as a failure before its password is checked, and
// a successful one takes its count back, so that the limits hold however
// many attempts arrive at once (R-SEC-3): an address gets at most
// loginLockFailures password checks per window.
const (
	loginWindow         = 15 * time.Minute
	loginFreeFailures   = 3
	loginLockFailures   = 10
	loginIPLockFailures = 50
	loginMaxWait        = time.Minute
	touchEvery          = time.Minute
)

// LoginInput is the sign-in form.
type LoginInput struct {
	Email     string `form:"email" json:"email"`
	Password  string `form:"password" json:"password"`
	IP        string `form:"-" json:"-"`
	UserAgent string `form:"-" json:"-"`
}

// newSecret returns a random 256-bit secret, URL-safe, and its SHA-256 hash
// (hex), which is all the database keeps.
func newSecret(prefix string) (raw, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	raw = prefix + base64.RawURLEncoding.EncodeToString(b)
	return raw, hashSecret(raw), nil
}

func hashSecret(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// LoginResult is where a right password leads: a session (its id, for the
// cookie), or, for a user with a second factor, the second step's state
// (its id, for a cookie of its own), which LoginSecondStep takes.
type LoginResult struct {
	Session   string
	Challenge string
}

// Login checks an e-mail and password and opens a new session, or, when
// the user has a second factor, the second step (R-MFA-1). Wrong e-mail
// and wrong password give the same EUNAUTHORIZED; too many failures give
// ETOOMANY, for any address alike. A successful sign-in voids the user's
// outstanding reset and activation links (R-SEC-5): whoever asked for one
// has just shown they need none, and an old mail in someone else's hands
// must not change the password later.
func (d *DB) Login(ctx context.Context, in LoginInput) (LoginResult, error) {
	email := normalEmail(in.Email)
	if err := d.passwordAllowed(ctx, email); err != nil {
		return LoginResult{}, err
	}
	attempt, err := d.reserveLoginAttempt(ctx, email, in.IP)
	if err != nil {
		return LoginResult{}, err
	}
	u, err := d.rq.GetUserByEmail(ctx, email)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return LoginResult{}, err
	}
	ok, rehash, err := d.hasher.Verify(ctx, u.PasswordHash, in.Password)
	if err != nil {
		return LoginResult{}, err
	}
	if !ok || u.ID == 0 || (u.Status != StatusActive && u.Status != StatusBlocked) {
		// The attempt stays counted as the failure it is.
		return LoginResult{}, Errorf(EUNAUTHORIZED, "login.failed")
	}
	if u.Status == StatusBlocked {
		// Only someone holding the right password learns of the block, and
		// the right password is no failure.
		if err := sqlcdb.New(d.write).DeleteLoginFailure(ctx, attempt); err != nil {
			return LoginResult{}, err
		}
		return LoginResult{}, Errorf(EFORBIDDEN, "login.blocked")
	}
	var newHash string
	if rehash {
		if newHash, err = d.hasher.Hash(ctx, in.Password); err != nil {
			return LoginResult{}, err
		}
	}
	second, err := d.HasSecondFactor(ctx, u.ID)
	if err != nil {
		return LoginResult{}, err
	}
	if second {
		// The password's attempt stays counted until the code is right, so
		// that the second step is throttled with the first (R-SEC-3).
		raw, err := d.startSecondStep(ctx, u.ID, u.Email, newHash, in.IP)
		return LoginResult{Challenge: raw}, err
	}
	raw, err := d.openSession(ctx, u.ID, u.Email, u.AccountID, email, attempt, newHash, in)
	return LoginResult{Session: raw}, err
}

// openSession ends a successful sign-in: it takes back the attempts counted
// for the address up to this one, stores a rehashed password or voids the
// user's links, and opens a session, audited.
func (d *DB) openSession(ctx context.Context, userID int64, userEmail string, accountID int64, email string,
	attempt int64, newHash string, in LoginInput) (string, error) {
	return d.openSessionVia(ctx, userID, userEmail, accountID, email, attempt, newHash, in, signInVia{})
}

// signInVia says how a sign-in was made, when not by password: its audit
// action and what the entry names (the provider), and whether the
// provider's second factor counts for R-MFA-3.
type signInVia struct {
	Action      string
	After       any
	ProviderMFA bool
}

func (d *DB) openSessionVia(ctx context.Context, userID int64, userEmail string, accountID int64, email string,
	attempt int64, newHash string, in LoginInput, via signInVia) (string, error) {
	if via.Action == "" {
		via.Action = "user.login"
	}
	raw, hash, err := newSecret("")
	if err != nil {
		return "", err
	}
	a := Actor{UserID: userID, Email: userEmail, AccountID: accountID, IP: in.IP}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		now := d.unix()
		if err := t.ClearEmailFailuresThrough(ctx, sqlcdb.ClearEmailFailuresThroughParams{Email: email,
			ThroughID: attempt}); err != nil {
			return nil, err
		}
		if newHash != "" {
			if err := t.setPassword(userID, newHash); err != nil {
				return nil, err
			}
		} else if err := t.voidLinks(userID); err != nil {
			return nil, err
		}
		if err := t.SetUserLastLogin(ctx, sqlcdb.SetUserLastLoginParams{ID: userID,
			LastLoginAt: sql.NullInt64{Int64: now, Valid: true}}); err != nil {
			return nil, err
		}
		if err := t.CreateSession(ctx, sqlcdb.CreateSessionParams{IDHash: hash, UserID: userID,
			ActingAccountID: accountID, CreatedAt: now, ExpiresAt: now + int64(d.maxAge/time.Second),
			Ip: in.IP, UserAgent: truncate(in.UserAgent, 300)}); err != nil {
			return nil, err
		}
		if via.ProviderMFA {
			if err := t.SetSessionProviderMFA(ctx, hash); err != nil {
				return nil, err
			}
		}
		return one(change{Action: via.Action, TargetType: "user", TargetID: userID, TargetLabel: userEmail,
			After: via.After}), nil
	})
	return raw, err
}

// reserveLoginAttempt checks the limits for this e-mail and IP and counts
// the attempt as a failure, in one write transaction, before any password
// is checked. The write pool's single connection (BEGIN IMMEDIATE) runs
// these one at a time, so each attempt sees every attempt before it, even
// those whose password is still being checked: read-then-check-then-write
// let a thousand simultaneous attempts all see zero failures. Returns the
// attempt's id, which a successful sign-in takes back, or ETOOMANY (and
// counts nothing).
func (d *DB) reserveLoginAttempt(ctx context.Context, email, ip string) (int64, error) {
	var id int64
	err := d.update(ctx, Actor{IP: ip}, func(t *tx) ([]change, error) {
		now := d.now()
		if err := t.throttle(now, email, ip); err != nil {
			return nil, err
		}
		var err error
		id, err = t.AddLoginFailure(ctx, sqlcdb.AddLoginFailureParams{Email: truncate(email, 254), Ip: ip, At: now.Unix()})
		if err != nil {
			return nil, err
		}
		return nil, t.DeleteOldLoginFailures(ctx, now.Add(-24*time.Hour).Unix())
	})
	return id, err
}

// throttle refuses a sign-in attempt that comes too soon after failures for
// this e-mail or from this IP (counting attempts still in flight). An
// attempt without an e-mail (a passkey names its user only once verified)
// is bounded by its address alone: counting all of them under "" would let
// anyone's failures lock everyone's passkeys.
func (t *tx) throttle(now time.Time, email, ip string) error {
	since := now.Add(-loginWindow).Unix()
	var byEmail sqlcdb.EmailFailuresSinceRow
	if email != "" {
		var err error
		if byEmail, err = t.EmailFailuresSince(t.ctx, sqlcdb.EmailFailuresSinceParams{Email: email, Since: since}); err != nil {
			return err
		}
	}
	byIP, err := t.IPFailuresSince(t.ctx, sqlcdb.IPFailuresSinceParams{Ip: ip, Since: since})
	if err != nil {
		return err
	}
	for _, f := range []struct{ n, last, lock int64 }{
		{byEmail.N, byEmail.LastAt, loginLockFailures},
		{byIP.N, byIP.LastAt, loginIPLockFailures},
	} {
		if f.n >= f.lock {
			until := time.Unix(f.last, 0).Add(loginWindow)
			return Errorf(ETOOMANY, "login.locked", "Count", minutesUntil(now, until))
		}
	}
	if n := byEmail.N; n >= loginFreeFailures {
		wait := min(time.Second<<(n-loginFreeFailures), loginMaxWait)
		if next := time.Unix(byEmail.LastAt, 0).Add(wait); now.Before(next) {
			return Errorf(ETOOMANY, "login.wait", "Count", int(next.Sub(now).Seconds())+1)
		}
	}
	return nil
}

func minutesUntil(now, until time.Time) int {
	return max(1, int(until.Sub(now).Minutes()+0.999))
}

// SessionActor returns the Actor behind a session id from a cookie. It reads
// the session, the user and the role's permissions on every call, so that a
// block, a delete, a sign-out or a permission taken away act on the very
// next request (R-ROLE-7, R-USER-8). Returns EUNAUTHORIZED when the session
// is unknown, expired, idle too long, or its user may no longer sign in.
func (d *DB) SessionActor(ctx context.Context, raw, ip string) (Actor, error) {
	if raw == "" {
		return Actor{}, errUnauthorized
	}
	hash := hashSecret(raw)
	s, err := d.rq.SessionActorOf(ctx, hash) // the session and its user in one read
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, errUnauthorized
	} else if err != nil {
		return Actor{}, err
	}
	now := d.now()
	if now.Unix() >= s.ExpiresAt || now.Sub(time.Unix(s.LastSeenAt, 0)) > d.idle {
		if s.ImpersonatorID.Valid { // a "log in as" ran out: recorded and audited (R-GOV-3)
			if err := d.expireImpersonation(ctx, hash, s); err != nil {
				return Actor{}, err
			}
			return Actor{}, errUnauthorized
		}
		_ = sqlcdb.New(d.write).DeleteSession(ctx, hash)
		return Actor{}, errUnauthorized
	}
	a, err := d.actorFrom(ctx, sqlcdb.ActorOfRow{ID: s.ID, Email: s.Email, FullName: s.FullName, Status: s.Status,
		IsOwner: s.IsOwner, RoleID: s.RoleID, AccountID: s.AccountID, RoleBuiltin: s.RoleBuiltin,
		Permissions: s.Permissions, HomeIsMain: s.HomeIsMain, Lang: s.Lang, TimeZone: s.TimeZone}, s.ActingAccountID, s.ImpersonatorID.Int64)
	if err != nil {
		if ErrorCode(err) == EUNAUTHORIZED {
			_ = sqlcdb.New(d.write).DeleteSession(ctx, hash)
		}
		return Actor{}, err
	}
	if ok, err := mayEnter(ctx, d.rq, a, a.AccountID, d.unix()); err != nil {
		return Actor{}, err
	} else if !ok {
		// Access to the account acted in was withdrawn (or the account is
		// gone): this request is refused, so that nothing meant for that
		// account is done elsewhere, and the session returns to the user's
		// own account for the next one (R-ACC-4, R-ACC-5).
		if err := sqlcdb.New(d.write).SetSessionAccount(ctx, sqlcdb.SetSessionAccountParams{
			IDHash: hash, ActingAccountID: a.HomeAccountID}); err != nil {
			return Actor{}, err
		}
		return Actor{}, Errorf(EFORBIDDEN, "account.access_withdrawn")
	}
	a.SessionHash, a.IP, a.MustEnrol = hash, ip, s.MustEnrol == 1
	if a.ImpersonatorID != 0 {
		a.ImpersonationEnds = unixTime(s.ExpiresAt) // the banner's remaining time (R-GOV-3)
	}
	// Last-seen is written at most once a minute per session (R-MFA-4), so
	// that a page's requests cost reads only.
	if now.Sub(time.Unix(s.LastSeenAt, 0)) >= touchEvery {
		if err := sqlcdb.New(d.write).TouchSession(ctx, sqlcdb.TouchSessionParams{
			IDHash: hash, LastSeenAt: now.Unix(), Ip: ip}); err != nil {
			return Actor{}, err
		}
	}
	return a, nil
}

// actorFor loads a user and their role's permissions, refusing users who may
// not sign in.
func (d *DB) actorFor(ctx context.Context, userID, accountID, impersonatorID int64) (Actor, error) {
	u, err := d.rq.ActorOf(ctx, userID) // one read: user, role, permissions, home account
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, errUnauthorized
	} else if err != nil {
		return Actor{}, err
	}
	return d.actorFrom(ctx, u, accountID, impersonatorID)
}

// actorFrom builds the Actor of a user read by ActorOf (or a query with its
// columns), refusing users who may not sign in.
func (d *DB) actorFrom(ctx context.Context, u sqlcdb.ActorOfRow, accountID, impersonatorID int64) (Actor, error) {
	if u.Status != StatusActive {
		return Actor{}, errUnauthorized
	}
	a := Actor{UserID: u.ID, Email: u.Email, Name: u.FullName, IsOwner: u.IsOwner == 1,
		RoleID: u.RoleID, HomeAccountID: u.AccountID, AccountID: accountID,
		HomeIsMain: u.HomeIsMain == 1, Perms: map[Permission]bool{}, UserLang: u.Lang, TimeZone: u.TimeZone}
	if u.RoleBuiltin == BuiltinAdministrator { // every permission, also ones added to the catalogue later (R-ROLE-6)
		for _, p := range AllPermissions() {
			a.Perms[p] = true
		}
	} else if u.Permissions != "" {
		for _, p := range strings.Split(u.Permissions, ",") {
			a.Perms[Permission(p)] = true
		}
	}
	if a.AccountID == 0 {
		a.AccountID = u.AccountID
	}
	if impersonatorID != 0 {
		imp, err := d.rq.GetUser(ctx, impersonatorID)
		if err != nil || imp.Status != StatusActive {
			return Actor{}, errUnauthorized
		}
		a.ImpersonatorID, a.ImpersonatorEmail = imp.ID, imp.Email
	}
	return a, nil
}

// Logout ends the actor's current session.
func (d *DB) Logout(ctx context.Context, a Actor) error {
	if a.SessionHash == "" {
		return nil
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		return one(change{Action: "user.logout", TargetType: "user", TargetID: a.UserID,
			TargetLabel: a.Email}), t.DeleteSession(ctx, a.SessionHash)
	})
}

// SignOutEverywhere ends every session of the actor, this one included.
func (d *DB) SignOutEverywhere(ctx context.Context, a Actor) error {
	if a.UserID == 0 {
		return errUnauthorized
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		n, err := t.DeleteUserSessions(ctx, a.UserID)
		return one(change{Action: "user.sign_out_everywhere", TargetType: "user", TargetID: a.UserID,
			TargetLabel: a.Email, After: map[string]int64{"sessions_ended": n}}), err
	})
}

// PasswordChange is the profile's change-password form.
type PasswordChange struct {
	Current string `form:"current_password" json:"current_password"`
	New     string `form:"new_password" json:"new_password"`
	Confirm string `form:"new_password_confirm" json:"-"` // the form's; the API asks none (R-API-1)
	// RevokeTokens also revokes every API token of the user (R-MFA-6): a
	// password changed because it leaked may have leaked with them.
	RevokeTokens bool `form:"revoke_tokens" json:"revoke_tokens"`
}

// ChangeOwnPassword sets the actor's password after checking the current
// one and the policy (R-USER-4), ends the actor's other sessions
// (R-USER-10) and voids their reset and activation links (R-SEC-5).
// Returns EINVALID per field.
func (d *DB) ChangeOwnPassword(ctx context.Context, a Actor, in PasswordChange) error {
	if err := mayChangeOwnCredentials(a); err != nil {
		return err
	}
	u, err := d.rq.GetUser(ctx, a.UserID)
	if err != nil {
		return notFound(err)
	}
	policy, err := d.PasswordPolicy(ctx)
	if err != nil {
		return err
	}
	var v ValidationError
	if in.Current == "" {
		v.Add("current_password", M("error.required"))
	} else if ok, _, err := d.hasher.Verify(ctx, u.PasswordHash, in.Current); err != nil {
		return err
	} else if !ok {
		v.Add("current_password", M("profile.password.wrong"))
	}
	checkNewPassword(&v, policy, "new_password", in.New, "new_password_confirm", in.Confirm, u.FullName, u.Email)
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := d.hasher.Hash(ctx, in.New)
	if err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		if err := t.setPassword(a.UserID, hash); err != nil {
			return nil, err
		}
		n, err := t.DeleteUserSessionsExcept(ctx, sqlcdb.DeleteUserSessionsExceptParams{
			UserID: a.UserID, KeepIDHash: a.SessionHash})
		if err != nil {
			return nil, err
		}
		after := map[string]int64{"other_sessions_ended": n}
		if in.RevokeTokens {
			if after["tokens_revoked"], err = t.DeleteUserAPITokens(ctx, a.UserID); err != nil {
				return nil, err
			}
		}
		return one(change{Action: "user.password_change", TargetType: "user", TargetID: a.UserID,
			TargetLabel: a.Email, After: after}), nil
	})
}

// ResetPasswordByOperator sets a user's password from the command line (for
// a locked-out owner): it activates an invited user, clears the sign-in
// failures of the address, ends every session of the user and voids their
// reset and activation links (R-SEC-5). An empty password generates one,
// which is returned.
func (d *DB) ResetPasswordByOperator(ctx context.Context, email, password string) (string, error) {
	email = normalEmail(email)
	u, err := d.rq.GetUserByEmail(ctx, email)
	if err != nil {
		return "", Errorf(ENOTFOUND, "error.user_not_found")
	}
	if password == "" {
		password = GeneratePassword()
	}
	policy, err := d.PasswordPolicy(ctx)
	if err != nil {
		return "", err
	}
	var v ValidationError
	checkNewPassword(&v, policy, "password", password, "", "", u.FullName, u.Email)
	if err := v.Err(); err != nil {
		return "", err
	}
	hash, err := d.hasher.Hash(ctx, password)
	if err != nil {
		return "", err
	}
	err = d.update(ctx, System(), func(t *tx) ([]change, error) {
		if err := t.setPassword(u.ID, hash); err != nil {
			return nil, err
		}
		if u.Status == StatusInvited || u.Status == StatusInactive {
			if err := t.SetUserStatus(ctx, sqlcdb.SetUserStatusParams{ID: u.ID, Status: StatusActive,
				UpdatedAt: d.unix()}); err != nil {
				return nil, err
			}
		}
		if err := t.ClearEmailFailures(ctx, u.Email); err != nil {
			return nil, err
		}
		_, err := t.DeleteUserSessions(ctx, u.ID)
		return one(change{Action: "user.password_reset_cli", TargetType: "user", TargetID: u.ID,
			TargetLabel: u.Email, AccountID: u.AccountID}), err
	})
	return password, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Prune deletes what can never be used again: expired sessions, sign-in
// failures older than a day, spent activation and reset tokens, and
// delivered mail older than 90 days (pending and failed mail stays).
func (d *DB) Prune(ctx context.Context) error {
	q := sqlcdb.New(d.write)
	now := d.now()
	if _, err := q.DeleteExpiredSessions(ctx, sqlcdb.DeleteExpiredSessionsParams{Now: now.Unix(),
		IdleBefore: now.Add(-d.idle).Unix()}); err != nil {
		return err
	}
	if err := q.DeleteOldLoginFailures(ctx, now.Add(-24*time.Hour).Unix()); err != nil {
		return err
	}
	if _, err := q.DeleteSpentTokens(ctx, sqlcdb.DeleteSpentTokensParams{Before: now.Add(-24 * time.Hour).Unix(),
		Now: sql.NullInt64{Int64: now.Unix(), Valid: true}}); err != nil {
		return err
	}
	_, err := q.DeleteOldSentMail(ctx, sql.NullInt64{Int64: now.Add(-90 * 24 * time.Hour).Unix(), Valid: true})
	return err
}
