package remote

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

const sshAgentSocketEnv = "SSH_AUTH_SOCK"

// clientConfig builds the SSH client settings for one host: user, the
// authentication methods in upstream's order (key, password, agent) and the
// host key check. The returned closer releases the agent connection, if any.
func (c *connectionBase) clientConfig(ctx context.Context) (*ssh.ClientConfig, io.Closer, error) {
	config := &ssh.ClientConfig{
		User:            stringOr(c.User, defaultUser),
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
	}
	if c.HostKey != nil && *c.HostKey != "" {
		expected, err := parseHostKey(*c.HostKey)
		if err != nil {
			return nil, nil, err
		}
		config.HostKeyCallback = requireHostKey(expected)
		// Ask the server for the expected key's algorithm first; otherwise a
		// server holding several host keys may present a different, equally
		// valid one and be refused.
		config.HostKeyAlgorithms = hostKeyAlgorithms(expected)
	}

	if c.PrivateKey != nil {
		signer, err := parsePrivateKey(*c.PrivateKey, c.PrivateKeyPassword)
		if err != nil {
			return nil, nil, err
		}
		config.Auth = append(config.Auth, ssh.PublicKeys(signer))
	}
	if c.Password != nil {
		password := *c.Password
		config.Auth = append(config.Auth,
			ssh.Password(password),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = password
				}
				return answers, nil
			}))
	}

	agentConn, err := dialAgent(ctx, c.AgentSocketPath)
	if err != nil {
		return nil, nil, err
	}
	if agentConn != nil {
		config.Auth = append(config.Auth, ssh.PublicKeysCallback(agent.NewClient(agentConn).Signers))
		return config, agentConn, nil
	}
	return config, noAgent{}, nil
}

// perDialTimeout is the bound on one dial attempt; zero means none.
func (c *connectionBase) perDialTimeout() time.Duration {
	seconds := defaultPerDialTimeout
	if c.PerDialTimeout != nil {
		seconds = *c.PerDialTimeout
	}
	if seconds <= 0 {
		return 0
	}
	return time.Duration(seconds) * time.Second
}

func (c *connectionBase) dialErrorLimit() int {
	if c.DialErrorLimit == nil {
		return defaultDialErrorLimit
	}
	return *c.DialErrorLimit
}

func (c *connectionBase) address() string {
	port := float64(defaultPort)
	if c.Port != nil {
		port = *c.Port
	}
	return net.JoinHostPort(stringOr(c.Host, ""), fmt.Sprintf("%d", int(port)))
}

// parsePrivateKey reads a PEM or OpenSSH private key. Its errors never include
// the key material: x/crypto reports only the kind of failure.
func parsePrivateKey(key string, password *string) (ssh.Signer, error) {
	var signer ssh.Signer
	var err error
	if password != nil {
		signer, err = ssh.ParsePrivateKeyWithPassphrase([]byte(key), []byte(*password))
	} else {
		signer, err = ssh.ParsePrivateKey([]byte(key))
	}
	if err != nil {
		return nil, fmt.Errorf("connection.privateKey cannot be used: %w", err)
	}
	return signer, nil
}

// parseHostKey reads the expected host key in authorized_keys form
// ("ssh-ed25519 AAAA… [comment]"), the form `ssh-keyscan` and the
// `*.pub` host key files use.
func parseHostKey(text string) (ssh.PublicKey, error) {
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("connection.hostKey is not a public key in authorized_keys form: %w", err)
	}
	return key, nil
}

// requireHostKey refuses any server whose key differs from expected.
func requireHostKey(expected ssh.PublicKey) ssh.HostKeyCallback {
	return func(hostname string, _ net.Addr, presented ssh.PublicKey) error {
		if bytes.Equal(presented.Marshal(), expected.Marshal()) {
			return nil
		}
		return &hostKeyMismatchError{
			host:     hostname,
			expected: ssh.FingerprintSHA256(expected),
			got:      ssh.FingerprintSHA256(presented),
		}
	}
}

type hostKeyMismatchError struct{ host, expected, got string }

func (e *hostKeyMismatchError) Error() string {
	return fmt.Sprintf("host key mismatch for %s: the server presented %s but connection.hostKey is %s; refusing to connect",
		e.host, e.got, e.expected)
}

func hostKeyAlgorithms(key ssh.PublicKey) []string {
	if key.Type() == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{key.Type()}
}

// dialAgent connects to the SSH agent named by agentSocketPath or, failing
// that, by SSH_AUTH_SOCK. An explicit path that cannot be reached is an error;
// an inherited SSH_AUTH_SOCK that cannot be reached is only logged, so a stale
// variable in the engine's environment does not break key or password logins.
func dialAgent(ctx context.Context, explicitPath *string) (net.Conn, error) {
	if explicitPath != nil && *explicitPath != "" {
		conn, err := net.Dial("unix", *explicitPath)
		if err != nil {
			return nil, fmt.Errorf("connection.agentSocketPath: %w", err)
		}
		return conn, nil
	}
	envPath := os.Getenv(sshAgentSocketEnv)
	if envPath == "" {
		return nil, nil
	}
	conn, err := net.Dial("unix", envPath)
	if err != nil {
		p.GetLogger(ctx).Debugf("SSH agent from %s not used: %v", sshAgentSocketEnv, err)
		return nil, nil
	}
	return conn, nil
}

func stringOr(s *string, fallback string) string {
	if s == nil {
		return fallback
	}
	return *s
}

// noAgent is the closer returned when no agent connection was opened.
type noAgent struct{}

func (noAgent) Close() error { return nil }
