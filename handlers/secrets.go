package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"kadra/db"
)

// onceSecrets carries SIP passwords from the POST that sets them to the one
// page that shows them (R-SIP-3), so that the form can redirect (no
// resubmission on reload) without the password travelling in a URL or a
// cookie. Entries live in memory only, belong to one session, expire after
// a few minutes and are gone once read: reloading the page shows nothing.
type onceSecrets struct {
	mu  sync.Mutex
	m   map[string]onceSecret
	ttl time.Duration
	max int // entries kept at once (R-SEC-6); past it the oldest goes
}

type onceSecret struct {
	session string
	items   []db.SIPSecret
	expires time.Time
}

func newOnceSecrets() *onceSecrets {
	return &onceSecrets{m: map[string]onceSecret{}, ttl: 10 * time.Minute, max: 10_000}
}

// put keeps items for session and returns the token that reads them once.
func (o *onceSecrets) put(session string, items []db.SIPSecret) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	now := time.Now()
	o.mu.Lock()
	defer o.mu.Unlock()
	oldest := ""
	for k, v := range o.m {
		if now.After(v.expires) {
			delete(o.m, k)
		} else if oldest == "" || v.expires.Before(o.m[oldest].expires) {
			oldest = k
		}
	}
	// Expiry alone would let a loop of requests fill memory within the
	// ttl; a password not shown in time can be set again.
	if len(o.m) >= o.max {
		delete(o.m, oldest)
	}
	o.m[token] = onceSecret{session: session, items: items, expires: now.Add(o.ttl)}
	return token
}

// take returns the items of token once, only to the session that made them.
func (o *onceSecrets) take(session, token string) []db.SIPSecret {
	if token == "" {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	v, ok := o.m[token]
	if !ok || v.session != session {
		return nil
	}
	delete(o.m, token)
	if time.Now().After(v.expires) {
		return nil
	}
	return v.items
}
