package remote_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	pt "etcdhosts.local/toolchain/command/internal/providertest"
	"etcdhosts.local/toolchain/command/internal/sshdtest"
)

func TestMatchingHostKeyConnects(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	r, err := h.Create(commandToken, "hostkey-match", commandInputs(s, map[string]any{
		"connection": connectionTo(s, map[string]any{"hostKey": s.HostKey}),
		"create":     "echo trusted",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "trusted" {
		t.Fatalf("stdout %q", got)
	}
}

func TestHostKeyMismatchIsRefused(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	_, other, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherPub, err := ssh.NewPublicKey(other.Public())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = h.Create(commandToken, "hostkey-mismatch", commandInputs(s, map[string]any{
		// A generous limit: a mismatch must fail at once, not after retries.
		"connection": connectionTo(s, map[string]any{
			"hostKey":        string(ssh.MarshalAuthorizedKey(otherPub)),
			"dialErrorLimit": 5,
		}),
		"create": appendTo(s, "runs", "create"),
	}))
	if err == nil {
		t.Fatal("a server whose key differs from hostKey must be refused")
	}
	if !strings.Contains(err.Error(), "host key mismatch") || !strings.Contains(err.Error(), s.Host) {
		t.Fatalf("error %q should say host key mismatch and name the host", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("a host key mismatch was retried (took %s)", elapsed)
	}
	if got := readFile(t, s.Dir+"/runs"); got != "" {
		t.Fatalf("the command ran on a refused host: %q", got)
	}
}

// countingListener accepts TCP connections and counts them, so every SSH dial
// attempt reaches it and fails. It closes each connection at once, or with
// hang it keeps them open without ever speaking SSH.
func countingListener(t *testing.T, hang bool) (port int, attempts *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var open []net.Conn
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range open {
			_ = c.Close()
		}
	})
	attempts = &atomic.Int32{}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			attempts.Add(1)
			if !hang {
				_ = conn.Close()
				continue
			}
			mu.Lock()
			open = append(open, conn)
			mu.Unlock()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, attempts
}

func TestDialStopsAtDialErrorLimitAndNamesTheHost(t *testing.T) {
	port, attempts := countingListener(t, false)
	h := pt.New(t)
	_, err := h.Create(commandToken, "dial-limit", pt.Map(map[string]any{
		"connection": pt.Secret(map[string]any{
			"host": "127.0.0.1", "port": port, "user": "nobody", "dialErrorLimit": 2, "perDialTimeout": 5,
		}),
		"create": "true",
	}))
	if err == nil {
		t.Fatal("dialing a server that never completes a handshake must fail")
	}
	// dialErrorLimit counts tolerated errors: 2 means 3 attempts, as upstream.
	if got := attempts.Load(); got != 3 {
		t.Fatalf("%d dial attempts, want 3 for dialErrorLimit 2", got)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "3 attempts") {
		t.Fatalf("error %q should name %s and the attempt count", err, addr)
	}
}

func TestEachDialAttemptIsBoundedByPerDialTimeout(t *testing.T) {
	port, attempts := countingListener(t, true)
	h := pt.New(t)
	start := time.Now()
	_, err := h.Create(commandToken, "dial-timeout", pt.Map(map[string]any{
		"connection": pt.Secret(map[string]any{
			"host": "127.0.0.1", "port": port, "user": "nobody", "dialErrorLimit": 1, "perDialTimeout": 1,
		}),
		"create": "true",
	}))
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("a server that never answers must fail the dial")
	}
	if got := attempts.Load(); got != 2 {
		t.Fatalf("%d attempts, want 2 for dialErrorLimit 1", got)
	}
	// Two 1 s attempts and one 100 ms pause; far less than an unbounded hang.
	if elapsed < 2*time.Second || elapsed > 6*time.Second {
		t.Fatalf("took %s, want about 2.1s for two 1s attempts", elapsed)
	}
	if !strings.Contains(err.Error(), "perDialTimeout") {
		t.Fatalf("error %q should say the attempt ran out of perDialTimeout", err)
	}
}

func TestProxyJumpReachesTheTarget(t *testing.T) {
	target := sshdtest.Start(t, sshdtest.Options{})
	bastion := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	r, err := h.Create(commandToken, "proxy", commandInputs(target, map[string]any{
		"connection": connectionTo(target, map[string]any{
			"hostKey": target.HostKey,
			"proxy": map[string]any{
				"host": bastion.Host, "port": bastion.Port, "user": bastion.User,
				"privateKey": bastion.Key, "hostKey": bastion.HostKey, "dialErrorLimit": 0,
			},
		}),
		"create": "echo via-proxy",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "via-proxy" {
		t.Fatalf("stdout %q", got)
	}
	// The bastion must have opened a forwarding channel to the target.
	forwarded := fmt.Sprintf("target %s port %d", target.Host, target.Port)
	if !strings.Contains(bastion.Log(), forwarded) {
		t.Fatalf("the bastion did not forward the connection; its log:\n%s", bastion.Log())
	}
}

func TestEncryptedPrivateKeyWithPassword(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	encrypted := encryptKey(t, s, "key-passphrase-456")
	r, err := h.Create(commandToken, "encrypted-key", commandInputs(s, map[string]any{
		"connection": connectionTo(s, map[string]any{
			"privateKey": encrypted, "privateKeyPassword": "key-passphrase-456",
		}),
		"create": "echo unlocked",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "unlocked" {
		t.Fatalf("stdout %q", got)
	}
}

func TestAgentSocketAuthenticates(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	socket := startAgent(t, s)
	h := pt.New(t)
	conn := map[string]any{
		"host": s.Host, "port": s.Port, "user": s.User, "agentSocketPath": socket, "dialErrorLimit": 0,
	}
	r, err := h.Create(commandToken, "agent", pt.Map(map[string]any{
		"connection": pt.Secret(conn), "create": "echo from-agent",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "from-agent" {
		t.Fatalf("stdout %q", got)
	}
}

// encryptKey re-encodes the server's authorized client key with a passphrase.
func encryptKey(t *testing.T, s *sshdtest.Server, passphrase string) string {
	t.Helper()
	raw, err := ssh.ParseRawPrivateKey([]byte(s.Key))
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(raw, "", []byte(passphrase))
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(block))
}

// startAgent serves an in-process SSH agent holding the server's client key on
// a unix socket in a temp dir.
func startAgent(t *testing.T, s *sshdtest.Server) string {
	t.Helper()
	raw, err := ssh.ParseRawPrivateKey([]byte(s.Key))
	if err != nil {
		t.Fatal(err)
	}
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: raw}); err != nil {
		t.Fatal(err)
	}
	socket := t.TempDir() + "/agent.sock"
	l, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_ = agent.ServeAgent(keyring, conn)
			}()
		}
	}()
	return socket
}
