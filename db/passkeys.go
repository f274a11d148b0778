package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"kadra/db/internal/sqlcdb"
)

// Passkeys (R-MFA-2) are WebAuthn credentials that need the user's own
// verification (a fingerprint, a face or the device PIN) at every use: a
// passkey is what the user has and is or knows at once, so it signs in
// without password and code, and it counts as a second factor.
const (
	passkeyCeremonyTTL   = 5 * time.Minute
	passkeyNameMax       = 60
	passkeysPerUser      = 20
	passkeyLoginsPerIP   = 100    // sign-in ceremonies one client may keep waiting
	passkeyLoginsWaiting = 10_000 // and all clients together
)

// newRelyingParty makes the WebAuthn relying party of the panel's base URL:
// its host is the RP ID and its origin the only one accepted. Browsers
// offer passkeys only on https or on localhost, and never for an IP
// address, so an address base URL gives none (nil).
func newRelyingParty(baseURL string) *webauthn.WebAuthn {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || u.Hostname() == "" || net.ParseIP(u.Hostname()) != nil {
		return nil
	}
	if u.Scheme != "https" && u.Hostname() != "localhost" && !strings.HasSuffix(u.Hostname(), ".localhost") {
		return nil
	}
	rp, err := webauthn.New(&webauthn.Config{RPID: u.Hostname(), RPDisplayName: "kadra",
		RPOrigins: []string{u.Scheme + "://" + u.Host}})
	if err != nil {
		return nil
	}
	return rp
}

// PasskeysAvailable says whether this installation offers passkeys: its
// base URL is https, or localhost.
func (d *DB) PasskeysAvailable() bool { return d.rp != nil }

// Passkey is one of a user's passkeys, as the profile lists it.
type Passkey struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// PasskeyCeremony is a WebAuthn ceremony begun: its id, for the finish,
// and the options the browser passes to navigator.credentials.
type PasskeyCeremony struct {
	ID      string          `json:"ceremony"`
	Options json.RawMessage `json:"options"`
}

// passkeyUser is a kadra user as go-webauthn sees one.
type passkeyUser struct {
	handle []byte
	email  string
	name   string
	creds  []webauthn.Credential
	ids    []int64 // the passkeys' row ids, in the order of creds
}

func (u *passkeyUser) WebAuthnID() []byte                         { return u.handle }
func (u *passkeyUser) WebAuthnName() string                       { return u.email }
func (u *passkeyUser) WebAuthnDisplayName() string                { return u.name }
func (u *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// loadPasskeyUser reads a user's handle and credentials; a user without a
// handle gets none (handle nil) unless create is set.
func loadPasskeyUser(ctx context.Context, q *sqlcdb.Queries, userID int64, email, name string) (*passkeyUser, error) {
	u := &passkeyUser{email: email, name: name}
	h, err := q.GetPasskeyHandle(ctx, userID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	u.handle = h
	rows, err := q.PasskeyCredentials(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(r.Credential), &c); err != nil {
			return nil, err
		}
		u.creds, u.ids = append(u.creds, c), append(u.ids, r.ID)
	}
	return u, nil
}

// MyPasskeys lists the actor's own passkeys, oldest first.
func (d *DB) MyPasskeys(ctx context.Context, a Actor) ([]Passkey, error) {
	if !a.Valid() {
		return nil, errUnauthorized
	}
	rows, err := d.rq.ListPasskeys(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	out := make([]Passkey, len(rows))
	for i, r := range rows {
		out[i] = Passkey{ID: r.ID, Name: r.Name, CreatedAt: time.Unix(r.CreatedAt, 0)}
		if r.LastUsedAt.Valid {
			t := time.Unix(r.LastUsedAt.Int64, 0)
			out[i].LastUsedAt = &t
		}
	}
	return out, nil
}

// BeginPasskey starts registering a passkey for the actor: the options for
// navigator.credentials.create, asking for a discoverable credential and
// the user's verification, and excluding the passkeys they have. A newer
// registration replaces one not finished. Refused while impersonated
// (R-SEC-9), and where passkeys are not offered. The name is checked now
// as well as at the finish, so that the browser is never asked to make a
// passkey that cannot be kept.
func (d *DB) BeginPasskey(ctx context.Context, a Actor, name string) (PasskeyCeremony, error) {
	if err := mayChangeOwnCredentials(a); err != nil {
		return PasskeyCeremony{}, err
	}
	if d.rp == nil {
		return PasskeyCeremony{}, Errorf(EINVALID, "passkey.unavailable")
	}
	var out PasskeyCeremony
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		u, pu, err := t.passkeyOwner(a, name)
		if err != nil {
			return nil, err
		}
		if len(pu.creds) >= passkeysPerUser {
			return nil, Errorf(EINVALID, "passkey.too_many", "Count", passkeysPerUser)
		}
		if pu.handle == nil {
			pu.handle = make([]byte, 32)
			if _, err := rand.Read(pu.handle); err != nil {
				return nil, err
			}
			if err := t.AddPasskeyHandle(ctx, sqlcdb.AddPasskeyHandleParams{UserID: u.ID, Handle: pu.handle}); err != nil {
				return nil, err
			}
		}
		exclude := make([]protocol.CredentialDescriptor, len(pu.creds))
		for i := range pu.creds {
			exclude[i] = pu.creds[i].Descriptor()
		}
		creation, session, err := d.rp.BeginRegistration(pu,
			webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
				ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
				UserVerification: protocol.VerificationRequired}),
			webauthn.WithExclusions(exclude))
		if err != nil {
			return nil, err
		}
		if err := t.DeleteUserPasskeyCeremonies(ctx, sql.NullInt64{Int64: u.ID, Valid: true}); err != nil {
			return nil, err
		}
		out, err = t.saveCeremony("register", u.ID, "", creation, session)
		return nil, err
	})
	return out, err
}

