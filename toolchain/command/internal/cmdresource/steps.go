package cmdresource

import "etcdhosts.local/toolchain/command/internal/cmdoutput"

// Step is one run of the user's command: the lifecycle step it belongs to
// ("create", "update" or "delete", named in errors), the command text, and the
// last output to pass on as PULUMI_COMMAND_STDOUT/STDERR (nil: none).
type Step struct {
	Name     string
	Command  string
	Previous *cmdoutput.Previous
}

// CreateStep is what creating a resource with these inputs runs: `create`,
// with no previous output. Nothing runs in preview or without `create` (nil).
func (c *Args[L]) CreateStep(dryRun bool) *Step {
	if dryRun || c.Create == nil {
		return nil
	}
	return &Step{Name: "create", Command: *c.Create}
}

// UpdateStep is what updating to these inputs runs after any input other than
// `triggers` changed (a `triggers` change is a replacement, decided in Diff):
// `update`, or `create` when `update` is unset, with last (the state's output)
// in its environment unless addPreviousOutputInEnv is false. Nothing runs in
// preview or with neither command set (nil); the previous output is kept.
func (c *Args[L]) UpdateStep(dryRun bool, last Output) *Step {
	command, name := c.Update, "update"
	if command == nil {
		command, name = c.Create, "create"
	}
	if dryRun || command == nil {
		return nil
	}
	previous := cmdoutput.PreviousFrom(c.AddPreviousOutputInEnv, last.Stdout, last.Stderr)
	return &Step{Name: name, Command: *command, Previous: previous}
}

// DeleteStep is what deleting a resource with these (the state's) inputs runs:
// `delete`, if set, with last in its environment as for an update.
func (c *Args[L]) DeleteStep(last Output) *Step {
	if c.Delete == nil {
		return nil
	}
	previous := cmdoutput.PreviousFrom(c.AddPreviousOutputInEnv, last.Stdout, last.Stderr)
	return &Step{Name: "delete", Command: *c.Delete, Previous: previous}
}
