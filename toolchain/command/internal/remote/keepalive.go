package remote

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// How often an open connection is probed, and how many unanswered probes end
// it. A host that vanishes mid-command (powered off, cut off the network)
// would otherwise leave the step waiting for a TCP timeout that may never
// come. Upstream sends no keepalives. Variables so that tests can shorten them.
var (
	keepaliveInterval  = 15 * time.Second
	keepaliveMaxMissed = 3
)

// keepalive probes a connection with OpenSSH's keepalive@openssh.com global
// request (any reply, even a refusal, proves the server is there) and closes
// the connection once keepaliveMaxMissed probes in a row got no answer.
type keepalive struct {
	stop     chan struct{}
	stopOnce sync.Once
	lost     atomic.Bool
}

func startKeepalive(client *ssh.Client) *keepalive {
	k := &keepalive{stop: make(chan struct{})}
	interval, maxMissed := keepaliveInterval, keepaliveMaxMissed
	go func() {
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		missed := 0
		for {
			select {
			case <-k.stop:
				return
			case <-ticker.C:
			}
			replied := make(chan error, 1)
			go func() {
				_, _, err := client.SendRequest("keepalive@openssh.com", true, nil)
				replied <- err
			}()
			select {
			case <-k.stop:
				return
			case err := <-replied:
				if err != nil {
					// The connection is gone already; the session reports it.
					return
				}
				missed = 0
			case <-time.After(interval):
				missed++
				if missed >= maxMissed {
					k.lost.Store(true)
					_ = client.Close()
					return
				}
			}
		}
	}()
	return k
}

func (k *keepalive) Close() error {
	k.stopOnce.Do(func() { close(k.stop) })
	return nil
}

// lostError says why a step ended when the keepalives closed its connection.
func lostError(address string) error {
	return fmt.Errorf("the SSH connection to %s stopped answering: no reply to %d keepalives sent %s apart, so it was closed; "+
		"what the command did on the host is unknown", address, keepaliveMaxMissed, keepaliveInterval)
}
