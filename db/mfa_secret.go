package db

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// serverSecret is 32 random bytes in a file beside the database
// (SecretPath), made 0600 when a second factor first needs it. TOTP keys
// are encrypted with a key derived from it, and recovery codes hashed with
// another, so a copy of the database alone reveals neither. A restore needs
// the file too; without it every second factor must be reset
// (`kadra user reset-2fa`).
type serverSecret struct {
	mu      sync.Mutex
	aead    cipher.AEAD
	codeKey []byte
}

// SecretPath is where the server secret is kept: beside the database.
func (d *DB) SecretPath() string { return d.path + ".secret" }

// secretKeys reads the server secret, creating it at first need, and
// derives its keys once.
func (d *DB) secretKeys() (cipher.AEAD, []byte, error) {
	s := &d.secret
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.aead != nil {
		return s.aead, s.codeKey, nil
	}
	raw, err := readOrCreateSecret(d.SecretPath())
	if err != nil {
		return nil, nil, err
	}
	encKey, err := hkdf.Key(sha256.New, raw, nil, "kadra totp key encryption v1", 32)
	if err != nil {
		return nil, nil, err
	}
	codeKey, err := hkdf.Key(sha256.New, raw, nil, "kadra recovery code hash v1", 32)
	if err != nil {
		return nil, nil, err
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	s.aead, s.codeKey = aead, codeKey
	return aead, codeKey, nil
}

func readOrCreateSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		raw, err := hex.DecodeString(string(trimNewline(b)))
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("server secret %s: not 64 hex digits", path)
		}
		return raw, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process made it first
		return readOrCreateSecret(path)
	} else if err != nil {
		return nil, fmt.Errorf("create server secret: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(raw) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return raw, f.Close()
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// sealTOTP encrypts a TOTP key for the users table; the user's id is bound
// in, so a key copied to another user's row does not open.
func (d *DB) sealTOTP(userID int64, key string) (string, error) {
	aead, _, err := d.secretKeys()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := aead.Seal(nonce, nonce, []byte(key), []byte(fmt.Sprint(userID)))
	return base64.StdEncoding.EncodeToString(out), nil
}

func (d *DB) openTOTP(userID int64, sealed string) (string, error) {
	aead, _, err := d.secretKeys()
	if err != nil {
		return "", err
	}
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return "", errors.New("totp key: malformed")
	}
	key, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(fmt.Sprint(userID)))
	if err != nil {
		return "", fmt.Errorf("totp key: does not open with %s", d.SecretPath())
	}
	return string(key), nil
}

// recoveryHash is a recovery code's keyed hash: the codes carry 50 bits,
// too few to survive a plain hash in a stolen database.
func (d *DB) recoveryHash(code string) (string, error) {
	_, key, err := d.secretKeys()
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil)), nil
}
