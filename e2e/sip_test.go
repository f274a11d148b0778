package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-SIP-4: a real Kamailio (Debian's, with db_sqlite and auth_db) reads
// kadra's subscriber view from kadra's own file, configured by the shipped
// docs/kamailio.cfg, and sipsak registers as a phone would. The right
// password registers (200); a wrong one, a replaced one, a disabled
// extension, a password made under the previous SIP domain and a deleted
// user's extension are refused (403); a blocked user's phone keeps working.
// Every change is made by kadra while Kamailio runs, never restarted.
func TestKamailioRegistersAgainstKadra(t *testing.T) {
	kamailio := requireProgram(t, "kamailio", "/usr/sbin/kamailio")
	sipsak := requireProgram(t, "sipsak", "/usr/bin/sipsak")
	requireKamailioModule(t, "db_sqlite.so", "kamailio-sqlite-modules")
	ctx := t.Context()

	dir := t.TempDir()
	path := filepath.Join(dir, "kadra.db")
	d, err := db.Open(ctx, path, db.Options{Hash: db.TestHashParams})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	// sipsak sends To: sip:EXT@127.0.0.1, so that is the realm.
	if _, err := d.Setup(ctx, db.SetupInput{AccountName: "Biuro", Email: ownerEmail, Password: ownerPassword,
		PasswordConfirm: ownerPassword, SIPDomain: "127.0.0.1"}, ""); err != nil {
		t.Fatal(err)
	}
	owner := dbtest.Login(t, d, ownerEmail, ownerPassword)
	ala := dbtest.AddUser(t, d, owner, "ala@example.pl")
	// Every user has an extension (R-USER-6); a new password shows it once.
	var alaSIP db.SIPSecret
	if ala.SIPAccountID == 0 {
		alaSIP, err = d.CreateSIPAccountForUser(ctx, owner, ala.ID, db.SIPAccountInput{Extension: "1001"})
	} else {
		alaSIP, err = d.RegenerateSIPSecret(ctx, owner, ala.SIPAccountID, db.SIPSecretInput{})
	}
	if err != nil {
		t.Fatal(err)
	}
	alaExt := alaSIP.Extension
	free, err := d.CreateSIPAccount(ctx, owner, db.SIPAccountInput{Extension: "1002",
		PasswordMode: db.SIPPasswordTyped, Password: "Typed-secret-2024"})
	if err != nil {
		t.Fatal(err)
	}

	k := startKamailio(t, kamailio, path)
	domain := "127.0.0.1" // what phones register to, and so the realm
	register := func(ext, password string) (bool, string) {
		t.Helper()
		return sipRegister(t, sipsak, domain, k.port, ext, password)
	}
	wantRegistered := func(what, ext, password string) {
		t.Helper()
		if ok, out := register(ext, password); !ok {
			t.Fatalf("%s: REGISTER %s was refused\n%s\nkamailio log:\n%s", what, ext, out, k.log())
		}
	}
	wantRefused := func(what, ext, password string) {
		t.Helper()
		ok, out := register(ext, password)
		if ok {
			t.Fatalf("%s: REGISTER %s was accepted\n%s", what, ext, out)
		}
		if !strings.Contains(out, "403") {
			t.Fatalf("%s: REGISTER %s was not refused with 403\n%s\nkamailio log:\n%s", what, ext, out, k.log())
		}
	}

	wantRegistered("right password", alaExt, alaSIP.Password)
	wantRegistered("typed password", "1002", "Typed-secret-2024")
	wantRefused("wrong password", alaExt, alaSIP.Password+"x")
	wantRefused("unknown extension", "1009", alaSIP.Password)

	// R-SIP-3: a regenerated password works at once; the old one no longer.
	fresh, err := d.RegenerateSIPSecret(ctx, owner, alaSIP.ID, db.SIPSecretInput{})
	if err != nil {
		t.Fatal(err)
	}
	wantRegistered("regenerated password", alaExt, fresh.Password)
	wantRefused("replaced password", alaExt, alaSIP.Password)

	// A disabled extension is refused, and registers again once enabled.
	if _, err := d.SetSIPEnabled(ctx, owner, free.ID, false); err != nil {
		t.Fatal(err)
	}
	wantRefused("disabled extension", "1002", "Typed-secret-2024")
	if _, err := d.SetSIPEnabled(ctx, owner, free.ID, true); err != nil {
		t.Fatal(err)
	}
	wantRegistered("enabled again", "1002", "Typed-secret-2024")

	// R-SIP-3: a new SIP domain stops the account's extensions until they
	// get new passwords (HA1 contains the realm).
	if _, err := d.SetSIPSettings(ctx, owner, db.SIPSettingsInput{Domain: "localhost",
		ExtensionPattern: db.DefaultExtensionPattern}); err != nil {
		t.Fatal(err)
	}
	domain = "localhost"
	wantRefused("old password, new domain", "1002", "Typed-secret-2024")
	renewed, err := d.RegenerateStaleSIPSecrets(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range renewed {
		wantRegistered("new password, new domain", s.Extension, s.Password)
		if s.Extension == alaExt {
			fresh = s
		}
	}

	// R-USER-8: a blocked user's phone keeps working; R-USER-9: a deleted
	// user's extension stops at once.
	if _, err := d.BlockUser(ctx, owner, ala.ID); err != nil {
		t.Fatal(err)
	}
	wantRegistered("blocked user", alaExt, fresh.Password)
	if err := d.DeleteUser(ctx, owner, ala.ID); err != nil {
		t.Fatal(err)
	}
	wantRefused("deleted user", alaExt, fresh.Password)

	if !k.running() {
		t.Fatalf("kamailio stopped during the test:\n%s", k.log())
	}
}

// requireKamailioModule skips (or fails under KADRA_REQUIRE_INTEGRATION=1)
// when a Kamailio module of Debian's package pkg is not installed.
func requireKamailioModule(t *testing.T, module, pkg string) {
	t.Helper()
	found, _ := filepath.Glob("/usr/lib/*/kamailio/modules/" + module)
	more, _ := filepath.Glob("/usr/lib/kamailio/modules/" + module)
	if len(found)+len(more) > 0 {
		return
	}
	msg := fmt.Sprintf("the Kamailio module %s is not installed; install it with apt-get install %s", module, pkg)
	if os.Getenv("KADRA_REQUIRE_INTEGRATION") == "1" {
		t.Fatal(msg + " (KADRA_REQUIRE_INTEGRATION=1 makes this a failure)")
	}
	t.Skip(msg)
}

// kamailioProcess is a Kamailio started by a test.
type kamailioProcess struct {
	cmd  *exec.Cmd
	port int
	out  *syncBuffer
	done chan struct{}
}

func (k *kamailioProcess) log() string { return k.out.String() }

func (k *kamailioProcess) running() bool {
	select {
	case <-k.done:
		return false
	default:
		return true
	}
}

// kamailioConfig turns the shipped docs/kamailio.cfg into one for the test:
// kadra's file at dbPath, UDP on 127.0.0.1:port, logs on stderr.
func kamailioConfig(t *testing.T, dbPath string, port int) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "docs", "kamailio.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	for old, new := range map[string]string{
		// db_url keeps its "sqlite:///" and db_set_readonly has no leading
		// slash: replacing the path without its slash serves both.
		"var/lib/kadra/kadra.db":  strings.TrimPrefix(dbPath, "/"),
		"listen=udp:0.0.0.0:5060": fmt.Sprintf("listen=udp:127.0.0.1:%d", port),
		"log_stderror=no":         "log_stderror=yes",
		"children=4":              "children=2",
	} {
		if !strings.Contains(cfg, old) {
			t.Fatalf("docs/kamailio.cfg no longer holds %q", old)
		}
		cfg = strings.ReplaceAll(cfg, old, new)
	}
	return cfg
}

