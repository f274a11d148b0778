package handlers

import "testing"

// R-SEC-6: the one-time SIP passwords kept between a POST and its page are
// bounded in number, not only in time, so a loop of requests within the
// ttl cannot grow the server's memory.
func TestOnceSecretsBounded(t *testing.T) {
	o := newOnceSecrets()
	o.max = 5
	var first string
	for i := range 50 {
		tok := o.put("session", nil)
		if i == 0 {
			first = tok
		}
	}
	if len(o.m) > o.max {
		t.Fatalf("%d secrets kept, bound %d", len(o.m), o.max)
	}
	if _, ok := o.m[first]; ok {
		t.Fatal("the oldest secret was kept past the bound")
	}
}
