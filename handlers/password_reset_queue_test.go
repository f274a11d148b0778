package handlers

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"kadra/db"
)

// lockedBuffer is a log sink the worker and the test may write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// R-SEC-6: the forgot-password queue holds at most resetQueueSize requests
// while its worker is busy and drops the rest with a log line; close runs
// every request it took, then refuses more.
func TestResetQueueBounded(t *testing.T) {
	var logs lockedBuffer
	started, release := make(chan struct{}, 1), make(chan struct{})
	var sent atomic.Int64
	q := newResetQueue(context.Background(), func(context.Context, db.ForgotPasswordInput) error {
		select {
		case started <- struct{}{}:
		default:
		}
		<-release
		sent.Add(1)
		return nil
	}, slog.New(slog.NewTextHandler(&logs, nil)))

	q.add(db.ForgotPasswordInput{Email: "first@example.pl"})
	<-started // the worker holds the first request
	const extra = 5
	for range resetQueueSize + extra {
		q.add(db.ForgotPasswordInput{Email: "more@example.pl", IP: "192.0.2.1"})
	}
	if n := strings.Count(logs.String(), "queue full"); n != extra {
		t.Fatalf("%d requests dropped, want %d:\n%s", n, extra, logs.String())
	}
	close(release)
	q.close()
	if n := sent.Load(); n != 1+resetQueueSize {
		t.Fatalf("%d requests run, want %d", n, 1+resetQueueSize)
	}
	q.add(db.ForgotPasswordInput{Email: "late@example.pl"})
	if !strings.Contains(logs.String(), "the server is stopping") {
		t.Fatal("a request after close was not dropped")
	}
	q.close() // twice is harmless
}
