package main

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

// The memory limit of "kadra serve" (issue 15): sizes with units, "off",
// and a refusal of what would only make the collector spin.
func TestMemoryLimitFlag(t *testing.T) {
	for in, want := range map[string]int64{"80MiB": 80 << 20, "128MB": 128_000_000, "1GiB": 1 << 30,
		"off": math.MaxInt64, "OFF": math.MaxInt64, "0": math.MaxInt64, "100000000": 100_000_000} {
		var m memoryLimit
		if err := m.Set(in); err != nil || m.bytes != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, m.bytes, err, want)
		}
	}
	for _, in := range []string{"", "lots", "-5MiB", "1MiB", "20MB"} {
		var m memoryLimit
		if err := m.Set(in); err == nil {
			t.Errorf("Set(%q) accepted: %d", in, m.bytes)
		}
	}
	var m memoryLimit
	if m.String() != defaultMemoryLimit {
		t.Errorf("unset limit reads %q", m.String())
	}
}

// The default applies unless GOMEMLIMIT is set; the flag wins over both.
func TestMemoryLimitApply(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	var m memoryLimit
	_ = m.Set("96MiB")
	if got := m.apply(); got != 96<<20 {
		t.Errorf("flag: limit %d", got)
	}
	var def memoryLimit
	if err := def.Set(defaultMemoryLimit); err != nil {
		t.Fatal(err)
	}
	m = memoryLimit{}
	if got := m.apply(); got == def.bytes {
		t.Errorf("GOMEMLIMIT set, yet the default %d was applied", got)
	}
}

// Without the flag, its environment twin or GOMEMLIMIT, kadra serve runs
// under the default limit (issue 15: sized by the sign-in flood at 100,000
// users, see main_memory.go).
func TestMemoryLimitDefault(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	var m memoryLimit
	if got := m.apply(); got != 112<<20 || debug.SetMemoryLimit(-1) != 112<<20 {
		t.Errorf("default limit %d, want 112MiB", got)
	}
}
