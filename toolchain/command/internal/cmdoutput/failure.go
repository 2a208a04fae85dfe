package cmdoutput

import (
	"fmt"
	"strings"
)

// Failure is the error for a command that ran and did not succeed. It names
// the step (create, update or delete) and the exit status and shows stderr so
// the user sees why.
//
// Unlike upstream it never quotes the command text, which may carry secrets,
// and it shows stderr only when logging lets stderr through: a user who turned
// stderr logging off has said the stream may hold secrets, and an error
// message ends up in the same engine output as a log line.
func Failure(step string, runErr error, stderr string, logged Streams) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s command failed: %v", step, runErr)
	switch {
	case !logged.Stderr:
		b.WriteString("\n(stderr is not shown because logging excludes it)")
	case stderr != "":
		b.WriteString("\nstderr:\n")
		b.WriteString(stderr)
	}
	return &failureError{msg: b.String(), cause: runErr}
}

type failureError struct {
	msg   string
	cause error
}

func (e *failureError) Error() string { return e.msg }
func (e *failureError) Unwrap() error { return e.cause }
