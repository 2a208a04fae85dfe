package remote

import (
	"context"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"etcdhosts.local/toolchain/command/internal/cmdoutput"
)

var (
	_ infer.CustomResource[CommandInputs, CommandOutputs] = (*Command)(nil)
	_ infer.CustomUpdate[CommandInputs, CommandOutputs]   = (*Command)(nil)
	_ infer.CustomDelete[CommandOutputs]                  = (*Command)(nil)
)

// Create runs `create`, except in preview, where nothing runs.
func (*Command) Create(ctx context.Context, req infer.CreateRequest[CommandInputs],
) (infer.CreateResponse[CommandOutputs], error) {
	state := CommandOutputs{CommandInputs: req.Inputs}
	id, err := resource.NewUniqueHex(req.Name, 8, 0)
	if err != nil {
		return infer.CreateResponse[CommandOutputs]{}, err
	}
	if req.DryRun || req.Inputs.Create == nil {
		return infer.CreateResponse[CommandOutputs]{ID: id, Output: state}, nil
	}
	// A first run has no previous output to pass on.
	state.Stdout, state.Stderr, err = runOnHost(ctx, "create", *req.Inputs.Create, req.Inputs, nil)
	if err != nil {
		return infer.CreateResponse[CommandOutputs]{}, err
	}
	return infer.CreateResponse[CommandOutputs]{ID: id, Output: state}, nil
}

// Update runs `update`, or `create` when `update` is unset, after any input
// other than `triggers` changed (a `triggers` change is a replacement, decided
// in Diff). With neither command set the previous output is kept.
func (*Command) Update(ctx context.Context, req infer.UpdateRequest[CommandInputs, CommandOutputs],
) (infer.UpdateResponse[CommandOutputs], error) {
	state := CommandOutputs{CommandInputs: req.Inputs, Stdout: req.State.Stdout, Stderr: req.State.Stderr}
	command, step := req.Inputs.Update, "update"
	if command == nil {
		command, step = req.Inputs.Create, "create"
	}
	if req.DryRun || command == nil {
		return infer.UpdateResponse[CommandOutputs]{Output: state}, nil
	}
	previous := cmdoutput.PreviousFrom(req.Inputs.AddPreviousOutputInEnv, req.State.Stdout, req.State.Stderr)
	stdout, stderr, err := runOnHost(ctx, step, *command, req.Inputs, previous)
	if err != nil {
		return infer.UpdateResponse[CommandOutputs]{}, err
	}
	state.Stdout, state.Stderr = stdout, stderr
	return infer.UpdateResponse[CommandOutputs]{Output: state}, nil
}

// Delete runs `delete`, if set, with the last output in its environment.
func (*Command) Delete(ctx context.Context, req infer.DeleteRequest[CommandOutputs]) (infer.DeleteResponse, error) {
	if req.State.Delete == nil {
		return infer.DeleteResponse{}, nil
	}
	previous := cmdoutput.PreviousFrom(req.State.AddPreviousOutputInEnv, req.State.Stdout, req.State.Stderr)
	_, _, err := runOnHost(ctx, "delete", *req.State.Delete, req.State.CommandInputs, previous)
	return infer.DeleteResponse{}, err
}