// startKamailio runs Kamailio in the foreground as the current user, with
// its runtime files in a temporary folder, until the test ends.
func startKamailio(t *testing.T, kamailio, dbPath string) *kamailioProcess {
	t.Helper()
	dir := t.TempDir()
	port := freeUDPPort(t)
	cfgPath := filepath.Join(dir, "kamailio.cfg")
	if err := os.WriteFile(cfgPath, []byte(kamailioConfig(t, dbPath, port)), 0o600); err != nil {
		t.Fatal(err)
	}
	runDir := filepath.Join(dir, "run")
	if err := os.Mkdir(runDir, 0o700); err != nil {
		t.Fatal(err)
	}
	check, err := exec.CommandContext(t.Context(), kamailio, "-c", "-f", cfgPath, "-Y", runDir).CombinedOutput()
	if err != nil {
		t.Fatalf("kamailio -c refuses the generated config: %v\n%s", err, check)
	}
	k := &kamailioProcess{port: port, out: &syncBuffer{}, done: make(chan struct{})}
	// No -w: db_sqlite opens the path of "sqlite:///abs/path" without its
	// leading slash, relative to Kamailio's working directory, which must
	// stay "/" (the default).
	k.cmd = exec.Command(kamailio, "-f", cfgPath, "-DD", "-E", "-m", "32", "-M", "8", "-Y", runDir)
	k.cmd.Stdout, k.cmd.Stderr = k.out, k.out
	// Its own process group, so that the workers it forks die with it.
	k.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := k.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { k.cmd.Wait(); close(k.done) }()
	t.Cleanup(func() {
		pgid := k.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-k.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-k.done
		}
		// No worker may outlive the test.
		if err := syscall.Kill(-pgid, 0); err == nil {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for !sipAnswers(port) {
		if !k.running() || time.Now().After(deadline) {
			t.Fatalf("kamailio did not answer on udp 127.0.0.1:%d:\n%s", port, k.log())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return k
}

// freeUDPPort asks the kernel for a UDP port free on 127.0.0.1.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

var probeSeq struct {
	sync.Mutex
	n int
}

// sipAnswers sends an OPTIONS request and reports whether any SIP answer
// (kadra's config answers 405) comes back within half a second.
func sipAnswers(port int) bool {
	c, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	defer c.Close()
	probeSeq.Lock()
	probeSeq.n++
	n := probeSeq.n
	probeSeq.Unlock()
	local := c.LocalAddr().String()
	msg := fmt.Sprintf("OPTIONS sip:probe@127.0.0.1:%d SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP %s;branch=z9hG4bK-kadra-probe-%d\r\n"+
		"Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=probe%d\r\nTo: <sip:probe@127.0.0.1>\r\n"+
		"Call-ID: kadra-probe-%d@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", port, local, n, n, n)
	if _, err := c.Write([]byte(msg)); err != nil {
		return false
	}
	_ = c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	buf := make([]byte, 2048)
	got, err := c.Read(buf)
	return err == nil && bytes.HasPrefix(buf[:got], []byte("SIP/2.0 "))
}

// sipRegister registers ext with sipsak in HA1 mode (-u) and reports whether
// it got 200 OK, with sipsak's output.
func sipRegister(t *testing.T, sipsak, domain string, port int, ext, password string) (bool, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sipsak, "-U", "-i", "-vv",
		"-C", fmt.Sprintf("sip:%s@127.0.0.1:5999", ext), "-x", "300",
		"-s", fmt.Sprintf("sip:%s@%s:%d", ext, domain, port),
		"-u", ext, "-a", password)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("sipsak did not finish in 20 s:\n%s", out)
	}
	// sipsak exits 0 and says OK only after a 200 to the authorized REGISTER.
	return err == nil && strings.Contains(string(out), "\tOK"), string(out)
}
