package remote

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"golang.org/x/crypto/ssh"

	"etcdhosts.local/toolchain/command/internal/cmdoutput"
	"etcdhosts.local/toolchain/command/internal/cmdresource"
)

// runOnHost runs step's command on the host of in.Connection in a new SSH
// session and returns its output. The step's name ("create", "update",
// "delete") names the command in errors.
func runOnHost(ctx context.Context, step cmdresource.Step, in CommandInputs) (cmdresource.Output, error) {
	if in.Connection == nil {
		return cmdresource.Output{}, fmt.Errorf("%s: connection is required", step.Name)
	}
	client, err := in.Connection.dial(ctx)
	if err != nil {
		return cmdresource.Output{}, err
	}
	defer client.Close()

	session, err := client.NewSession()
	if err != nil {
		return cmdresource.Output{}, fmt.Errorf("open SSH session on %s: %w", in.Connection.address(), err)
	}
	defer session.Close()

	if err := setEnvironment(session, in.Connection.address(), in.Environment); err != nil {
		return cmdresource.Output{}, err
	}
	if step.Previous != nil {
		setPreviousOutput(ctx, session, step.Previous)
	}
	if in.Stdin != nil && *in.Stdin != "" {
		session.Stdin = strings.NewReader(*in.Stdin)
	}

	logged := in.LoggedStreams()
	capture := cmdoutput.NewCapture(ctx, logged)
	session.Stdout = capture.Stdout()
	session.Stderr = capture.Stderr()

	// A cancelled step (Ctrl-C, engine shutdown, its customTimeouts) ends the remote command
	// too: SIGTERM, then the session and the connection are closed, so the step returns at once
	// even when a process the command started keeps the session's output open.
	stop := context.AfterFunc(ctx, func() {
		_ = session.Signal(ssh.SIGTERM)
		time.Sleep(signalGrace)
		_ = session.Close()
		_ = client.Close()
	})
	runErr := session.Run(step.Command)
	stop()

	stdout, stderr := capture.Finish()
	if runErr != nil && client.lost() {
		return cmdresource.Output{}, fmt.Errorf("%s: %w", step.Name, lostError(in.Connection.address()))
	}
	if runErr != nil {
		return cmdresource.Output{}, cmdoutput.Failure(step.Name, runErr, stderr, logged)
	}
	return cmdresource.Output{Stdout: stdout, Stderr: stderr}, nil
}

// signalGrace is how long a cancelled command has to act on its SIGTERM (a
// trap, say) before its session is closed.
const signalGrace = 500 * time.Millisecond

// setEnvironment passes the `environment` input with SSH "env" requests. The
// server decides: OpenSSH accepts only names its AcceptEnv lists, so a refusal
// is an error that says so (upstream fails the same way). Names are sent in
// sorted order so that which one is reported is deterministic.
func setEnvironment(session *ssh.Session, address string, environment map[string]string) error {
	names := make([]string, 0, len(environment))
	for name := range environment {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := session.Setenv(name, environment[name]); err != nil {
			return fmt.Errorf("the SSH server at %s refused environment variable %q: servers accept only "+
				"the names their AcceptEnv setting lists; pass the value through stdin or the command text instead (%w)",
				address, name, err)
		}
	}
	return nil
}

// setPreviousOutput sets PULUMI_COMMAND_STDOUT/STDERR when there is output to
// pass. As upstream does, a server that refuses them only earns a warning:
// these variables are a convenience that most sshd configurations reject.
func setPreviousOutput(ctx context.Context, session *ssh.Session, previous *cmdoutput.Previous) {
	for _, v := range []struct{ name, value string }{
		{cmdoutput.PreviousStdoutEnv, previous.Stdout},
		{cmdoutput.PreviousStderrEnv, previous.Stderr},
	} {
		if v.value == "" {
			continue
		}
		if err := session.Setenv(v.name, v.value); err != nil {
			p.GetLogger(ctx).Warningf("The SSH server refused %s (it is not in its AcceptEnv list); "+
				"the command runs without it.", v.name)
		}
	}
}
