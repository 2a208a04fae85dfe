package local

import (
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"etcdhosts.local/toolchain/command/internal/cmdresource"
)

// Command is command:local:Command, a command run on the machine that runs
// `pulumi` on create, update and delete.
type Command struct{}

func (c *Command) Annotate(a infer.Annotator) {
	a.Describe(&c, "A local command to be executed.\n\n"+
		"A command is considered to have failed when it finished with a non-zero exit code. "+
		"This will fail the CRUD step of the `Command` resource.")
}

// CommandInputs are the inputs of command:local:Command: those every Command
// takes (create, update, delete, stdin, logging, ...) and the local ones.
type CommandInputs struct {
	cmdresource.Args[Logging]
	Interpreter  *[]string          `pulumi:"interpreter,optional"`
	Dir          *string            `pulumi:"dir,optional"`
	Environment  *map[string]string `pulumi:"environment,optional"`
	AssetPaths   *[]string          `pulumi:"assetPaths,optional"`
	ArchivePaths *[]string          `pulumi:"archivePaths,optional"`
}

func (c *CommandInputs) Annotate(a infer.Annotator) {
	a.Describe(&c.Interpreter, "The program and arguments to run the command.\n"+
		"On Linux and macOS, defaults to: `[\"/bin/sh\", \"-c\"]`.")
	a.Describe(&c.Dir, "The directory from which to run the command from. If `dir` does not exist, then\n"+
		"`Command` will fail.")
	a.Describe(&c.Environment, "Additional environment variables available to the command's process.")
	a.Describe(&c.AssetPaths, "A list of path globs to read after the command completes. "+
		"`*` matches anything except `/`, `**` matches anything, patterns starting with `!` exclude, "+
		"and rules apply in order. Paths are relative to the working directory.")
	a.Describe(&c.ArchivePaths, "A list of path globs to return as a single archive asset after the command "+
		"completes, with the same rules as `assetPaths`.")
}

// CommandOutputs are the state of command:local:Command: its inputs plus what
// the last create or update produced.
type CommandOutputs struct {
	CommandInputs
	cmdresource.Output
	Assets  *map[string]*resource.Asset `pulumi:"assets,optional"`
	Archive *resource.Archive           `pulumi:"archive,optional"`
}

func (c *CommandOutputs) Annotate(a infer.Annotator) {
	a.Describe(&c.Assets, "A map of assets found after running the command.\n"+
		"The key is the relative path from the command dir")
	a.Describe(&c.Archive, "An archive asset containing files found after running the command.")
}
