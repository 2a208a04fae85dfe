package cmdoutput

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestStreamWriterLogsCompleteLinesAndKeepsEverything(t *testing.T) {
	var logged []string
	w := &streamWriter{logLine: func(l string) { logged = append(logged, l) }}
	for _, chunk := range []string{"fir", "st\nsec", "ond\r\n", "tail without newline"} {
		if _, err := io.WriteString(w, chunk); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"first", "second"}; !reflect.DeepEqual(logged, want) {
		t.Fatalf("before flush logged %q, want %q", logged, want)
	}
	w.flush()
	if want := []string{"first", "second", "tail without newline"}; !reflect.DeepEqual(logged, want) {
		t.Fatalf("after flush logged %q, want %q", logged, want)
	}
	if got := w.text(); got != "first\nsecond\r\ntail without newline" {
		t.Fatalf("captured %q", got)
	}
}

func TestCaptureTrimsOneTrailingNewlineLikeUpstream(t *testing.T) {
	c := NewCapture(context.Background(), Streams{})
	_, _ = io.WriteString(c.Stdout(), "a\n\n")
	_, _ = io.WriteString(c.Stderr(), "b\n")
	stdout, stderr := c.Finish()
	if stdout != "a\n" || stderr != "b" {
		t.Fatalf("stdout %q stderr %q", stdout, stderr)
	}
}

func TestLoggedStreams(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, c := range []struct {
		in   *string
		want Streams
	}{
		{nil, Streams{true, true}},
		{str(LogStdoutAndStderr), Streams{true, true}},
		{str(LogStdout), Streams{Stdout: true}},
		{str(LogStderr), Streams{Stderr: true}},
		{str(LogNone), Streams{}},
		{str("bogus"), Streams{}},
	} {
		if got := LoggedStreams(c.in); got != c.want {
			t.Errorf("LoggedStreams(%v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestFailureShowsStderrOnlyWhenItIsLogged(t *testing.T) {
	cause := errors.New("exit status 1")
	shown := Failure("update", cause, "bad flag", Streams{Stderr: true})
	if !strings.Contains(shown.Error(), "update command failed: exit status 1") ||
		!strings.Contains(shown.Error(), "bad flag") || !errors.Is(shown, cause) {
		t.Fatalf("shown: %v", shown)
	}
	hidden := Failure("update", cause, "bad flag", Streams{Stdout: true})
	if strings.Contains(hidden.Error(), "bad flag") || !strings.Contains(hidden.Error(), "logging excludes it") {
		t.Fatalf("hidden: %v", hidden)
	}
}

func TestEachStreamIsCappedWithAMarker(t *testing.T) {
	defer func(old int) { MaxStreamBytes = old }(MaxStreamBytes)
	MaxStreamBytes = 64
	var logged []string
	w := &streamWriter{logLine: func(l string) { logged = append(logged, l) }}
	for i := 0; i < 100; i++ {
		if n, err := io.WriteString(w, "0123456789\n"); err != nil || n != 11 {
			t.Fatalf("write returned %d, %v: the command must not see an error", n, err)
		}
	}
	w.flush()
	got := w.text()
	want := strings.Repeat("0123456789\n", 5) + "012345678" + "\n" +
		"[output truncated by the command provider: 1036 more bytes not kept (limit 64 bytes per stream)]"
	if got != want {
		t.Fatalf("captured %q,\nwant %q", got, want)
	}
	wantLogged := []string{"0123456789", "0123456789", "0123456789", "0123456789", "0123456789", "012345678",
		"[output truncated by the command provider at 64 bytes per stream]"}
	if !reflect.DeepEqual(logged, wantLogged) {
		t.Fatalf("logged %q, want %q", logged, wantLogged)
	}
}

func TestStreamsBelowTheCapAreKeptWhole(t *testing.T) {
	c := NewCapture(context.Background(), Streams{})
	big := strings.Repeat("x", MaxStreamBytes-1) + "\n"
	_, _ = io.WriteString(c.Stdout(), big)
	stdout, _ := c.Finish()
	if stdout != strings.TrimSuffix(big, "\n") {
		t.Fatalf("a stream just below the cap lost %d bytes", len(big)-1-len(stdout))
	}
}
