package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"kadra/db/internal/sqlcdb"
)

// OIDCLoginInput is who the provider says signed in, from an ID token the
// sso package has verified (signature, issuer, audience, expiry, nonce).
type OIDCLoginInput struct {
	Subject       string
	Email         string
	EmailVerified bool
	AMR           []string
	IP            string
	UserAgent     string
}

// OIDCLogin opens a session for the kadra user whose login e-mail the
// provider verified, in one of the directory's domains. No account is ever
// created here: users come from an admin, CSV or SCIM. An invited or
// inactive user (SCIM makes users without a password) is activated by
// their first sign-in through the provider.
//
// Every attempt counts toward the sign-in throttle (R-SEC-3) before it is
// checked, as a password would; a refused one stays counted. A blocked
// user is refused (R-USER-8). A user with a second factor of kadra's own
// still gives its code (R-MFA-1), unless the owner lets the provider's own
// (amr "mfa") count; the same switch spares such a session the enrolment
// R-MFA-3 would ask for.
//
// Returns ENOTFOUND when sign-in with a provider is off, EUNAUTHORIZED for
// an address without a verified e-mail or unknown to kadra, EFORBIDDEN for
// a domain not allowed or a blocked user, ETOOMANY.
func (d *DB) OIDCLogin(ctx context.Context, in OIDCLoginInput) (LoginResult, error) {
	s, err := oidcSettings(ctx, d.rq)
	if err != nil {
		return LoginResult{}, err
	}
	if !s.Enabled {
		return LoginResult{}, Errorf(ENOTFOUND, "oidc.not_enabled")
	}
	email := normalEmail(in.Email)
	key := email
	if key == "" {
		key = "oidc:" + in.IP
	}
	attempt, err := d.reserveLoginAttempt(ctx, key, in.IP)
	if err != nil {
		return LoginResult{}, err
	}
	if email == "" {
		return LoginResult{}, Errorf(EUNAUTHORIZED, "oidc.no_email", "Provider", s.ButtonLabel())
	}
	if !in.EmailVerified {
		return LoginResult{}, Errorf(EUNAUTHORIZED, "oidc.email_unverified", "Email", email)
	}
	if !s.domainAllowed(email) {
		return LoginResult{}, Errorf(EFORBIDDEN, "oidc.domain_not_allowed", "Email", email)
	}
	u, err := d.rq.GetUserByEmail(ctx, email)
	if errors.Is(err, sql.ErrNoRows) {
		// The provider has just shown that this person owns the address,
		// so saying it is unknown here tells them nothing new.
		return LoginResult{}, Errorf(EUNAUTHORIZED, "oidc.unknown", "Email", email)
	} else if err != nil {
		return LoginResult{}, err
	}
	switch u.Status {
	case StatusBlocked:
		// The provider vouched for the person, so this is no guess: the
		// attempt is taken back, as for a right password (sessions.go).
		if err := sqlcdb.New(d.write).DeleteLoginFailure(ctx, attempt); err != nil {
			return LoginResult{}, err
		}
		return LoginResult{}, Errorf(EFORBIDDEN, "login.blocked")
	case StatusActive:
	case StatusInvited, StatusInactive:
	default:
		return LoginResult{}, Errorf(EFORBIDDEN, "oidc.not_active", "Email", email)
	}
	providerMFA := s.AMRCountsAsMFA && slices.Contains(in.AMR, "mfa")
	provider := s.ButtonLabel()
	if provider == "" {
		provider = s.Issuer
	}
	if u.Status != StatusActive {
		// A user the directory brought in (SCIM makes them without a
		// password) or one still invited: the provider has just shown
		// who they are, which is what the activation link would, so the
		// first sign-in through it activates them and voids their links.
		if err := d.activateByProvider(ctx, u, provider, in.IP); err != nil {
			return LoginResult{}, err
		}
	}
	if !providerMFA {
		second, err := d.HasSecondFactor(ctx, u.ID)
		if err != nil {
			return LoginResult{}, err
		}
		if second {
			raw, err := d.startSecondStep(ctx, u.ID, u.Email, "", in.IP)
			if err != nil {
				return LoginResult{}, err
			}
			// The step remembers the provider, so that its session is
			// audited as opened through it.
			err = d.update(ctx, Actor{UserID: u.ID, Email: u.Email, IP: in.IP}, func(t *tx) ([]change, error) {
				return nil, t.SetMFAChallengeProvider(ctx, sqlcdb.SetMFAChallengeProviderParams{
					IDHash: hashSecret(raw), Provider: provider})
			})
			return LoginResult{Challenge: raw}, err
		}
	}
	after := map[string]any{"provider": provider}
	if providerMFA {
		after["provider_mfa"] = true
	}
	raw, err := d.openSessionVia(ctx, u.ID, u.Email, u.AccountID, email, attempt, "",
		LoginInput{IP: in.IP, UserAgent: in.UserAgent},
		signInVia{Action: "user.login_oidc", After: after, ProviderMFA: providerMFA})
	return LoginResult{Session: raw}, err
}

// activateByProvider makes an invited or inactive user active at their
// first sign-in through the provider, audited as an activation.
func (d *DB) activateByProvider(ctx context.Context, u sqlcdb.User, provider, ip string) error {
	a := Actor{UserID: u.ID, Email: u.Email, Name: u.FullName, AccountID: u.AccountID, IP: ip}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		if err := t.voidLinks(u.ID); err != nil {
			return nil, err
		}
		if err := t.SetUserStatus(ctx, sqlcdb.SetUserStatusParams{ID: u.ID, Status: StatusActive,
			UpdatedAt: d.unix()}); err != nil {
			return nil, err
		}
		return one(change{Action: "user.activate", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			AccountID: u.AccountID, Before: map[string]string{"status": u.Status},
			After: map[string]string{"status": StatusActive, "provider": provider}}), nil
	})
}

// OIDCRefused counts a sign-in through the provider that failed before it
// named anyone (a state that does not match, a token that does not
// verify), toward the throttle of the address it came from (R-SEC-3), and
// returns the refusal, or ETOOMANY once the address is locked.
func (d *DB) OIDCRefused(ctx context.Context, ip string, refusal error) error {
	if _, err := d.reserveLoginAttempt(ctx, "oidc:"+ip, ip); err != nil {
		return err
	}
	return refusal
}

// passwordAllowed refuses password sign-in to the directory's users when
// the owner turned it off, the owner excepted. It reads the user only for
// an address in the directory's domains.
func (d *DB) passwordAllowed(ctx context.Context, email string) error {
	s, err := oidcSettings(ctx, d.rq)
	if err != nil || !s.Enabled || !s.PasswordOff || !s.domainAllowed(email) {
		return err
	}
	u, err := d.rq.GetUserByEmail(ctx, email)
	if err == nil && u.IsOwner == 1 {
		return nil
	}
	return Errorf(EFORBIDDEN, "oidc.password_off", "Provider", s.ButtonLabel())
}

// secondStepVia says how a second step's sign-in began: through the
// provider (its name kept with the step) or by password.
func (d *DB) secondStepVia(ctx context.Context, hash string) signInVia {
	p, err := d.rq.GetMFAChallengeProvider(ctx, hash)
	if err != nil || p == "" {
		return signInVia{}
	}
	return signInVia{Action: "user.login_oidc", After: map[string]any{"provider": p}}
}
