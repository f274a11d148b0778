package handlers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"kadra/db"
)

// The forgot-password form answers before it looks the address up: the
// look-up, the link and the mail (a write and a template) took ~0.5 ms
// more for an address that exists, which a stopwatch could tell. The work
// goes to one worker through a queue of fixed size; when the queue is full
// the request is dropped with a log line, so that a flood cannot grow the
// server's memory (R-SEC-6). The rate limits run before the queue, so a
// full queue means many addresses or many clients at once.
const (
	resetQueueSize = 256
	resetJobLimit  = 30 * time.Second // one look-up and one mail written
)

// resetQueue runs db.SendPasswordReset after the answer, one request at a
// time.
type resetQueue struct {
	send func(context.Context, db.ForgotPasswordInput) error
	log  *slog.Logger

	mu     sync.Mutex // guards closed, so that add never sends on a closed channel
	closed bool
	jobs   chan db.ForgotPasswordInput
	done   chan struct{}
}

// newResetQueue starts the worker. Its jobs run under ctx, the server's
// lifetime, without its cancellation: a request already answered "a link
// is on its way" is finished when the server stops (close drains the
// queue), each within resetJobLimit.
func newResetQueue(ctx context.Context, send func(context.Context, db.ForgotPasswordInput) error, log *slog.Logger) *resetQueue {
	q := &resetQueue{send: send, log: log, jobs: make(chan db.ForgotPasswordInput, resetQueueSize),
		done: make(chan struct{})}
	go q.run(context.WithoutCancel(ctx))
	return q
}

// add queues a request without waiting; a full or closed queue drops it.
func (q *resetQueue) add(in db.ForgotPasswordInput) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		q.log.Warn("forgot-password request dropped: the server is stopping", "ip", in.IP)
		return
	}
	select {
	case q.jobs <- in:
	default:
		q.log.Warn("forgot-password request dropped: queue full", "ip", in.IP, "size", resetQueueSize)
	}
}

func (q *resetQueue) run(ctx context.Context) {
	defer close(q.done)
	for in := range q.jobs {
		jctx, cancel := context.WithTimeout(ctx, resetJobLimit)
		if err := q.send(jctx, in); err != nil {
			q.log.Error("forgot-password request", "ip", in.IP, "err", err)
		}
		cancel()
	}
}

// close stops taking requests and returns once those queued are done.
func (q *resetQueue) close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.jobs)
	}
	q.mu.Unlock()
	<-q.done
}