// passkeyOwner is the actor registering a passkey under name: their row
// and their passkeys, once the name is checked.
func (t *tx) passkeyOwner(a Actor, name string) (sqlcdb.User, *passkeyUser, error) {
	if err := t.checkPasskeyName(a.UserID, name); err != nil {
		return sqlcdb.User{}, nil, err
	}
	u, err := t.GetUser(t.ctx, a.UserID)
	if err != nil {
		return u, nil, notFound(err)
	}
	pu, err := loadPasskeyUser(t.ctx, t.Queries, u.ID, u.Email, u.FullName)
	return u, pu, err
}

// saveCeremony keeps a ceremony's state, single-use, for passkeyCeremonyTTL.
func (t *tx) saveCeremony(kind string, userID int64, ip string, options any, session *webauthn.SessionData) (PasskeyCeremony, error) {
	raw, hash, err := newSecret("")
	if err != nil {
		return PasskeyCeremony{}, err
	}
	opts, err := json.Marshal(options)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	state, err := json.Marshal(session)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	err = t.CreatePasskeyCeremony(t.ctx, sqlcdb.CreatePasskeyCeremonyParams{IDHash: hash, Kind: kind,
		UserID: sql.NullInt64{Int64: userID, Valid: userID != 0}, Ip: ip, Session: string(state),
		ExpiresAt: t.d.unix() + int64(passkeyCeremonyTTL/time.Second)})
	return PasskeyCeremony{ID: raw, Options: opts}, err
}

// takeCeremony reads and ends a ceremony; ENOTFOUND ("passkey.expired")
// when it is unknown, of another kind or user, or expired.
func (t *tx) takeCeremony(kind, id string, userID int64) (webauthn.SessionData, error) {
	var s webauthn.SessionData
	if id == "" {
		return s, Errorf(ENOTFOUND, "passkey.expired")
	}
	c, err := t.TakePasskeyCeremony(t.ctx, sqlcdb.TakePasskeyCeremonyParams{IDHash: hashSecret(id), Kind: kind})
	if errors.Is(err, sql.ErrNoRows) {
		return s, Errorf(ENOTFOUND, "passkey.expired")
	} else if err != nil {
		return s, err
	}
	if t.d.unix() >= c.ExpiresAt || (userID != 0 && c.UserID.Int64 != userID) {
		return s, Errorf(ENOTFOUND, "passkey.expired")
	}
	return s, json.Unmarshal([]byte(c.Session), &s)
}

// PasskeyInput finishes a ceremony: its id, the browser's answer (the
// PublicKeyCredential as JSON) and, for a registration, the passkey's name.
type PasskeyInput struct {
	Ceremony  string `json:"ceremony"`
	Name      string `json:"name"`
	Response  json.RawMessage
	IP        string `json:"-"`
	UserAgent string `json:"-"`
}

