package main

import (
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strings"

	"github.com/dustin/go-humanize"
)

// defaultMemoryLimit is the Go runtime's soft memory limit (GOMEMLIMIT)
// of "kadra serve" unless --memory-limit, KADRA_MEMORY_LIMIT or GOMEMLIMIT
// says otherwise. It is a soft limit: above it the collector runs more
// often, nothing is refused. 80 MiB kept the RSS lowest but left too
// little room over the two argon2id hashes the semaphore allows at once
// (19 MiB each, allocated fresh), the templates, translations and password
// dictionaries (about 30 MiB): the collector then ran all the time, and at
// 100,000 users pages and sign-ins were two to three times slower than at
// 192 MiB (BENCHMARKS.md, "Speed at 100,000 users").
const defaultMemoryLimit = "192MiB"

// memoryLimit is the value of --memory-limit: a size such as 80MiB, 128MB,
// 1GiB or a byte count, or "off" for no limit.
type memoryLimit struct {
	bytes int64
	set   bool
}

func (m *memoryLimit) String() string {
	if m == nil || !m.set {
		return defaultMemoryLimit
	}
	if m.bytes == math.MaxInt64 {
		return "off"
	}
	return humanize.IBytes(uint64(m.bytes))
}

func (m *memoryLimit) Set(v string) error {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "off") || v == "0" {
		m.bytes, m.set = math.MaxInt64, true
		return nil
	}
	n, err := humanize.ParseBytes(v)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return fmt.Errorf("memory limit %q: want a size such as 80MiB or 1GiB, or off", v)
	}
	if n < 32<<20 {
		return fmt.Errorf("memory limit %q: below 32MiB kadra would spend its time collecting garbage", v)
	}
	m.bytes, m.set = int64(n), true
	return nil
}

// apply sets the runtime's soft memory limit: the flag or its environment
// twin when given; otherwise GOMEMLIMIT when set (the runtime has read it
// already); otherwise the default. It returns the limit in force.
func (m *memoryLimit) apply() int64 {
	if !m.set {
		if _, ok := os.LookupEnv("GOMEMLIMIT"); ok {
			m.bytes, m.set = debug.SetMemoryLimit(-1), true
			return m.bytes
		}
		if err := m.Set(defaultMemoryLimit); err != nil {
			panic(err)
		}
	}
	debug.SetMemoryLimit(m.bytes)
	return m.bytes
}
