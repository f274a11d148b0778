package db

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kadra/db/internal/sqlcdb"
)

// secondStepTTL is how long the second step of a sign-in waits for its
// code: long enough to open an app, short enough that a forgotten tab is
// no open door.
const secondStepTTL = 5 * time.Minute

// SecondStepInput is the sign-in's second step: a code from the app, or a
// recovery code.
type SecondStepInput struct {
	Challenge string `form:"-" json:"-"`
	Code      string `form:"code" json:"code"`
	IP        string `form:"-" json:"-"`
	UserAgent string `form:"-" json:"-"`
}

// startSecondStep stores the state of a sign-in whose password was right
// and returns its id. A rehashed password is saved now, since the password
// was right whatever the code will be.
func (d *DB) startSecondStep(ctx context.Context, userID int64, email, newHash, ip string) (string, error) {
	raw, hash, err := newSecret("")
	if err != nil {
		return "", err
	}
	err = d.update(ctx, Actor{UserID: userID, Email: email, IP: ip}, func(t *tx) ([]change, error) {
		now := d.unix()
		if newHash != "" {
			if err := t.setPassword(userID, newHash); err != nil {
				return nil, err
			}
		}
		if err := t.DeleteExpiredMFAChallenges(ctx, now); err != nil {
			return nil, err
		}
		return nil, t.CreateMFAChallenge(ctx, sqlcdb.CreateMFAChallengeParams{IDHash: hash, UserID: userID,
			CreatedAt: now, ExpiresAt: now + int64(secondStepTTL/time.Second)})
	})
	return raw, err
}

// SecondStep is what a sign-in's second step may take, so that its page
// asks for what the user has: a code from the app, a recovery code, a
// passkey.
type SecondStep struct {
	TOTP, Recovery, Passkeys bool
}

// SecondStepOf says whether a second step's state is still waiting, and
// which factors its user has.
func (d *DB) SecondStepOf(ctx context.Context, challenge string) (SecondStep, bool) {
	if challenge == "" {
		return SecondStep{}, false
	}
	c, err := d.rq.GetMFAChallenge(ctx, hashSecret(challenge))
	if err != nil || d.unix() >= c.ExpiresAt {
		return SecondStep{}, false
	}
	u, err := d.rq.GetUserTOTP(ctx, c.UserID)
	if err != nil {
		return SecondStep{}, false
	}
	left, err := d.rq.CountRecoveryCodesLeft(ctx, c.UserID)
	if err != nil {
		return SecondStep{}, false
	}
	keys, err := d.rq.ListPasskeys(ctx, c.UserID)
	if err != nil {
		return SecondStep{}, false
	}
	return SecondStep{TOTP: u.TotpSecret != "", Recovery: left > 0, Passkeys: len(keys) > 0 && d.rp != nil}, true
}

// LoginSecondStep checks the code of a sign-in's second step and opens the
// session: a TOTP code within one step of now and newer than the last one
// accepted, or an unused recovery code, which is then spent (R-MFA-1).
// Every attempt is counted toward the sign-in throttle before it is checked
// (R-SEC-3). The state is single-use: it is gone once the code is right.
// Returns EUNAUTHORIZED for a wrong code, ENOTFOUND ("mfa.login.expired")
// for a state unknown or expired, ETOOMANY.
func (d *DB) LoginSecondStep(ctx context.Context, in SecondStepInput) (string, error) {
	if in.Challenge == "" {
		return "", Errorf(ENOTFOUND, "mfa.login.expired")
	}
	hash := hashSecret(in.Challenge)
	c, err := d.rq.GetMFAChallenge(ctx, hash)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && d.unix() >= c.ExpiresAt) {
		return "", Errorf(ENOTFOUND, "mfa.login.expired")
	} else if err != nil {
		return "", err
	}
	attempt, err := d.reserveLoginAttempt(ctx, c.Email, in.IP)
	if err != nil {
		return "", err
	}
	via := d.secondStepVia(ctx, hash) // through the provider, or by password (oidc_login.go)
	u, err := d.rq.GetUser(ctx, c.UserID)
	if err != nil {
		return "", notFound(err)
	}
	if u.Status != StatusActive {
		return "", Errorf(EUNAUTHORIZED, "login.failed")
	}
	err = d.update(ctx, Actor{UserID: u.ID, Email: u.Email, AccountID: u.AccountID, IP: in.IP}, func(t *tx) ([]change, error) {
		if n, err := t.DeleteMFAChallenge(ctx, hash); err != nil {
			return nil, err
		} else if n == 0 { // another request used it a moment ago
			return nil, Errorf(ENOTFOUND, "mfa.login.expired")
		}
		method, err := t.checkSecondFactor(u.ID, in.Code)
		if err != nil {
			return nil, err
		}
		if method == "recovery_code" {
			return one(change{Action: "user.mfa_recovery_used", TargetType: "user", TargetID: u.ID,
				TargetLabel: u.Email}), nil
		}
		return nil, nil
	})
	if err != nil {
		// A wrong code rolls the transaction back, so the state stays for
		// another try (the throttle bounds them); only a right code, or
		// its expiry, ends it.
		return "", err
	}
	return d.openSessionVia(ctx, u.ID, u.Email, u.AccountID, c.Email, attempt, "",
		LoginInput{IP: in.IP, UserAgent: in.UserAgent}, via)
}

// checkSecondFactor accepts a TOTP code (marking its step used) or a
// recovery code (spending it), and says which. Returns EUNAUTHORIZED.
func (t *tx) checkSecondFactor(userID int64, code string) (string, error) {
	u, err := t.GetUserTOTP(t.ctx, userID)
	if err != nil {
		return "", err
	}
	if u.TotpSecret != "" {
		secret, err := t.d.openTOTP(userID, u.TotpSecret)
		if err != nil {
			return "", err
		}
		if step, ok := t.d.matchTOTP(secret, code, u.TotpLastStep); ok {
			if n, err := t.SetTOTPLastStep(t.ctx, sqlcdb.SetTOTPLastStepParams{ID: userID, LastStep: step}); err != nil {
				return "", err
			} else if n == 1 {
				return "totp", nil
			}
		}
	}
	if rc := normalRecoveryCode(code); rc != "" {
		h, err := t.d.recoveryHash(rc)
		if err != nil {
			return "", err
		}
		n, err := t.UseRecoveryCode(t.ctx, sqlcdb.UseRecoveryCodeParams{UserID: userID, CodeHash: h,
			UsedAt: sql.NullInt64{Int64: t.d.unix(), Valid: true}})
		if err != nil {
			return "", err
		}
		if n == 1 {
			return "recovery_code", nil
		}
	}
	return "", Errorf(EUNAUTHORIZED, "mfa.login.wrong")
}
