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
// often, nothing is refused.
//
// What it must hold, measured in a 30 s sign-in flood at 16 connections
// with the user list loaded beside it, at 100,000 users (BENCHMARKS.md,
// "Memory"): the two argon2id hashes the semaphore allows at once, 19 MiB
// each and allocated fresh by every call, and a live heap of about 12 MB
// (the password dictionaries, translations, the templates of the pages in
// use). That is some 52 MB live at worst; 112 MiB leaves it the room the
// collector's own default (a goal of twice the live heap) would, so the
// limit only stops the heap from growing past it. Its cycles are cheap
// because little of that heap holds pointers: templates are kept per page
// from first use and only with the partials each page calls, and the
// common-password list is one text. Against the former 192 MiB it cut the
// flood's peak RSS from 241 to 163 MB with as many sign-ins and list pages
// a second and no more collector CPU. 96 MiB took a third more collector
// CPU and was slower in some runs; 80 MiB left the heap no room over the
// two hashes, so the collector ran all the time.
const defaultMemoryLimit = "112MiB"

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
