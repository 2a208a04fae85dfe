package providertest

import (
	"context"
	"log/slog"
	"sync"

	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The in-memory server has no engine to log to, so pulumi-go-provider sends
// every log line (and status line) of a resource to slog with the resource's
// URN attached. Recording slog therefore records exactly what the engine would
// have received.

var (
	recordOnce sync.Once
	recorder   = &logRecorder{}
)

func installLogRecorder() {
	recordOnce.Do(func() { slog.SetDefault(slog.New(recorder)) })
}

// LogLine is one message the provider logged for a resource.
type LogLine struct {
	Level   slog.Level
	Message string
}

// Logs returns what the provider has logged for urn, in order.
func Logs(urn presource.URN) []LogLine {
	recorder.mu.Lock()
	defer recorder.mu.Unlock()
	return append([]LogLine(nil), recorder.lines[string(urn)]...)
}

// AllLogs returns every recorded message of every resource.
func AllLogs() []LogLine {
	recorder.mu.Lock()
	defer recorder.mu.Unlock()
	var out []LogLine
	for _, lines := range recorder.lines {
		out = append(out, lines...)
	}
	return out
}

type logRecorder struct {
	mu    sync.Mutex
	lines map[string][]LogLine
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	urn := ""
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "urn" {
			urn = a.Value.String()
		}
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lines == nil {
		r.lines = map[string][]LogLine{}
	}
	r.lines[urn] = append(r.lines[urn], LogLine{Level: rec.Level, Message: rec.Message})
	return nil
}

// WithAttrs and WithGroup return the recorder itself: the URN, the only
// attribute read, is always passed on the record.
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }
