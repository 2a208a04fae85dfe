// Package sshdtest starts a real OpenSSH server on a loopback port for tests,
// with a throwaway host key and client key. It is imported only by tests.
package sshdtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// sshdPath is where Debian's openssh-server installs the daemon.
const sshdPath = "/usr/sbin/sshd"

// privsepDir must exist before sshd starts (its privilege separation chroot).
const privsepDir = "/run/sshd"

// Options adjusts the generated sshd_config.
type Options struct {
	// AcceptEnv lists the environment variable names the server accepts from
	// clients; every other name is refused, as on a stock server.
	AcceptEnv []string
}

// Server is a running sshd that accepts Key for User on Host:Port.
type Server struct {
	Host string
	Port int
	User string
	// Key is the client's private key in OpenSSH PEM form.
	Key string
	// HostKey is the server's public host key in authorized_keys form.
	HostKey string
	// Dir is a scratch directory the remote commands may write to.
	Dir string

	logFile string
}

// Start runs sshd until the test ends. A missing sshd fails the test: these
// tests are the proof of the provider's behaviour and must not pass by skipping.
func Start(t *testing.T, opts Options) *Server {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Fatalf("%s is missing: install Debian's openssh-server "+
			"(apt-get install -y --no-install-recommends openssh-server): %v", sshdPath, err)
	}
	if err := os.MkdirAll(privsepDir, 0o755); err != nil {
		t.Fatalf("sshd needs %s: %v", privsepDir, err)
	}
	current, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	hostKeyFile := filepath.Join(dir, "ssh_host_ed25519_key")
	hostSigner := writeKey(t, hostKeyFile)
	clientKeyFile := filepath.Join(dir, "client_ed25519_key")
	clientSigner := writeKey(t, clientKeyFile)
	authorizedKeys := filepath.Join(dir, "authorized_keys")
	writeFile(t, authorizedKeys, string(ssh.MarshalAuthorizedKey(clientSigner.PublicKey())))
	clientKey, err := os.ReadFile(clientKeyFile)
	if err != nil {
		t.Fatal(err)
	}

	port := freePort(t)
	config := filepath.Join(dir, "sshd_config")
	writeFile(t, config, sshdConfig(port, hostKeyFile, authorizedKeys, opts))

	s := &Server{
		Host:    "127.0.0.1",
		Port:    port,
		User:    current.Username,
		Key:     string(clientKey),
		HostKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(hostSigner.PublicKey()))),
		Dir:     filepath.Join(dir, "work"),
		logFile: filepath.Join(dir, "sshd.log"),
	}
	if err := os.Mkdir(s.Dir, 0o755); err != nil {
		t.Fatal(err)
	}

	// -D: stay in the foreground. -E: log to a file; with -e the session
	// processes' debug lines would leak into the commands' stderr.
	cmd := exec.Command(sshdPath, "-D", "-E", s.logFile, "-f", config)
	startupErrors := &lockedBuffer{}
	cmd.Stdout = startupErrors
	cmd.Stderr = startupErrors
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("sshd log:\n%s%s", startupErrors.String(), s.Log())
		}
	})
	s.waitReady(t, exited, startupErrors)
	return s
}

// Address is host:port for log and error assertions.
func (s *Server) Address() string { return net.JoinHostPort(s.Host, fmt.Sprint(s.Port)) }

// Log returns what sshd has logged so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.logFile)
	return string(b)
}

func sshdConfig(port int, hostKey, authorizedKeys string, opts Options) string {
	lines := []string{
		fmt.Sprintf("ListenAddress 127.0.0.1:%d", port),
		"HostKey " + hostKey,
		"PidFile none",
		"AuthorizedKeysFile " + authorizedKeys,
		// The key files live in a temp dir whose modes sshd would reject.
		"StrictModes no",
		"PubkeyAuthentication yes",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"PermitRootLogin prohibit-password",
		"UsePAM no",
		// The proxy tests jump through this same server.
		"AllowTcpForwarding yes",
		"Subsystem sftp internal-sftp",
		// bash sources ~/.bashrc for commands run by sshd unless it believes it
		// is a nested shell; the ~/.bashrc of a developer's or CI's account can
		// take seconds per command and has nothing to do with these tests.
		"SetEnv SHLVL=1",
		// DEBUG1 logs forwarded connections, which the proxy test looks for.
		"LogLevel DEBUG1",
	}
	if len(opts.AcceptEnv) > 0 {
		lines = append(lines, "AcceptEnv "+strings.Join(opts.AcceptEnv, " "))
	}
	return strings.Join(lines, "\n") + "\n"
}

// waitReady waits until sshd answers with its SSH banner.
func (s *Server) waitReady(t *testing.T, exited <-chan error, startupErrors *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("sshd exited at start: %v\n%s%s", err, startupErrors.String(), s.Log())
		default:
		}
		conn, err := net.DialTimeout("tcp", s.Address(), time.Second)
		if err == nil {
			_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			banner := make([]byte, 4)
			_, readErr := conn.Read(banner)
			_ = conn.Close()
			if readErr == nil && string(banner) == "SSH-" {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("sshd did not answer on %s within 15s\n%s%s", s.Address(), startupErrors.String(), s.Log())
}

// writeKey creates an ed25519 key, stores its private half at path in OpenSSH
// form and returns it as a signer.
func writeKey(t *testing.T, path string) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// freePort asks the kernel for an unused loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects what sshd prints before it opens its log file.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
