package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"kadra/replicate"
)

// replicaHealth is the "replication" object of /healthz.
type replicaHealth struct {
	State       string  `json:"state"`
	LagSeconds  float64 `json:"lag_seconds"`
	LastSync    string  `json:"last_sync"`
	LocalTXID   uint64  `json:"local_txid"`
	ReplicaTXID uint64  `json:"replica_txid"`
}

func healthOf(t *testing.T, p *process) replicaHealth {
	t.Helper()
	res, err := http.Get(p.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var h struct {
		Status      string        `json:"status"`
		Replication replicaHealth `json:"replication"`
	}
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h.Replication
}

// waitReplicated waits until the replica holds every transaction kadra has
// written so far, and returns how long that took.
func waitReplicated(t *testing.T, p *process) time.Duration {
	t.Helper()
	start := time.Now()
	var h replicaHealth
	for time.Since(start) < 20*time.Second {
		h = healthOf(t, p)
		if h.LocalTXID > 0 && h.ReplicaTXID == h.LocalTXID {
			// Litestream reads the WAL once a second: one more look, so
			// that a commit made just before is counted.
			time.Sleep(replicate.SyncInterval + 200*time.Millisecond)
			if h2 := healthOf(t, p); h2.ReplicaTXID == h2.LocalTXID {
				return time.Since(start)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the replica did not catch up within 20s: %+v", h)
	return 0
}

// fileReplica is a file:// replica in the test's temporary folder.
func fileReplica(t *testing.T) string { return "file://" + filepath.Join(t.TempDir(), "replica") }

// s3Replica starts an S3-protocol server (gofakes3, in memory, over HTTP on
// 127.0.0.1) and returns an s3:// replica on it; the credentials go through
// the standard AWS environment variables, which the binary inherits.
func s3Replica(t *testing.T) string {
	t.Helper()
	ts := httptest.NewServer(gofakes3.New(s3mem.New(), gofakes3.WithAutoBucket(true)).Server())
	t.Cleanup(ts.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "kadra-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "kadra-test-secret")
	// Litestream gives the AWS SDK its own HTTP client, with which the SDK
	// refuses AWS_CA_BUNDLE ("unable to add custom RootCAs"); this machine
	// sets it for other programs.
	t.Setenv("AWS_CA_BUNDLE", "")
	os.Unsetenv("AWS_CA_BUNDLE")
	return "s3://kadra-replica/office?endpoint=" + url.QueryEscape(ts.URL) + "&region=us-east-1"
}

// replicatedServer is a database made by "kadra init" with an owner token,
// served with a replica at replicaURL; it answers the replica's URL and
// the database's path.
func replicatedServer(t *testing.T, replicaURL string) (p *process, api apiClient, _, path string) {
	t.Helper()
	path = initDB(t)
	r := runKadra(t, "token", "create", "--db", path, "--user", ownerEmail, "--name", "e2e")
	if r.Code != 0 {
		t.Fatalf("token create: %d\n%s", r.Code, r.Stderr)
	}
	p = startServe(t, "--db", path, "--replicate-url", replicaURL)
	return p, apiClient{t: t, base: p.URL, token: strings.TrimSpace(r.Stdout)}, replicaURL, path
}

func restoreTo(t *testing.T, replicaURL string, extra ...string) (string, result) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "machine-b", "kadra.db")
	r := runKadra(t, append([]string{"restore", "--from", replicaURL, out}, extra...)...)
	if r.Code != 0 {
		t.Fatalf("kadra restore exited %d:\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	return out, r
}

func createUser(api apiClient, me map[string]any, n int) (int, float64, map[string]any) {
	status, u := api.call("POST", "/api/v1/users", map[string]any{"email": fmt.Sprintf("u%d@example.pl", n),
		"full_name": fmt.Sprintf("User %d", n), "send_invite": true, "extension": fmt.Sprint(2000 + n), "role_id": me["role_id"], "position_id": me["position_id"]})
	id, _ := u["id"].(float64)
	return status, id, u
}

// R-OPS-1: kadra serving with a replica (a folder, then an S3-protocol
// server) is killed with SIGKILL; "kadra restore" on another folder gives
// back a file that passes the integrity check and that the binary serves,
// holding every write the API acknowledged more than the replication bound
// before the kill.
func TestReplicateKillRestore(t *testing.T) {
	t.Run("file", func(t *testing.T) { killRestore(t, fileReplica(t)) })
	t.Run("s3", func(t *testing.T) { killRestore(t, s3Replica(t)) })
}

func killRestore(t *testing.T, replicaURL string) {
	p, api, _, _ := replicatedServer(t, replicaURL)
	me := api.must("GET", "/api/v1/me", nil)

	type ack struct {
		id float64
		at time.Time
	}
	var acks []ack
	write := func(n int) {
		status, id, body := createUser(api, me, n)
		if status != http.StatusCreated && status != http.StatusOK {
			t.Fatalf("create user %d: %d %v", n, status, body)
		}
		acks = append(acks, ack{id, time.Now()})
	}
	// Writes for about four seconds, at about 25 a second, then the kill
	// right after the last acknowledgement.
	begun := time.Now()
	for n := 0; time.Since(begun) < 4*time.Second; n++ {
		write(n)
		time.Sleep(40 * time.Millisecond)
	}
	if h := healthOf(t, p); h.State != "ok" {
		t.Errorf("/healthz replication while writing: %+v, want ok", h)
	}
	p.cmd.Process.Kill()
	<-p.done
	killed := time.Now()

	out, r := restoreTo(t, replicaURL)
	for _, want := range []string{"TXID", "last transaction", "schema version"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("restore output lacks %q:\n%s", want, r.Stdout)
		}
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("restored file: %v, mode %v; want 0600", err, st.Mode().Perm())
	}
	var check string
	if err := openSQL(t, out).QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the restored file: %q, %v", check, err)
	}

	b := startServe(t, "--db", out)
	apiB := apiClient{t: t, base: b.URL, token: api.token}
	// The bound: Litestream reads the WAL every second and ships every
	// second, so a write acknowledged two intervals before the kill is on
	// the replica; one more second covers a slow disk.
	bound := 3 * replicate.SyncInterval
	var old, present int
	for _, a := range acks {
		status, _ := apiB.call("GET", fmt.Sprintf("/api/v1/users/%d", int64(a.id)), nil)
		if status == http.StatusOK {
			present++
		}
		if killed.Sub(a.at) > bound {
			old++
			if status != http.StatusOK {
				t.Errorf("user %d, acknowledged %s before the kill: %d after restore", int64(a.id), killed.Sub(a.at), status)
			}
		}
	}
	if old == 0 {
		t.Fatal("no write older than the bound: the test proves nothing")
	}
	t.Logf("%d writes acknowledged, %d older than %s, all present; %d of all present after restore", len(acks), old, bound, present)
}

// R-OPS-1: restore to a point in time. A is written and replicated, the
// time is noted, B is written; restoring to the noted time gives A and
// not B.
func TestReplicatePointInTime(t *testing.T) {
	p, api, replicaURL, _ := replicatedServer(t, fileReplica(t))
	me := api.must("GET", "/api/v1/me", nil)
	if status, _, _ := createUser(api, me, 1); status != http.StatusCreated {
		t.Fatalf("create A: %d", status)
	}
	waitReplicated(t, p)
	noted := time.Now()
	time.Sleep(1500 * time.Millisecond)
	if status, _, _ := createUser(api, me, 2); status != http.StatusCreated {
		t.Fatalf("create B: %d", status)
	}
	waitReplicated(t, p)
	if code := p.stop(); code != 0 {
		t.Fatalf("kadra serve with replication exited %d on SIGTERM:\n%s", code, p.stderr)
	}

	out, _ := restoreTo(t, replicaURL, "--timestamp", noted.UTC().Format(time.RFC3339Nano))
	s := openSQL(t, out)
	var a, b int
	s.QueryRow("SELECT count(*) FROM users WHERE email = 'u1@example.pl'").Scan(&a)
	s.QueryRow("SELECT count(*) FROM users WHERE email = 'u2@example.pl'").Scan(&b)
	if a != 1 || b != 0 {
		t.Errorf("restored to %s: A %d, B %d; want A 1, B 0", noted.Format(time.RFC3339Nano), a, b)
	}

	latest, _ := restoreTo(t, replicaURL)
	openSQL(t, latest).QueryRow("SELECT count(*) FROM users WHERE email = 'u2@example.pl'").Scan(&b)
	if b != 1 {
		t.Errorf("restored to the newest state: B %d, want 1", b)
	}
}

// R-OPS-1: restore refuses to overwrite a file and names it.
func TestRestoreRefusesOverwrite(t *testing.T) {
	p, _, replicaURL, _ := replicatedServer(t, fileReplica(t))
	waitReplicated(t, p)
	existing := initDB(t)
	before, _ := os.ReadFile(existing)
	r := runKadra(t, "restore", "--from", replicaURL, existing)
	if r.Code == 0 || !strings.Contains(r.Stderr, "already exists") {
		t.Errorf("restore over an existing file: exit %d, %q; want a refusal", r.Code, r.Stderr)
	}
	if after, _ := os.ReadFile(existing); string(after) != string(before) {
		t.Error("the existing file changed")
	}
}

// s3Server is an S3-protocol server that the test can stop and start again
// on the same address, keeping what it stored.
type s3Server struct {
	t       *testing.T
	addr    string
	handler http.Handler
	srv     *http.Server
}

func startS3(t *testing.T) *s3Server {
	t.Helper()
	s := &s3Server{t: t, addr: freeAddr(t), handler: gofakes3.New(s3mem.New(), gofakes3.WithAutoBucket(true)).Server()}
	s.start()
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *s3Server) start() {
	s.t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	s.srv = &http.Server{Handler: s.handler}
	go s.srv.Serve(ln)
}

// R-OPS-1: the replica becomes unreachable; kadra keeps serving, /healthz
// reports degraded replication with the lag, and once the replica is back
// kadra catches up: a restore then holds every write.
func TestReplicaUnreachable(t *testing.T) {
	s3 := startS3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "kadra-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "kadra-test-secret")
	t.Setenv("AWS_CA_BUNDLE", "")
	os.Unsetenv("AWS_CA_BUNDLE")
	replicaURL := "s3://kadra-replica/office?endpoint=" + url.QueryEscape("http://"+s3.addr) + "&region=us-east-1"
	p, api, _, _ := replicatedServer(t, replicaURL)
	me := api.must("GET", "/api/v1/me", nil)
	waitReplicated(t, p)

	s3.srv.Close()
	var ids []float64
	deadline := time.Now().Add(replicate.DegradedAfter + 15*time.Second)
	var h replicaHealth
	for n := 0; ; n++ {
		status, id, body := createUser(api, me, n)
		if status != http.StatusCreated {
			t.Fatalf("kadra stopped serving writes with the replica gone: %d %v", status, body)
		}
		ids = append(ids, id)
		if h = healthOf(t, p); h.State == "degraded" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never said degraded with the replica gone: %+v", h)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if h.LagSeconds < replicate.DegradedAfter.Seconds() || h.ReplicaTXID >= h.LocalTXID {
		t.Errorf("degraded /healthz: %+v; want the lag over %s and the replica behind", h, replicate.DegradedAfter)
	}

	s3.start()
	caughtUp := time.Now()
	for healthOf(t, p).State != "ok" {
		if time.Since(caughtUp) > 90*time.Second {
			t.Fatalf("replication did not recover within 90s of the replica's return: %+v", healthOf(t, p))
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("%d writes while the replica was gone; caught up %s after it came back", len(ids), time.Since(caughtUp).Round(time.Millisecond))
	waitReplicated(t, p)
	p.cmd.Process.Kill()
	<-p.done

	out, _ := restoreTo(t, replicaURL)
	b := startServe(t, "--db", out)
	apiB := apiClient{t: t, base: b.URL, token: api.token}
	for _, id := range ids {
		if status, _ := apiB.call("GET", fmt.Sprintf("/api/v1/users/%d", int64(id)), nil); status != http.StatusOK {
			t.Errorf("user %d, written while the replica was gone: %d after restore", int64(id), status)
		}
	}
}

// R-OPS-1: the replica's disk fills while kadra replicates to it (a small
// tmpfs, which needs root, as CI runs): kadra keeps serving writes, says
// so on /healthz and in its log, its own file stays intact, and once room
// is made replication catches up and a restore holds every write.
func TestReplicaDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("KADRA_REQUIRE_INTEGRATION") == "1" {
			t.Fatal("mounting a small tmpfs needs root (KADRA_REQUIRE_INTEGRATION=1 makes this a failure)")
		}
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	replicaURL := "file://" + filepath.Join(dir, "replica")
	p, api, _, path := replicatedServer(t, replicaURL)
	me := api.must("GET", "/api/v1/me", nil)
	waitReplicated(t, p)
	// Fill the disk, leaving no room for what comes next.
	filler := filepath.Join(dir, "filler")
	_ = exec.Command("dd", "if=/dev/zero", "of="+filler, "bs=64k").Run()

	var ids []float64
	deadline := time.Now().Add(replicate.DegradedAfter + 30*time.Second)
	var h replicaHealth
	for n := 0; ; n++ {
		status, id, body := createUser(api, me, n)
		if status != http.StatusCreated {
			t.Fatalf("kadra stopped serving writes with the replica's disk full: %d %v", status, body)
		}
		ids = append(ids, id)
		if h = healthOf(t, p); h.State == "degraded" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never said degraded with the replica's disk full: %+v", h)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if !strings.Contains(strings.ToLower(p.stderr.String()), "no space left on device") {
		t.Errorf("the log does not say the replica's disk is full:\n%s", p.stderr.String())
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	since := time.Now()
	for healthOf(t, p).State != "ok" {
		if time.Since(since) > 90*time.Second {
			t.Fatalf("replication did not catch up within 90s of room being made: %+v", healthOf(t, p))
		}
		time.Sleep(250 * time.Millisecond)
	}
	waitReplicated(t, p)
	if code := p.stop(); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.stderr)
	}
	if r := runKadra(t, "verify", path); r.Code != 0 {
		t.Fatalf("kadra's own file after the disk filled: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	out, _ := restoreTo(t, replicaURL)
	b := startServe(t, "--db", out)
	apiB := apiClient{t: t, base: b.URL, token: api.token}
	for _, id := range ids {
		if status, _ := apiB.call("GET", fmt.Sprintf("/api/v1/users/%d", int64(id)), nil); status != http.StatusOK {
			t.Errorf("user %d, written while the replica's disk was full: %d after restore", int64(id), status)
		}
	}
}
