package local

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"etcdhosts.local/toolchain/command/internal/cmdoutput"
	"etcdhosts.local/toolchain/command/internal/cmdresource"
)

// waitDelay is how long a cancelled command's output may stay open before the
// step returns anyway.
const waitDelay = 2 * time.Second

// defaultInterpreter is upstream's on Linux and macOS.
var defaultInterpreter = []string{"/bin/sh", "-c"}

// result is what one run of a local command produced.
type result struct {
	cmdresource.Output
	assets  *map[string]*resource.Asset
	archive *resource.Archive
}

// runLocally runs step's command with in's interpreter, directory, environment
// and stdin, then collects assetPaths/archivePaths. The step's name ("create",
// "update", "delete") names the command in errors; its previous output, when
// set, is passed as PULUMI_COMMAND_STDOUT/STDERR.
func runLocally(ctx context.Context, step cmdresource.Step, in CommandInputs) (result, error) {
	argv := defaultInterpreter
	if in.Interpreter != nil && len(*in.Interpreter) > 0 {
		argv = *in.Interpreter
	}
	argv = append(append([]string{}, argv...), step.Command)

	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	// A cancelled step (its customTimeouts, Ctrl-C) ends the command's whole process group, and
	// does not wait more than waitDelay for a child that still holds its output open.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = waitDelay
	if in.Dir != nil {
		cmd.Dir = *in.Dir
	} else {
		wd, err := os.Getwd()
		if err != nil {
			return result{}, err
		}
		cmd.Dir = wd
	}
	cmd.Env = os.Environ()
	if in.Environment != nil {
		for name, value := range *in.Environment {
			cmd.Env = append(cmd.Env, name+"="+value)
		}
	}
	if previous := step.Previous; previous != nil {
		if previous.Stdout != "" {
			cmd.Env = append(cmd.Env, cmdoutput.PreviousStdoutEnv+"="+previous.Stdout)
		}
		if previous.Stderr != "" {
			cmd.Env = append(cmd.Env, cmdoutput.PreviousStderrEnv+"="+previous.Stderr)
		}
	}
	if in.Stdin != nil && *in.Stdin != "" {
		cmd.Stdin = strings.NewReader(*in.Stdin)
	}

	logged := in.LoggedStreams()
	capture := cmdoutput.NewCapture(ctx, logged)
	cmd.Stdout = capture.Stdout()
	cmd.Stderr = capture.Stderr()
	runErr := cmd.Run()
	stdout, stderr := capture.Finish()
	if runErr != nil {
		return result{}, cmdoutput.Failure(step.Name, runErr, stderr, logged)
	}

	out := result{Output: cmdresource.Output{Stdout: stdout, Stderr: stderr}}
	if in.AssetPaths != nil {
		assets, err := collectAssets(cmd.Dir, *in.AssetPaths)
		if err != nil {
			return result{}, fmt.Errorf("assetPaths: %w", err)
		}
		out.assets = &assets
	}
	if in.ArchivePaths != nil {
		archive, err := collectArchive(cmd.Dir, *in.ArchivePaths)
		if err != nil {
			return result{}, fmt.Errorf("archivePaths: %w", err)
		}
		out.archive = archive
	}
	return out, nil
}
