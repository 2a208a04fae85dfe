package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"golang.org/x/crypto/ssh"
)

// The wait between dial attempts grows like upstream's (Pulumi's retry.Until
// defaults): 100 ms, then ×1.5 per attempt, never more than 5 s.
const (
	firstRetryDelay = 100 * time.Millisecond
	retryBackoff    = 1.5
	maxRetryDelay   = 5 * time.Second
)

// sshClient is an SSH connection to the target host together with whatever
// must be closed with it (the proxy connection, the agent connection), and the
// keepalives that watch it.
type sshClient struct {
	*ssh.Client
	closers []io.Closer
	alive   *keepalive
}

// newSSHClient starts the keepalives of a fresh connection.
func newSSHClient(client *ssh.Client, closers ...io.Closer) *sshClient {
	return &sshClient{Client: client, closers: closers, alive: startKeepalive(client)}
}

// lost reports whether the keepalives gave up on the connection and closed it.
func (c *sshClient) lost() bool { return c.alive.lost.Load() }

func (c *sshClient) Close() error {
	_ = c.alive.Close()
	err := c.Client.Close()
	for i := len(c.closers) - 1; i >= 0; i-- {
		_ = c.closers[i].Close()
	}
	return err
}

// dial opens an SSH connection to the target, through the proxy when one is
// set. Each host is retried until its dialErrorLimit is used up, and each
// attempt is bounded by its perDialTimeout.
func (c *Connection) dial(ctx context.Context) (*sshClient, error) {
	config, agentCloser, err := c.clientConfig(ctx)
	if err != nil {
		return nil, err
	}
	if c.Proxy == nil {
		client, err := dialWithRetry(ctx, &c.connectionBase, func() (*ssh.Client, error) {
			return dialOnce(ctx, &c.connectionBase, config, tcpDial)
		})
		if err != nil {
			_ = agentCloser.Close()
			return nil, err
		}
		return newSSHClient(client, agentCloser), nil
	}

	proxyConfig, proxyAgentCloser, err := c.Proxy.clientConfig(ctx)
	if err != nil {
		_ = agentCloser.Close()
		return nil, fmt.Errorf("proxy: %w", err)
	}
	closeAll := func(cs ...io.Closer) {
		for _, cl := range cs {
			_ = cl.Close()
		}
	}
	proxyClient, err := dialWithRetry(ctx, &c.Proxy.connectionBase, func() (*ssh.Client, error) {
		return dialOnce(ctx, &c.Proxy.connectionBase, proxyConfig, tcpDial)
	})
	if err != nil {
		closeAll(agentCloser, proxyAgentCloser)
		return nil, fmt.Errorf("proxy: %w", err)
	}
	// The target's own limit and timeout govern the hop from the proxy to it.
	client, err := dialWithRetry(ctx, &c.connectionBase, func() (*ssh.Client, error) {
		return dialOnce(ctx, &c.connectionBase, config, proxyClient.DialContext)
	})
	if err != nil {
		closeAll(proxyClient, agentCloser, proxyAgentCloser)
		return nil, fmt.Errorf("via proxy %s: %w", c.Proxy.address(), err)
	}
	return newSSHClient(client, proxyClient, agentCloser, proxyAgentCloser), nil
}

// dialFunc opens the transport for one attempt: TCP for a direct dial, a
// channel through the proxy otherwise.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func tcpDial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// dialOnce makes one attempt: open the transport, then run the SSH handshake
// and authentication. perDialTimeout bounds the whole attempt, not only the TCP
// connect, so a server that accepts but never answers cannot hang the step.
func dialOnce(ctx context.Context, host *connectionBase, config *ssh.ClientConfig, dial dialFunc) (*ssh.Client, error) {
	addr := host.address()
	timeout := host.perDialTimeout()
	attemptCtx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		attemptCtx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()

	conn, err := dial(attemptCtx, "tcp", addr)
	if err != nil {
		return nil, attemptError(attemptCtx, timeout, err)
	}
	// Closing the transport is the one way to interrupt a pending handshake,
	// whether the attempt timed out or the step was cancelled.
	stopWatch := context.AfterFunc(attemptCtx, func() { _ = conn.Close() })
	sshConn, chans, reqs, err := ssh.NewClientConn(conn, addr, config)
	if !stopWatch() {
		// The watch already closed the connection, even if the handshake
		// finished in the same instant.
		if err == nil {
			_ = sshConn.Close()
			err = attemptCtx.Err()
		}
		return nil, attemptError(attemptCtx, timeout, err)
	}
	if err != nil {
		_ = conn.Close()
		if strings.Contains(err.Error(), "unable to authenticate") {
			return nil, &authFailedError{err: err}
		}
		return nil, err
	}
	return ssh.NewClient(sshConn, chans, reqs), nil
}

// authFailedError is a server that refused every credential offered. Trying
// again cannot change its answer and only counts against MaxAuthTries,
// fail2ban or MaxStartups on the host, so it is never retried.
type authFailedError struct{ err error }

func (e *authFailedError) Error() string {
	return "authentication failed (not retried: another attempt would offer the same credentials): " + e.err.Error()
}

func (e *authFailedError) Unwrap() error { return e.err }

// attemptError says plainly when an attempt ended because perDialTimeout ran out.
func attemptError(attemptCtx context.Context, timeout time.Duration, err error) error {
	if errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("attempt not finished within perDialTimeout (%s): %w", timeout, err)
	}
	return err
}

// dialWithRetry calls attempt until it succeeds, the context ends, or the host's
// dialErrorLimit is exceeded. Like upstream, the limit counts the errors that
// are tolerated: a limit of N allows N+1 attempts, and any negative limit means
// no limit. The final error names the host and the number of attempts.
func dialWithRetry(ctx context.Context, host *connectionBase,
	attempt func() (*ssh.Client, error),
) (*ssh.Client, error) {
	limit := host.dialErrorLimit()
	delay := firstRetryDelay
	for attempts := 1; ; attempts++ {
		client, err := attempt()
		if err == nil {
			return client, nil
		}
		if hostKeyErr := (*hostKeyMismatchError)(nil); errors.As(err, &hostKeyErr) {
			// Retrying cannot change the server's key; fail now.
			return nil, fmt.Errorf("dial %s: %w", host.address(), err)
		}
		if authErr := (*authFailedError)(nil); errors.As(err, &authErr) {
			return nil, fmt.Errorf("dial %s: %w", host.address(), err)
		}
		if limit >= 0 && attempts > limit {
			return nil, fmt.Errorf("dial %s: failed after %d attempts (dialErrorLimit %d): %w",
				host.address(), attempts, limit, err)
		}
		p.GetLogger(ctx).InfoStatusf("Dial %s attempt %d/%s failed: retrying",
			host.address(), attempts, attemptLimitText(limit))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("dial %s: %w (last error: %v)", host.address(), ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(time.Duration(float64(delay)*retryBackoff), maxRetryDelay)
	}
}

func attemptLimitText(limit int) string {
	if limit < 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%d", limit+1)
}
