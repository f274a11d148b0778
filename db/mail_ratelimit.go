package db

import (
	"sync"
	"time"
)

// rateLimiter counts events per key in a sliding window, in memory: the
// forgot-password form's limits need no history beyond the window, and a
// restart forgiving them is harmless.
type rateLimiter struct {
	mu     sync.Mutex
	events map[string][]time.Time
	sweep  time.Time
}

// maxLimiterKeys bounds the memory a flood of distinct keys may take; past
// it, the limiter forgets everything rather than grow.
const maxLimiterKeys = 100_000

func newRateLimiter() *rateLimiter {
	return &rateLimiter{events: map[string][]time.Time{}}
}

// allow records an event for key at now unless key already had limit events
// within window; it then returns false and how long until the next is
// allowed.
func (r *rateLimiter) allow(key string, limit int, window time.Duration, now time.Time) (bool, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.sweep) > window || len(r.events) > maxLimiterKeys {
		r.forget(now, window)
	}
	kept := r.events[key][:0]
	for _, at := range r.events[key] {
		if now.Sub(at) < window {
			kept = append(kept, at)
		}
	}
	if len(kept) >= limit {
		r.events[key] = kept
		return false, kept[0].Add(window).Sub(now)
	}
	r.events[key] = append(kept, now)
	return true, 0
}

// forget drops keys whose events are all older than window.
func (r *rateLimiter) forget(now time.Time, window time.Duration) {
	r.sweep = now
	for k, evs := range r.events {
		if len(evs) == 0 || now.Sub(evs[len(evs)-1]) >= window {
			delete(r.events, k)
		}
	}
	if len(r.events) > maxLimiterKeys {
		clear(r.events)
	}
}
