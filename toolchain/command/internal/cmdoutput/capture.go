package cmdoutput

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	p "github.com/pulumi/pulumi-go-provider"
)

// MaxStreamBytes bounds what one stream of one command keeps in memory, in its
// output property and in the log: a command that prints without end cannot
// exhaust the provider's memory or the state file. What follows is counted and
// dropped, and the output ends with a line saying so. Upstream keeps
// everything. A variable so that tests can lower it.
var MaxStreamBytes = 1 << 20

// truncationMarker is the line that ends a stream cut at MaxStreamBytes.
func truncationMarker(dropped int64) string {
	return fmt.Sprintf("[output truncated by the command provider: %d more bytes not kept (limit %d bytes per stream)]", dropped, MaxStreamBytes)
}

// Capture records a command's stdout and stderr in full and forwards the
// complete lines of the streams that logging allows to the engine's log.
//
// Each stream gets its own writer so that a line is never split between the
// two streams: the SSH session and os/exec copy them from separate goroutines.
type Capture struct {
	stdout, stderr streamWriter
}

// NewCapture starts a capture whose logged lines go to the resource's log in
// ctx (as status messages, the way upstream shows command output).
func NewCapture(ctx context.Context, logged Streams) *Capture {
	logLine := func(line string) { p.GetLogger(ctx).InfoStatus(line) }
	c := &Capture{}
	if logged.Stdout {
		c.stdout.logLine = logLine
	}
	if logged.Stderr {
		c.stderr.logLine = logLine
	}
	return c
}

// Stdout is the writer for the command's standard output.
func (c *Capture) Stdout() io.Writer { return &c.stdout }

// Stderr is the writer for the command's standard error.
func (c *Capture) Stderr() io.Writer { return &c.stderr }

// Finish logs any last line that had no newline and returns both streams with
// one trailing newline removed, which is how upstream stores them.
func (c *Capture) Finish() (stdout, stderr string) {
	c.stdout.flush()
	c.stderr.flush()
	return c.stdout.text(), c.stderr.text()
}

// streamWriter keeps what is written to it, up to MaxStreamBytes, and hands
// each complete line it keeps to logLine when logLine is set.
type streamWriter struct {
	mu      sync.Mutex
	all     bytes.Buffer
	partial []byte
	logLine func(string)
	// dropped counts the bytes past MaxStreamBytes.
	dropped int64
}

func (w *streamWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(b)
	if room := MaxStreamBytes - w.all.Len(); len(b) > room {
		if w.dropped == 0 && w.logLine != nil {
			// The kept part's last line, then one line saying the rest is not logged either.
			w.partial = append(w.partial, b[:max(room, 0)]...)
			if len(w.partial) > 0 {
				w.logLine(string(w.partial))
				w.partial = nil
			}
			w.logLine(fmt.Sprintf("[output truncated by the command provider at %d bytes per stream]", MaxStreamBytes))
		}
		w.dropped += int64(len(b) - max(room, 0))
		b = b[:max(room, 0)]
		w.all.Write(b)
		return n, nil
	}
	w.all.Write(b)
	if w.logLine == nil || w.dropped > 0 {
		return n, nil
	}
	w.partial = append(w.partial, b...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.logLine(strings.TrimSuffix(string(w.partial[:i]), "\r"))
		w.partial = w.partial[i+1:]
	}
	return n, nil
}

func (w *streamWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.logLine != nil && len(w.partial) > 0 {
		w.logLine(string(w.partial))
	}
	w.partial = nil
}

func (w *streamWriter) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dropped > 0 {
		return strings.TrimSuffix(w.all.String(), "\n") + "\n" + truncationMarker(w.dropped)
	}
	return strings.TrimSuffix(w.all.String(), "\n")
}
