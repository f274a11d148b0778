package db

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id costs (RFC 9106; OWASP's second option by default).
type HashParams struct {
	Time    uint32 // iterations
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultHashParams: t=2, m=19 MiB, p=1 (see BENCHMARKS.md for its cost).
var DefaultHashParams = HashParams{Time: 2, Memory: 19 * 1024, Threads: 1}

// TestHashParams are cheap enough for tests; never use them in production.
var TestHashParams = HashParams{Time: 1, Memory: 64, Threads: 1}

// Hasher hashes and verifies passwords, at most a few at once, so that a
// flood of sign-ins cannot exhaust memory (each hash holds Memory KiB).
type Hasher struct {
	p     HashParams
	slots chan struct{}
	dummy string
	// checks counts verifications, so that a test can prove the sign-in
	// limits bound them however many attempts arrive at once (R-SEC-3).
	checks atomic.Int64
}

// NewHasher returns a Hasher allowing one hash per CPU at a time.
func NewHasher(p HashParams) *Hasher {
	h := &Hasher{p: p, slots: make(chan struct{}, max(1, runtime.NumCPU()))}
	// A well-formed hash nobody's password matches, so that checking an
	// unknown address costs one hash like a known one; made without hashing,
	// so that start-up stays fast and small.
	b64 := base64.RawStdEncoding
	h.dummy = fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString([]byte("kadra-dummy-salt")), b64.EncodeToString(make([]byte, 32)))
	return h
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC string of password with a fresh salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.encode(salt, password), nil
}

func (h *Hasher) encode(salt []byte, password string) string {
	key := argon2.IDKey([]byte(password), salt, h.p.Time, h.p.Memory, h.p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.p.Memory, h.p.Time, h.p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether password matches the PHC string encoded, and
// whether the hash was made with other parameters and should be redone.
// An empty or malformed hash never matches, but costs the same time.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok, rehash bool, err error) {
	p, salt, key, perr := parsePHC(encoded)
	if perr != nil {
		p, salt, key, _ = parsePHC(h.dummy)
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	h.release()
	h.checks.Add(1)
	ok = subtle.ConstantTimeCompare(got, key) == 1 && perr == nil
	return ok, ok && p != h.p, nil
}

func parsePHC(s string) (HashParams, []byte, []byte, error) {
	var p HashParams
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id hash")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("argon2 params: %w", err)
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.Memory > 1<<21 || p.Time > 64 {
		return p, nil, nil, fmt.Errorf("argon2 params out of range")
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, err
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return p, nil, nil, fmt.Errorf("argon2 key")
	}
	return p, salt, key, nil
}

// PasswordPolicy is R-USER-4's policy with R-MFA-5's minimum strength. The
// default length is the floor; the owner may only lengthen it. The minimum
// strength is zxcvbn's score (0–4) the owner sets; the list of common
// passwords and the user's own name and e-mail are refused at any setting.
type PasswordPolicy struct {
	MinLength   int `json:"min_length"` // the audit's field names
	MinStrength int `json:"min_strength"`
}

// DefaultPasswordPolicy is the floor of R-USER-4 and R-MFA-5's default:
// strength 2 keeps out what an online attacker guesses in 10^6 tries.
var DefaultPasswordPolicy = PasswordPolicy{MinLength: 8, MinStrength: 2}

// MaxPasswordLength bounds hashing work per request.
const MaxPasswordLength = 256

// Rules lists the conditions of the policy, as messages for the form.
func (p PasswordPolicy) Rules() []Msg {
	return []Msg{
		M("password.rule.length", "Count", p.MinLength),
		M("password.rule.lower"), M("password.rule.upper"),
		M("password.rule.digit"), M("password.rule.special"),
	}
}

// Check returns one message per unmet condition of the policy (R-USER-4),
// in the order the policy lists them, then each reason the password is easy
// to guess (R-MFA-5, password.reason.*: common, personal, weak); none when
// the password is acceptable. personal are the user's name and e-mail.
func (p PasswordPolicy) Check(password string, personal ...string) []Msg {
	unmet, _ := p.check(password, personal)
	return unmet
}

func (p PasswordPolicy) check(password string, personal []string) ([]Msg, int) {
	var lower, upper, digit, special bool
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			special = true
		}
	}
	rules := p.Rules()
	var unmet []Msg
	n := utf8.RuneCountInString(password)
	if n < p.MinLength {
		unmet = append(unmet, rules[0])
	}
	for i, ok := range []bool{lower, upper, digit, special} {
		if !ok {
			unmet = append(unmet, rules[i+1])
		}
	}
	if n > MaxPasswordLength {
		unmet = append(unmet, M("password.rule.max", "Count", MaxPasswordLength))
		return unmet, 0
	}
	reasons, score := p.guessability(password, personal)
	return append(unmet, reasons...), score
}

// checkNewPassword validates a new password and its confirmation into v,
// under the field names given; personal are the user's name and e-mail,
// which the password must not contain (R-MFA-5). The field gets the list of
// unmet conditions, or when there are none the first reason the password
// is easy to guess.
func checkNewPassword(v *ValidationError, policy PasswordPolicy, field, password, confirmField, confirm string, personal ...string) {
	rules, reasons := splitUnmet(policy.Check(password, personal...))
	switch {
	case password == "":
		v.Add(field, M("error.required"))
	case len(rules) > 0:
		v.Add(field, M("password.unmet", "List", rules))
	case len(reasons) > 0:
		v.Add(field, reasons[0])
	}
	if confirmField != "" && password != confirm {
		v.Add(confirmField, M("password.mismatch"))
	}
}

// GeneratePassword returns a random 20-character password that meets the
// default policy: letters of both cases, digits and a special character.
func GeneratePassword() string {
	const (
		lower   = "abcdefghijkmnopqrstuvwxyz"
		upper   = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		digits  = "23456789"
		special = "!@*$&"
		all     = lower + upper + digits + special
	)
	pick := func(set string) byte { return set[randIndex(len(set))] }
	out := []byte{pick(lower), pick(upper), pick(digits), pick(special)}
	for len(out) < 20 {
		out = append(out, pick(all))
	}
	for i := len(out) - 1; i > 0; i-- { // so that the classes are not in fixed places
		j := randIndex(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

func randIndex(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return int(v.Int64())
}