// FinishPasskey checks the browser's answer to BeginPasskey and keeps the
// passkey under its name (R-MFA-2), audited. Returns EINVALID on "name"
// (empty, too long, taken among the user's passkeys, unsafe characters),
// EINVALID "passkey.failed" when the browser's answer does not verify,
// ENOTFOUND "passkey.expired".
func (d *DB) FinishPasskey(ctx context.Context, a Actor, in PasskeyInput) (Passkey, error) {
	if err := mayChangeOwnCredentials(a); err != nil {
		return Passkey{}, err
	}
	if d.rp == nil {
		return Passkey{}, Errorf(EINVALID, "passkey.unavailable")
	}
	name := strings.TrimSpace(in.Name)
	parsed, err := protocol.ParseCredentialCreationResponseBytes(in.Response)
	if err != nil {
		return Passkey{}, Errorf(EINVALID, "passkey.failed")
	}
	var out Passkey
	err = d.update(ctx, a, func(t *tx) ([]change, error) {
		session, err := t.takeCeremony("register", in.Ceremony, a.UserID)
		if err != nil {
			return nil, err
		}
		u, pu, err := t.passkeyOwner(a, name)
		if err != nil {
			return nil, err
		}
		cred, err := d.rp.CreateCredential(pu, session, parsed)
		if err != nil {
			return nil, Errorf(EINVALID, "passkey.failed")
		}
		record, err := json.Marshal(cred)
		if err != nil {
			return nil, err
		}
		now := d.unix()
		id, err := t.AddPasskey(ctx, sqlcdb.AddPasskeyParams{UserID: u.ID, CredentialID: cred.ID, Name: name,
			Credential: string(record), CreatedAt: now})
		if err != nil {
			return nil, err
		}
		out = Passkey{ID: id, Name: name, CreatedAt: time.Unix(now, 0)}
		return one(change{Action: "user.passkey_add", TargetType: "user", TargetID: u.ID, TargetLabel: u.Email,
			After: map[string]string{"passkey": name}}), nil
	})
	return out, err
}

// checkPasskeyName refuses, on the field "name", a passkey name that is
// empty, too long, unsafe to show (R-SEC-8) or one the user already has.
func (t *tx) checkPasskeyName(userID int64, name string) error {
	name = strings.TrimSpace(name)
	var v ValidationError
	switch {
	case name == "":
		v.Add("name", M("error.required"))
	case utf8.RuneCountInString(name) > passkeyNameMax:
		v.Add("name", M("error.too_long", "Max", passkeyNameMax))
	case checkText(&v, "name", name, false):
		n, err := t.CountPasskeyNamed(t.ctx, sqlcdb.CountPasskeyNamedParams{UserID: userID, Name: name})
		if err != nil {
			return err
		}
		if n > 0 {
			v.Conflict("name", M("passkey.name_taken"))
		}
	}
	return v.Err()
}

// RemovePasskey removes one of the actor's passkeys, with their password
// like every lasting change to one's credentials; refused while
// impersonated (R-SEC-9). A user whose role requires a second factor and
// who has none left is sent to enrol again (R-MFA-3). Returns ENOTFOUND
// for a passkey not theirs.
func (d *DB) RemovePasskey(ctx context.Context, a Actor, id int64, password string) error {
	if err := d.checkOwnPassword(ctx, a, password); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		p, err := t.GetPasskey(ctx, id)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && p.UserID != a.UserID) {
			return nil, errNotFound
		} else if err != nil {
			return nil, err
		}
		if _, err := t.DeletePasskey(ctx, sqlcdb.DeletePasskeyParams{ID: id, UserID: a.UserID}); err != nil {
			return nil, err
		}
		return one(change{Action: "user.passkey_remove", TargetType: "user", TargetID: a.UserID, TargetLabel: a.Email,
			Before: map[string]string{"passkey": p.Name}}), nil
	})
}

