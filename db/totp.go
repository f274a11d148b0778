package db

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/skip2/go-qrcode"

	"kadra/db/internal/sqlcdb"
)

// TOTP parameters: the common ones every authenticator app reads (RFC 6238,
// SHA-1, six digits, 30 s), and a window of one step either side (R-MFA-1).
const (
	totpPeriod   = 30
	totpDigits   = otp.DigitsSix
	totpSkew     = 1
	totpIssuer   = "kadra"
	recoveryKeep = 10
)

// Enrolment is a TOTP key being set up: the key as text and as an otpauth
// QR code (a PNG data URL), shown until the first code confirms it.
type Enrolment struct {
	Key    string
	QRCode string // data:image/png;base64,...
}

// HasSecondFactor says whether a user has a second factor: the one
// definition (the view second_factors), which passkeys can join later.
func (d *DB) HasSecondFactor(ctx context.Context, userID int64) (bool, error) {
	n, err := d.rq.HasSecondFactor(ctx, userID)
	return n == 1, err
}

// SecondFactor is what the profile shows about the actor's second factor.
type SecondFactor struct {
	TOTP          bool
	RecoveryLeft  int64
	MustEnrol     bool
	HasRecoveries bool
}

// MySecondFactor describes the actor's own second factor.
func (d *DB) MySecondFactor(ctx context.Context, a Actor) (SecondFactor, error) {
	if !a.Valid() {
		return SecondFactor{}, errUnauthorized
	}
	u, err := d.rq.GetUserTOTP(ctx, a.UserID)
	if err != nil {
		return SecondFactor{}, notFound(err)
	}
	left, err := d.rq.CountRecoveryCodesLeft(ctx, a.UserID)
	return SecondFactor{TOTP: u.TotpSecret != "", RecoveryLeft: left, MustEnrol: a.MustEnrol}, err
}

// BeginTOTP makes a new TOTP key for the actor and keeps it, encrypted, as
// pending until ConfirmTOTP; a second call replaces it. Refused while an
// admin acts as the user (R-SEC-9), and when TOTP is already on (EINVALID).
func (d *DB) BeginTOTP(ctx context.Context, a Actor) (Enrolment, error) {
	if err := mayChangeOwnCredentials(a); err != nil {
		return Enrolment{}, err
	}
	key, err := newTOTPKey(a.Email, nil)
	if err != nil {
		return Enrolment{}, err
	}
	sealed, err := d.sealTOTP(a.UserID, key.Secret())
	if err != nil {
		return Enrolment{}, err
	}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.GetUserTOTP(ctx, a.UserID)
		if err != nil {
			return nil, err
		}
		if u.TotpSecret != "" {
			return nil, Errorf(EINVALID, "mfa.already_on")
		}
		return nil, t.SetTOTPPending(ctx, sqlcdb.SetTOTPPendingParams{ID: a.UserID, TotpPending: sealed})
	})
	if err != nil {
		return Enrolment{}, err
	}
	return enrolmentOf(key)
}

// PendingTOTP shows again the key BeginTOTP made (for a refused first
// code); ENOTFOUND when there is none.
func (d *DB) PendingTOTP(ctx context.Context, a Actor) (Enrolment, error) {
	if !a.Valid() {
		return Enrolment{}, errUnauthorized
	}
	u, err := d.rq.GetUserTOTP(ctx, a.UserID)
	if err != nil || u.TotpPending == "" {
		return Enrolment{}, errNotFound
	}
	secret, err := d.openTOTP(a.UserID, u.TotpPending)
	if err != nil {
		return Enrolment{}, err
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return Enrolment{}, err
	}
	key, err := newTOTPKey(a.Email, raw)
	if err != nil {
		return Enrolment{}, err
	}
	return enrolmentOf(key)
}

// newTOTPKey makes the otpauth key of an account; nil raw makes a new
// random 160-bit secret.
func newTOTPKey(account string, raw []byte) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: account,
		Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1, Secret: raw})
}

func enrolmentOf(key *otp.Key) (Enrolment, error) {
	png, err := qrcode.Encode(key.URL(), qrcode.Medium, 256)
	if err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Key: spacedKey(key.Secret()), QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)}, nil
}

