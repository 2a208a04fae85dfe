package cmdoutput

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"

	p "github.com/pulumi/pulumi-go-provider"
)

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

// streamWriter keeps everything written to it and hands each complete line to
// logLine when logLine is set.
type streamWriter struct {
	mu      sync.Mutex
	all     bytes.Buffer
	partial []byte
	logLine func(string)
}

func (w *streamWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all.Write(b)
	if w.logLine == nil {
		return len(b), nil
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
	return len(b), nil
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
	return strings.TrimSuffix(w.all.String(), "\n")
}
