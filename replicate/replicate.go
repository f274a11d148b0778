// Package replicate streams kadra's database to a replica with Litestream
// (R-OPS-1) and rebuilds a database file from one. It writes no
// WAL-shipping code of its own: Litestream reads the WAL, ships it as LTX
// files and checkpoints; this package only wires it to kadra's flags, health
// and restore command.
package replicate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file" // file:// replicas, always built in
)

// SyncInterval is how often Litestream ships new WAL frames to the replica:
// the most an acknowledged write can be behind it when the machine dies.
const SyncInterval = time.Second

// DegradedAfter is how far behind the replica may fall before /healthz says
// replication is degraded: ten sync intervals, so that one slow upload does
// not raise an alarm.
const DegradedAfter = 10 * SyncInterval

// Replicator is a running Litestream replication of one database file.
type Replicator struct {
	url   string
	db    *litestream.DB
	store *litestream.Store
	now   func() time.Time
	stop  context.CancelFunc
	done  chan struct{}

	mu      sync.Mutex
	pending []seenTx // transactions read from the WAL and not yet seen on the replica, oldest first
}

// seenTx is when a transaction was first seen read from the WAL.
type seenTx struct {
	txid uint64
	at   time.Time
}

// sampleEvery is how often the positions are read, so that the lag of a
// transaction is known to this precision even under steady writes, when
// the replica is never quite level with the WAL.
const sampleEvery = 100 * time.Millisecond

// maxPending bounds the memory of a long outage: at ten new positions a
// second, over two hours.
const maxPending = 100_000

// Status is what /healthz, /metrics and Settings show of the replication.
type Status struct {
	URL         string    // the replica's address, without credentials
	LocalTXID   uint64    // the newest transaction Litestream has read from the WAL
	ReplicaTXID uint64    // the newest transaction the replica holds
	LastSync    time.Time // the last successful upload to the replica; zero if none yet
	Lag         time.Duration
	Degraded    bool
	Err         string // why the position could not be read, if it could not
}

// clientFor parses a replica address: file:///path always, s3://bucket/path
// when the binary is built with the S3 client.
func clientFor(rawURL string) (litestream.ReplicaClient, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("replica address: %w", err)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("replica address %q: a file:// address is file:///absolute/path", Redact(rawURL))
		}
	case "s3":
		if !s3Built {
			return nil, errors.New("this kadra was built without the S3 client (build tag kadra_nos3); use a file:// replica or the standard build")
		}
	default:
		return nil, fmt.Errorf("replica address %q: use file:///path or s3://bucket/path", Redact(rawURL))
	}
	return litestream.NewReplicaClientFromURL(rawURL)
}

// Redact hides a password in the address, should one be written into it.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable address)"
	}
	return u.Redacted()
}

// Start begins replicating the database file at path to rawURL. The file
// must already exist in WAL mode (db.Open makes it so). Litestream keeps
// its working files in the folder next to it, .NAME-litestream.
func Start(ctx context.Context, path, rawURL string, log *slog.Logger) (*Replicator, error) {
	client, err := clientFor(rawURL)
	if err != nil {
		return nil, err
	}
	lg := log.With("component", "litestream")
	ldb := litestream.NewDB(path)
	// The same wait as kadra's own connections (db/open.go), so that
	// Litestream's checkpoints queue behind a write instead of failing.
	ldb.BusyTimeout = 5 * time.Second
	r := litestream.NewReplicaWithClient(ldb, client)
	r.SyncInterval = SyncInterval
	if fc, ok := client.(*file.ReplicaClient); ok {
		fc.Replica = r // the replica's files take the database file's mode (0600)
	}
	ldb.Replica = r
	store := litestream.NewStore([]*litestream.DB{ldb}, litestream.CompactionLevels{
		{Level: 0},
		{Level: 1, Interval: 30 * time.Second},
		{Level: 2, Interval: 5 * time.Minute},
		{Level: 3, Interval: time.Hour},
	})
	store.Logger = lg
	ldb.SetLogger(lg)
	if err := store.Open(ctx); err != nil {
		return nil, fmt.Errorf("start replication to %s: %w", Redact(rawURL), err)
	}
	sctx, stop := context.WithCancel(context.Background())
	rep := &Replicator{url: Redact(rawURL), db: ldb, store: store, now: time.Now, stop: stop, done: make(chan struct{})}
	go rep.sampleLoop(sctx)
	return rep, nil
}

func (r *Replicator) sampleLoop(ctx context.Context) {
	defer close(r.done)
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.sample()
		}
	}
}

// sample reads both positions: a new local transaction joins pending, and
// those the replica now holds leave it. It returns both positions.
func (r *Replicator) sample() (local, replica uint64, err error) {
	pos, err := r.db.Pos()
	local = uint64(pos.TXID)
	if rp := r.db.Replica; rp != nil {
		replica = uint64(rp.Pos().TXID)
	}
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil && local > replica && len(r.pending) < maxPending &&
		(len(r.pending) == 0 || r.pending[len(r.pending)-1].txid < local) {
		r.pending = append(r.pending, seenTx{local, now})
	}
	i := 0
	for i < len(r.pending) && r.pending[i].txid <= replica {
		i++
	}
	r.pending = r.pending[i:]
	return local, replica, err
}

// Close ships what is left and stops. Call it after kadra's own
// connections are closed (Litestream's library rule).
func (r *Replicator) Close(ctx context.Context) error {
	r.stop()
	<-r.done
	return r.store.Close(ctx)
}

// Status reads the replication's position; it does no network I/O. The lag
// is how long the oldest transaction not yet on the replica has waited
// since Litestream read it from the WAL (it reads every second); zero when
// the replica holds everything read.
func (r *Replicator) Status() Status {
	local, replica, err := r.sample()
	st := Status{URL: r.url, LastSync: r.db.LastSuccessfulSyncAt(), LocalTXID: local, ReplicaTXID: replica}
	if err != nil {
		st.Err = err.Error()
	}
	r.mu.Lock()
	if len(r.pending) > 0 {
		st.Lag = r.now().Sub(r.pending[0].at)
	}
	r.mu.Unlock()
	st.Degraded = err != nil || st.Lag > DegradedAfter
	return st
}

// State is a one-word summary: ok, degraded.
func (s Status) State() string {
	if s.Degraded {
		return "degraded"
	}
	return "ok"
}