// spacedKey writes a base32 key in groups of four, easier to type.
func spacedKey(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ConfirmTOTP turns TOTP on when the code fits the pending key, and returns
// ten new recovery codes, shown once (R-MFA-1). Returns EINVALID on the
// field "code".
func (d *DB) ConfirmTOTP(ctx context.Context, a Actor, code string) ([]string, error) {
	if err := mayChangeOwnCredentials(a); err != nil {
		return nil, err
	}
	codes, hashes, err := d.newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.GetUserTOTP(ctx, a.UserID)
		if err != nil {
			return nil, err
		}
		if u.TotpSecret != "" {
			return nil, Errorf(EINVALID, "mfa.already_on")
		}
		if u.TotpPending == "" {
			return nil, invalidField("code", "mfa.no_pending")
		}
		secret, err := d.openTOTP(a.UserID, u.TotpPending)
		if err != nil {
			return nil, err
		}
		step, ok := d.matchTOTP(secret, code, 0)
		if !ok {
			return nil, invalidField("code", "mfa.code_wrong")
		}
		if err := t.EnableTOTP(ctx, sqlcdb.EnableTOTPParams{ID: a.UserID, LastStep: step}); err != nil {
			return nil, err
		}
		if err := t.replaceRecoveryCodes(a.UserID, hashes); err != nil {
			return nil, err
		}
		return one(change{Action: "user.mfa_enable", TargetType: "user", TargetID: a.UserID, TargetLabel: a.Email,
			After: map[string]int{"recovery_codes": len(codes)}}), nil
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// RegenerateRecoveryCodes replaces the actor's recovery codes with ten new
// ones, returned once; the old ones stop working. Needs the current
// password, like every lasting change to one's credentials; refused while
// impersonated (R-SEC-9). Returns EINVALID on "current_password".
func (d *DB) RegenerateRecoveryCodes(ctx context.Context, a Actor, password string) ([]string, error) {
	if err := d.checkOwnPassword(ctx, a, password); err != nil {
		return nil, err
	}
	codes, hashes, err := d.newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.GetUserTOTP(ctx, a.UserID)
		if err != nil {
			return nil, err
		}
		if u.TotpSecret == "" {
			return nil, Errorf(EINVALID, "mfa.not_on")
		}
		return one(change{Action: "user.mfa_recovery_regenerate", TargetType: "user", TargetID: a.UserID,
			TargetLabel: a.Email, After: map[string]int{"recovery_codes": len(codes)}}), t.replaceRecoveryCodes(a.UserID, hashes)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP turns the actor's own TOTP off after checking their password,
// and drops their recovery codes. A user whose role requires a second
// factor is then sent to enrol again (R-MFA-3). Refused while impersonated.
func (d *DB) DisableTOTP(ctx context.Context, a Actor, password string) error {
	if err := d.checkOwnPassword(ctx, a, password); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		if err := t.ClearTOTP(ctx, a.UserID); err != nil {
			return nil, err
		}
		return one(change{Action: "user.mfa_disable", TargetType: "user", TargetID: a.UserID, TargetLabel: a.Email}),
			t.DeleteRecoveryCodes(ctx, a.UserID)
	})
}

// ResetSecondFactorByOperator removes a user's second factor from the
// command line (`kadra user reset-2fa`), for a locked-out user or owner:
// TOTP, recovery codes and passkeys are dropped and the user's sessions end.
func (d *DB) ResetSecondFactorByOperator(ctx context.Context, email string) error {
	u, err := d.rq.GetUserByEmail(ctx, normalEmail(email))
	if err != nil {
		return Errorf(ENOTFOUND, "error.user_not_found")
	}
	return d.update(ctx, System(), func(t *tx) ([]change, error) {
		if _, err := t.clearSecondFactor(u.ID); err != nil {
			return nil, err
		}
		n, err := t.DeleteUserSessions(ctx, u.ID)
		return one(change{Action: "user.mfa_reset_cli", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			AccountID: u.AccountID, After: map[string]int64{"sessions_ended": n}}), err
	})
}

// ResetSecondFactor removes the second factor of user id of the acting
// account (TOTP, recovery codes and passkeys) for an admin allowed by
// R-SEC-2 (ActResetMFA), for a user who lost their phone or key; their
// sessions end, since a session may stand on the lost device. A user whose
// role requires a second factor sets one up again at the next sign-in
// (R-MFA-3). Audited, and the user gets a mail saying who did it (R-MFA-4).
// Returns EINVALID "mfa.reset_none" when there is nothing to remove.
func (d *DB) ResetSecondFactor(ctx context.Context, a Actor, id int64) error {
	if err := requireAct(a, ActResetMFA); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		u, err := t.targetUser(ActResetMFA, id)
		if err != nil {
			return nil, err
		}
		removed, err := t.clearSecondFactor(u.ID)
		if err != nil {
			return nil, err
		}
		if !removed {
			return nil, Errorf(EINVALID, "mfa.reset_none")
		}
		n, err := t.DeleteUserSessions(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		if _, err := t.queueUserMail(u, mailTo(u), mailMFAReset, "", mailData{}); err != nil {
			return nil, err
		}
		return one(change{Action: "user.mfa_reset", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			AccountID: u.AccountID, After: map[string]int64{"sessions_ended": n}}), nil
	})
}

