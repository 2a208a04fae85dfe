package cmdoutput

// Previous is the stdout and stderr of the last create or update, handed to
// the next update or delete as PULUMI_COMMAND_STDOUT and PULUMI_COMMAND_STDERR.
type Previous struct {
	Stdout, Stderr string
}

// PreviousFrom returns the state's last output when addPreviousOutputInEnv
// (default true) asks for it, nil otherwise.
func PreviousFrom(addPreviousOutputInEnv *bool, stdout, stderr string) *Previous {
	if addPreviousOutputInEnv != nil && !*addPreviousOutputInEnv {
		return nil
	}
	return &Previous{Stdout: stdout, Stderr: stderr}
}
