package remote

import (
	"github.com/pulumi/pulumi-go-provider/infer"

	"etcdhosts.local/toolchain/command/internal/cmdresource"
)

// Command is command:remote:Command, a command run over SSH on create, update
// and delete.
type Command struct{}

func (c *Command) Annotate(a infer.Annotator) {
	a.Describe(&c, "A command to run on a remote host. The connection is established via ssh.")
}

// CommandInputs are the inputs of command:remote:Command: the connection,
// those every Command takes (create, update, delete, stdin, logging, ...) and
// the environment, which goes through SSH.
type CommandInputs struct {
	Connection *Connection `pulumi:"connection" provider:"secret"`
	cmdresource.Args[Logging]
	Environment map[string]string `pulumi:"environment,optional"`
}

func (c *CommandInputs) Annotate(a infer.Annotator) {
	a.Describe(&c.Connection, "The parameters with which to connect to the remote host.")
	a.Describe(&c.Environment, "Additional environment variables available to the command's process.\n"+
		"Note that this only works if the SSH server is configured to accept these variables via AcceptEnv.")
}

// CommandOutputs are the state of command:remote:Command: its inputs plus the
// output of the last create or update.
type CommandOutputs struct {
	CommandInputs
	cmdresource.Output
}
