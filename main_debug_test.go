package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// The profiler shows the process's memory, which may hold secrets
// (R-SEC-5): --debug-addr listens on a loopback address only, never on
// every interface or a public one.
func TestDebugAddrLoopbackOnly(t *testing.T) {
	for _, addr := range []string{":6060", "0.0.0.0:6060", "[::]:6060", "192.0.2.7:6060", "6060", "nohost.invalid:6060"} {
		if ln, err := debugListen(addr); err == nil {
			ln.Close()
			t.Errorf("--debug-addr %q accepted", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		ln, err := debugListen(addr)
		if err != nil {
			t.Errorf("--debug-addr %q refused: %v", addr, err)
			continue
		}
		ln.Close()
	}
}

// The debug listener serves the profiler and the memory figures that the
// memory benchmarks read (issue 15).
func TestDebugListenerServes(t *testing.T) {
	ln, err := debugListen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { serveDebug(ctx, ln, slog.New(slog.DiscardHandler)); close(done) }()
	defer func() { cancel(); <-done }()
	get := func(path string) string {
		res, err := http.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		return string(b)
	}
	mem := get("/debug/memory")
	for _, want := range []string{"/gc/heap/live:bytes ", "/gc/gomemlimit:bytes ", "VmRSS ", "VmHWM "} {
		if !strings.Contains(mem, want) {
			t.Errorf("/debug/memory lacks %q:\n%s", want, mem)
		}
	}
	if !strings.Contains(get("/debug/pprof/"), "heap") {
		t.Error("no profiler index")
	}
}
