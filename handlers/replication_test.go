package handlers_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"kadra/db/dbtest"
	"kadra/handlers"
	"kadra/replicate"
)

// R-OPS-1: with a replica, /healthz and /metrics show the replication's
// state, lag and last sync, and the owner's Settings page shows the replica.
func TestReplicationShown(t *testing.T) {
	d, _ := dbtest.Setup(t)
	rep, err := replicate.Start(t.Context(), d.Path(), "file://"+filepath.Join(t.TempDir(), "replica"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close(context.Background()) })
	a := serveWith(t, handlers.Config{DB: d, Logger: slog.New(slog.DiscardHandler), Replication: rep})
	c := a.client()

	h := c.get("/healthz")
	if h.Status != 200 || !strings.Contains(h.Body, `"replication":{"state":"ok"`) || !strings.Contains(h.Body, `"lag_seconds"`) {
		t.Errorf("/healthz: %d %s", h.Status, h.Body)
	}
	m := c.get("/metrics")
	for _, want := range []string{"kadra_replication_lag_seconds ", "kadra_replication_last_sync_timestamp_seconds ", "kadra_replication_degraded 0"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	page := a.ownerClient().get("/settings")
	if page.Status != 200 || !strings.Contains(page.Body, `id="replica-state"`) || !strings.Contains(page.Body, "/replica") {
		t.Errorf("Settings shows no replica: %d", page.Status)
	}
}

// Without a replica /healthz says nothing of replication.
func TestHealthzWithoutReplication(t *testing.T) {
	a := newSetupApp(t)
	if h := a.client().get("/healthz"); strings.Contains(h.Body, "replication") {
		t.Errorf("/healthz without a replica: %s", h.Body)
	}
}
