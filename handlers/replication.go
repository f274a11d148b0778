package handlers

import (
	"fmt"
	"io"
	"time"

	"kadra/replicate"
)

// replicationJSON is the "replication" object of /healthz.
type replicationJSON struct {
	State       string  `json:"state"` // ok or degraded
	LagSeconds  float64 `json:"lag_seconds"`
	LastSync    string  `json:"last_sync,omitempty"` // RFC 3339; absent before the first
	LocalTXID   uint64  `json:"local_txid"`
	ReplicaTXID uint64  `json:"replica_txid"`
	Error       string  `json:"error,omitempty"`
}

func replicationHealth(st replicate.Status) replicationJSON {
	j := replicationJSON{State: st.State(), LagSeconds: st.Lag.Seconds(), LocalTXID: st.LocalTXID,
		ReplicaTXID: st.ReplicaTXID, Error: st.Err}
	if !st.LastSync.IsZero() {
		j.LastSync = st.LastSync.UTC().Format(time.RFC3339)
	}
	return j
}

// writeReplicationMetrics adds the replication's gauges to /metrics
// (R-OPS-1); nothing without replication.
func writeReplicationMetrics(w io.Writer, r *replicate.Replicator) {
	if r == nil {
		return
	}
	st := r.Status()
	degraded := 0
	if st.Degraded {
		degraded = 1
	}
	var last float64
	if !st.LastSync.IsZero() {
		last = float64(st.LastSync.UnixMilli()) / 1000
	}
	fmt.Fprintf(w, "kadra_replication_lag_seconds %g\n", st.Lag.Seconds())
	fmt.Fprintf(w, "kadra_replication_last_sync_timestamp_seconds %g\n", last)
	fmt.Fprintf(w, "kadra_replication_degraded %d\n", degraded)
	fmt.Fprintf(w, "kadra_replication_local_txid %d\n", st.LocalTXID)
	fmt.Fprintf(w, "kadra_replication_replica_txid %d\n", st.ReplicaTXID)
}
