// Package cmdoutput holds what local and remote commands share: which output
// streams may reach the engine's log, how output is captured, and how a failed
// command is reported.
package cmdoutput

// Names of the environment variables that carry the previous run's output into
// the next update or delete, as upstream's provider names them.
const (
	PreviousStdoutEnv = "PULUMI_COMMAND_STDOUT"
	PreviousStderrEnv = "PULUMI_COMMAND_STDERR"
)

// The values of the `logging` input, shared by local and remote commands.
const (
	LogStdout          = "stdout"
	LogStderr          = "stderr"
	LogStdoutAndStderr = "stdoutAndStderr"
	LogNone            = "none"
)

// Streams says which of a command's output streams may be written to the
// engine's log. Capturing into the stdout/stderr outputs is not affected.
type Streams struct {
	Stdout bool
	Stderr bool
}

// LoggedStreams maps a `logging` value to the streams it lets through. An unset
// value (nil) logs both, as upstream documents ("Defaults to logging both").
func LoggedStreams(logging *string) Streams {
	if logging == nil {
		return Streams{Stdout: true, Stderr: true}
	}
	switch *logging {
	case LogStdout:
		return Streams{Stdout: true}
	case LogStderr:
		return Streams{Stderr: true}
	case LogStdoutAndStderr:
		return Streams{Stdout: true, Stderr: true}
	default:
		return Streams{}
	}
}