// BeginPasskeyLogin starts a sign-in with a passkey (R-MFA-2): options for
// navigator.credentials.get without a user, since the passkey names its
// user. previous, the ceremony this browser started before (from its
// cookie), is dropped. Anyone may call it, so the ceremonies waiting are
// bounded per client address and in all (ETOOMANY).
func (d *DB) BeginPasskeyLogin(ctx context.Context, ip, previous string) (PasskeyCeremony, error) {
	if d.rp == nil {
		return PasskeyCeremony{}, Errorf(EINVALID, "passkey.unavailable")
	}
	assertion, session, err := d.rp.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return PasskeyCeremony{}, err
	}
	var out PasskeyCeremony
	err = d.update(ctx, Actor{IP: ip}, func(t *tx) ([]change, error) {
		if err := t.DeleteExpiredPasskeyCeremonies(ctx, d.unix()); err != nil {
			return nil, err
		}
		if previous != "" {
			if err := t.DeletePasskeyCeremony(ctx, hashSecret(previous)); err != nil {
				return nil, err
			}
		}
		n, err := t.CountPasskeyCeremonies(ctx, ip)
		if err != nil {
			return nil, err
		}
		if n.Total >= passkeyLoginsWaiting || n.FromIp >= passkeyLoginsPerIP {
			return nil, Errorf(ETOOMANY, "passkey.busy")
		}
		out, err = t.saveCeremony("login", 0, ip, assertion, session)
		return nil, err
	})
	return out, err
}

// LoginPasskey checks a passkey's answer to BeginPasskeyLogin and opens a
// session for its user: no password, no code (R-MFA-2). Every attempt is
// counted toward the sign-in throttle of the client's address before it
// is checked (R-SEC-3). Returns EUNAUTHORIZED "passkey.failed" for an
// answer that does not verify or a passkey nobody holds, EFORBIDDEN for a
// blocked user, ENOTFOUND "passkey.expired", ETOOMANY.
func (d *DB) LoginPasskey(ctx context.Context, in PasskeyInput) (string, error) {
	if d.rp == nil {
		return "", Errorf(EINVALID, "passkey.unavailable")
	}
	attempt, err := d.reserveLoginAttempt(ctx, "", in.IP)
	if err != nil {
		return "", err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(in.Response)
	if err != nil {
		return "", Errorf(EUNAUTHORIZED, "passkey.failed")
	}
	var user sqlcdb.PasskeyUserByHandleRow
	verified := false
	err = d.update(ctx, Actor{IP: in.IP}, func(t *tx) ([]change, error) {
		session, err := t.takeCeremony("login", in.Ceremony, 0)
		if err != nil {
			return nil, err
		}
		var pu *passkeyUser
		found := func(_, handle []byte) (webauthn.User, error) {
			if user, err = t.PasskeyUserByHandle(ctx, handle); err != nil {
				return nil, err
			}
			pu, err = loadPasskeyUser(ctx, t.Queries, user.UserID, user.Email, user.FullName)
			return pu, err
		}
		_, cred, err := d.rp.ValidatePasskeyLogin(found, session, parsed)
		if err != nil || cred.Authenticator.CloneWarning {
			// The ceremony is spent either way: its delete commits.
			return nil, nil
		}
		record, err := json.Marshal(cred)
		if err != nil {
			return nil, err
		}
		for i := range pu.creds {
			if string(pu.creds[i].ID) == string(cred.ID) {
				verified = true
				return nil, t.UsePasskey(ctx, sqlcdb.UsePasskeyParams{ID: pu.ids[i], Credential: string(record),
					LastUsedAt: sql.NullInt64{Int64: d.unix(), Valid: true}})
			}
		}
		return nil, nil
	})
	if err != nil {
		return "", err
	}
	if !verified {
		return "", Errorf(EUNAUTHORIZED, "passkey.failed")
	}
	switch user.Status {
	case StatusActive:
	case StatusBlocked:
		return "", Errorf(EFORBIDDEN, "login.blocked")
	default:
		return "", Errorf(EUNAUTHORIZED, "passkey.failed")
	}
	// The passkey was right: the attempt is no failure, and it clears the
	// user's own, like a right password.
	if err := sqlcdb.New(d.write).DeleteLoginFailure(ctx, attempt); err != nil {
		return "", err
	}
	return d.openSession(ctx, user.UserID, user.Email, user.AccountID, user.Email, attempt, "",
		LoginInput{IP: in.IP, UserAgent: in.UserAgent})
}
