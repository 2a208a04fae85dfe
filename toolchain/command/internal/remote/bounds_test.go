package remote_test

// Where the provider bounds what upstream leaves open: a refused login is not
// retried, and a connection that stops answering mid-command is closed by its
// keepalives. (Output is capped in cmdoutput; perDialTimeout in dial_test.go.)

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	pt "etcdhosts.local/toolchain/command/internal/providertest"
	"etcdhosts.local/toolchain/command/internal/remote"
	"etcdhosts.local/toolchain/command/internal/sshdtest"
)

func TestAuthenticationFailureIsNotRetried(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	_, other, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(other, "not authorized on the server")
	if err != nil {
		t.Fatal(err)
	}
	before := strings.Count(s.Log(), "Connection from ")
	h := pt.New(t)
	_, err = h.Create(commandToken, "auth-refused", commandInputs(s, map[string]any{
		// A generous limit: a refused login must still be tried once only.
		"connection": connectionTo(s, map[string]any{"privateKey": string(pem.EncodeToMemory(block)), "dialErrorLimit": 5}),
		"create":     appendTo(s, "runs", "create"),
	}))
	if err == nil {
		t.Fatal("a key the server does not accept must fail the step")
	}
	if !strings.Contains(err.Error(), "authentication failed (not retried") || !strings.Contains(err.Error(), s.Address()) {
		t.Fatalf("error %q should say authentication failed, not retried, and name %s", err, s.Address())
	}
	// sshd logs every connection it accepts; let a late line arrive before counting.
	time.Sleep(300 * time.Millisecond)
	if got := strings.Count(s.Log(), "Connection from ") - before; got != 1 {
		t.Fatalf("%d connections reached sshd, want 1: a refused login was retried", got)
	}
	if got := readFile(t, s.Dir+"/runs"); got != "" {
		t.Fatalf("the command ran: %q", got)
	}
}

// freezingProxy forwards TCP to target until freeze is called; from then on it
// forwards nothing either way but keeps the connections open, like a host that
// lost power or its network without closing anything.
func freezingProxy(t *testing.T, target string) (port int, freeze func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var frozen atomic.Bool
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	pipe := func(dst, src net.Conn) {
		buf := make([]byte, 32*1024)
		for {
			n, err := src.Read(buf)
			if n > 0 && !frozen.Load() {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				if err != io.EOF {
					return
				}
				return
			}
		}
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, up)
			mu.Unlock()
			go pipe(up, c)
			go pipe(c, up)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, func() { frozen.Store(true) }
}

func TestKeepalivesEndAConnectionThatStopsAnswering(t *testing.T) {
	defer remote.ShortenKeepalives(200*time.Millisecond, 3)()
	s := sshdtest.Start(t, sshdtest.Options{})
	port, freeze := freezingProxy(t, s.Address())
	time.AfterFunc(1500*time.Millisecond, freeze)
	h := pt.New(t)
	start := time.Now()
	_, err := h.Create(commandToken, "keepalive", commandInputs(s, map[string]any{
		"connection": connectionTo(s, map[string]any{"port": port, "hostKey": s.HostKey}),
		"create":     "sleep 60",
	}))
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("a command on a host that stopped answering must fail")
	}
	if !strings.Contains(err.Error(), "stopped answering") || !strings.Contains(err.Error(), "3 keepalives") {
		t.Fatalf("error %q should say the connection stopped answering", err)
	}
	// Frozen at 1.5 s, given up after three unanswered 200 ms probes: far from the 60 s command.
	if elapsed > 10*time.Second {
		t.Fatalf("took %s to notice", elapsed)
	}
}

func TestKeepalivesLeaveALiveConnectionAlone(t *testing.T) {
	defer remote.ShortenKeepalives(100*time.Millisecond, 2)()
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	r, err := h.Create(commandToken, "keepalive-live", commandInputs(s, map[string]any{
		"create": "sleep 1; echo done",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "done" {
		t.Fatalf("stdout %q", got)
	}
}

func TestCustomTimeoutsStopARemoteCommand(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	start := time.Now()
	// The command's child holds the session's output open: the step must end anyway.
	// (It also gets SIGTERM; the test's sshd runs in debug mode, without privilege
	// separation, and refuses signals: "session signalling requires privilege separation".)
	_, err := h.CreateWithin(commandToken, "timeout", commandInputs(s, map[string]any{
		"create": "sleep 30 & wait; " + appendTo(s, "runs", "finished"),
	}), 2)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("a command running past its customTimeouts must fail")
	}
	if !strings.Contains(err.Error(), "create did not finish within its customTimeouts (2s)") {
		t.Fatalf("error %q should name the timeout", err)
	}
	if elapsed > 10*time.Second {
		t.Fatalf("took %s for a 2 s timeout", elapsed)
	}
}