// UserHasSecondFactor says whether user id of the acting account has a
// second factor, for an admin who may remove it (ActResetMFA): the user
// page shows it beside the button.
func (d *DB) UserHasSecondFactor(ctx context.Context, a Actor, id int64) (bool, error) {
	if err := d.MayActOnUser(ctx, a, ActResetMFA, id); err != nil {
		return false, err
	}
	return d.HasSecondFactor(ctx, id)
}

// clearSecondFactor drops a user's TOTP key, recovery codes and passkeys,
// and says whether there was any.
func (t *tx) clearSecondFactor(userID int64) (bool, error) {
	had, err := t.HasSecondFactor(t.ctx, userID)
	if err != nil {
		return false, err
	}
	if err := t.ClearTOTP(t.ctx, userID); err != nil {
		return false, err
	}
	if err := t.DeleteRecoveryCodes(t.ctx, userID); err != nil {
		return false, err
	}
	_, err = t.DeleteUserPasskeys(t.ctx, userID)
	return had == 1, err
}

// checkOwnPassword refuses a lasting change to the actor's credentials
// while impersonated (R-SEC-9) or without their current password.
func (d *DB) checkOwnPassword(ctx context.Context, a Actor, password string) error {
	if err := mayChangeOwnCredentials(a); err != nil {
		return err
	}
	u, err := d.rq.GetUser(ctx, a.UserID)
	if err != nil {
		return notFound(err)
	}
	if password == "" {
		return invalidField("current_password", "error.required")
	}
	ok, _, err := d.hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil {
		return err
	}
	if !ok {
		return invalidField("current_password", "profile.password.wrong")
	}
	return nil
}

func invalidField(field, id string) error {
	var v ValidationError
	v.Add(field, M(id))
	return v.Err()
}

// matchTOTP finds the time step (within the window around now) whose code
// is the one typed, newer than the step last accepted.
func (d *DB) matchTOTP(secret, code string, lastStep int64) (int64, bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != totpDigits.Length() {
		return 0, false
	}
	now := d.now().Unix() / totpPeriod
	for step := now - totpSkew; step <= now+totpSkew; step++ {
		if step <= lastStep {
			continue // a used step cannot be replayed
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// Recovery codes: ten of two groups of five letters and digits (base32
// without look-alikes), 50 random bits each.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

func (d *DB) newRecoveryCodes() (codes, hashes []string, err error) {
	for range recoveryKeep {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, err
		}
		var s bytes.Buffer
		for i, x := range b {
			if i == 5 {
				s.WriteByte('-')
			}
			s.WriteByte(recoveryAlphabet[int(x)%len(recoveryAlphabet)])
		}
		h, err := d.recoveryHash(s.String())
		if err != nil {
			return nil, nil, err
		}
		codes, hashes = append(codes, s.String()), append(hashes, h)
	}
	return codes, hashes, nil
}

// normalRecoveryCode reads a code as typed: any case, with or without its
// dash and spaces.
func normalRecoveryCode(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 10 {
		return ""
	}
	return s[:5] + "-" + s[5:]
}

func (t *tx) replaceRecoveryCodes(userID int64, hashes []string) error {
	if err := t.DeleteRecoveryCodes(t.ctx, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if err := t.AddRecoveryCode(t.ctx, sqlcdb.AddRecoveryCodeParams{UserID: userID, CodeHash: h}); err != nil {
			return err
		}
	}
	return nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
