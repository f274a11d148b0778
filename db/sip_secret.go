package db

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"math/big"
	"strings"
	"unicode/utf8"
)

// SIP passwords (R-SIP-3) are never stored: only the digests that SIP
// digest authentication needs. HA1 = md5(user:realm:password) is what
// Kamailio's auth_db (calculate_ha1=0) and Asterisk's md5_cred read; HA1B =
// md5(user@realm:realm:password) serves phones that send the user with the
// domain.

func ha1For(extension, realm, secret string) string {
	sum := md5.Sum([]byte(extension + ":" + realm + ":" + secret))
	return hex.EncodeToString(sum[:])
}

func ha1bFor(extension, realm, secret string) string {
	sum := md5.Sum([]byte(extension + "@" + realm + ":" + realm + ":" + secret))
	return hex.EncodeToString(sum[:])
}

// sipSecretAlphabet leaves out characters people confuse when they copy a
// password into a phone's keypad or web page (0/O, 1/l/I).
const sipSecretAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// SIPSecretLength is the length of generated SIP passwords: 20 characters of
// a 57-letter alphabet, about 116 bits.
const SIPSecretLength = 20

// generateSIPSecret returns a fresh random SIP password with at least one
// letter and one digit, so that it also passes the typed-password policy.
func generateSIPSecret() (string, error) {
	max := big.NewInt(int64(len(sipSecretAlphabet)))
	for {
		b := make([]byte, SIPSecretLength)
		for i := range b {
			n, err := rand.Int(rand.Reader, max)
			if err != nil {
				return "", err
			}
			b[i] = sipSecretAlphabet[n.Int64()]
		}
		s := string(b)
		if strings.ContainsAny(s, "23456789") && strings.IndexFunc(s, isASCIILetter) >= 0 {
			return s, nil
		}
	}
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// The policy for a SIP password an admin types instead of generating one. It
// is separate from the panel's password policy (R-USER-4): phones store it,
// nobody types it daily, and it only ever meets a digest, so length matters
// and exotic characters only break phones' configuration pages.
const (
	SIPSecretMinLength = 12
	SIPSecretMaxLength = 64
)

// checkSIPSecret validates a typed SIP password into v under field.
func checkSIPSecret(v *ValidationError, field, secret, extension string) {
	n := utf8.RuneCountInString(secret)
	switch {
	case secret == "":
		v.Add(field, M("error.required"))
	case n < SIPSecretMinLength || n > SIPSecretMaxLength:
		v.Add(field, M("sip.password.length", "Min", SIPSecretMinLength, "Max", SIPSecretMaxLength))
	case strings.IndexFunc(secret, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0:
		v.Add(field, M("sip.password.chars"))
	case !strings.ContainsAny(secret, "0123456789") || strings.IndexFunc(secret, isASCIILetter) < 0:
		v.Add(field, M("sip.password.mix"))
	case extension != "" && strings.Contains(strings.ToLower(secret), strings.ToLower(extension)):
		v.Add(field, M("sip.password.extension"))
	}
}

// Password modes of the SIP forms: generate a strong password, or take the
// one the admin typed.
const (
	SIPPasswordGenerate = "generate"
	SIPPasswordTyped    = "typed"
)

// sipSecretFrom picks the new password: a generated one unless the admin
// chose to type one (mode "typed", or in the API any non-empty password with
// no mode). Problems go into v under field.
func sipSecretFrom(v *ValidationError, field, mode, typed, extension string) (string, error) {
	if mode == "" && typed != "" {
		mode = SIPPasswordTyped
	}
	switch mode {
	case "", SIPPasswordGenerate:
		return generateSIPSecret()
	case SIPPasswordTyped:
		checkSIPSecret(v, field, typed, extension)
		return typed, nil
	default:
		v.Add("password_mode", M("sip.password.mode"))
		return "", nil
	}
}
