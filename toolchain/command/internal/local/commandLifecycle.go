package local

import (
	"context"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

var (
	_ infer.CustomResource[CommandInputs, CommandOutputs] = (*Command)(nil)
	_ infer.CustomUpdate[CommandInputs, CommandOutputs]   = (*Command)(nil)
	_ infer.CustomDelete[CommandOutputs]                  = (*Command)(nil)
)

// Create runs the command that CreateStep names (none in preview) on this
// machine. Which command each step runs is decided in cmdresource/steps.go,
// the same for local and remote commands.
func (*Command) Create(ctx context.Context, req infer.CreateRequest[CommandInputs],
) (infer.CreateResponse[CommandOutputs], error) {
	state := CommandOutputs{CommandInputs: req.Inputs}
	id, err := resource.NewUniqueHex(req.Name, 8, 0)
	if err != nil {
		return infer.CreateResponse[CommandOutputs]{}, err
	}
	if step := req.Inputs.CreateStep(req.DryRun); step != nil {
		out, err := runLocally(ctx, *step, req.Inputs)
		if err != nil {
			return infer.CreateResponse[CommandOutputs]{}, err
		}
		state.setResult(out)
	}
	return infer.CreateResponse[CommandOutputs]{ID: id, Output: state}, nil
}

// Update runs the command that UpdateStep names, keeping the previous output
// when none runs.
func (*Command) Update(ctx context.Context, req infer.UpdateRequest[CommandInputs, CommandOutputs],
) (infer.UpdateResponse[CommandOutputs], error) {
	state := req.State
	state.CommandInputs = req.Inputs
	if step := req.Inputs.UpdateStep(req.DryRun, req.State.Output); step != nil {
		out, err := runLocally(ctx, *step, req.Inputs)
		if err != nil {
			return infer.UpdateResponse[CommandOutputs]{}, err
		}
		state.setResult(out)
	}
	return infer.UpdateResponse[CommandOutputs]{Output: state}, nil
}

// Delete runs the command that DeleteStep names, if any.
func (*Command) Delete(ctx context.Context, req infer.DeleteRequest[CommandOutputs]) (infer.DeleteResponse, error) {
	step := req.State.DeleteStep(req.State.Output)
	if step == nil {
		return infer.DeleteResponse{}, nil
	}
	_, err := runLocally(ctx, *step, req.State.CommandInputs)
	return infer.DeleteResponse{}, err
}

func (c *CommandOutputs) setResult(r result) {
	c.Output = r.Output
	c.Assets, c.Archive = r.assets, r.archive
}
