package remote

import (
	"context"
	"fmt"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi-go-provider/infer/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

var (
	_ infer.CustomResource[CopyToRemoteInputs, CopyToRemoteOutputs] = (*CopyToRemote)(nil)
	_ infer.CustomCheck[CopyToRemoteInputs]                         = (*CopyToRemote)(nil)
	_ infer.CustomUpdate[CopyToRemoteInputs, CopyToRemoteOutputs]   = (*CopyToRemote)(nil)
)

// CopyToRemote is command:remote:CopyToRemote: it uploads a file or directory
// over SFTP. Like upstream it has no delete: destroying leaves the copy.
type CopyToRemote struct{}

func (c *CopyToRemote) Annotate(a infer.Annotator) {
	a.Describe(&c, "Copy an Asset or Archive to a remote host.")
}

// CopyToRemoteInputs are the inputs of command:remote:CopyToRemote.
type CopyToRemoteInputs struct {
	Connection *Connection          `pulumi:"connection" provider:"secret"`
	Triggers   *[]any               `pulumi:"triggers,optional" provider:"replaceOnChanges"`
	Source     types.AssetOrArchive `pulumi:"source"`
	RemotePath string               `pulumi:"remotePath"`
}

func (c *CopyToRemoteInputs) Annotate(a infer.Annotator) {
	a.Describe(&c.Connection, "The parameters with which to connect to the remote host.")
	a.Describe(&c.Triggers, "Trigger replacements on changes to this input.")
	a.Describe(&c.Source, "An asset or an archive to upload as the source of the copy. It must be path-based, "+
		"i.e., be a `FileAsset` or a `FileArchive`. The item will be copied as-is; archives like .tgz will not be "+
		"unpacked. Directories are copied recursively, overwriting existing files.")
	a.Describe(&c.RemotePath, "The destination path on the remote host. The last element of the path will be "+
		"created if it doesn't exist but it's an error when additional elements don't exist. When the remote path "+
		"is an existing directory, the source file or directory will be copied into that directory. When the "+
		"source is a file and the remote path is an existing file, that file will be overwritten. When the source "+
		"is a directory and the remote path an existing file, the copy will fail.")
}

// CopyToRemoteOutputs mirror the inputs; the copy has no outputs of its own.
type CopyToRemoteOutputs struct {
	CopyToRemoteInputs
}

// localPath is where the source lives on this machine.
func (c *CopyToRemoteInputs) localPath() string {
	if c.Source.Asset != nil {
		return c.Source.Asset.Path
	}
	return c.Source.Archive.Path
}

// contentHash changes when the source's content changes.
func (c *CopyToRemoteInputs) contentHash() string {
	if c.Source.Asset != nil {
		return c.Source.Asset.Hash
	}
	if c.Source.Archive != nil {
		return c.Source.Archive.Hash
	}
	return ""
}

// Check accepts exactly one path-based source, as upstream does: the copy
// reads a file or directory from disk, so a StringAsset or an AssetArchive
// is refused here rather than failing during `up`.
func (*CopyToRemote) Check(ctx context.Context, req infer.CheckRequest) (infer.CheckResponse[CopyToRemoteInputs], error) {
	inputs, failures, err := infer.DefaultCheck[CopyToRemoteInputs](ctx, req.NewInputs)
	if err != nil || len(failures) > 0 {
		return infer.CheckResponse[CopyToRemoteInputs]{Inputs: inputs, Failures: failures}, err
	}
	src := inputs.Source
	switch {
	case src.Asset != nil && src.Archive != nil:
		failures = append(failures, p.CheckFailure{Property: "source", Reason: "only one of asset or archive can be set"})
	case src.Asset == nil && src.Archive == nil:
		failures = append(failures, p.CheckFailure{Property: "source", Reason: "either asset or archive must be set"})
	case src.Asset != nil && !src.Asset.IsPath():
		failures = append(failures, p.CheckFailure{Property: "source", Reason: "asset must be a path-based file asset"})
	case src.Archive != nil && !src.Archive.IsPath():
		failures = append(failures, p.CheckFailure{Property: "source",
			Reason: "archive must be a path to a file or directory"})
	}
	return infer.CheckResponse[CopyToRemoteInputs]{Inputs: inputs, Failures: failures}, nil
}

// Create uploads the source, except in preview.
func (*CopyToRemote) Create(ctx context.Context, req infer.CreateRequest[CopyToRemoteInputs],
) (infer.CreateResponse[CopyToRemoteOutputs], error) {
	state := CopyToRemoteOutputs{req.Inputs}
	if req.DryRun {
		return infer.CreateResponse[CopyToRemoteOutputs]{Output: state}, nil
	}
	if err := uploadSource(ctx, req.Inputs); err != nil {
		return infer.CreateResponse[CopyToRemoteOutputs]{}, err
	}
	id, err := resource.NewUniqueHex(req.Name, 8, 0)
	return infer.CreateResponse[CopyToRemoteOutputs]{ID: id, Output: state}, err
}

// Update uploads again when the content or the destination changed; a change
// of the connection alone copies nothing.
func (*CopyToRemote) Update(ctx context.Context, req infer.UpdateRequest[CopyToRemoteInputs, CopyToRemoteOutputs],
) (infer.UpdateResponse[CopyToRemoteOutputs], error) {
	state := CopyToRemoteOutputs{req.Inputs}
	changed := req.Inputs.contentHash() != req.State.contentHash() || req.Inputs.RemotePath != req.State.RemotePath
	if req.DryRun || !changed {
		return infer.UpdateResponse[CopyToRemoteOutputs]{Output: state}, nil
	}
	if err := uploadSource(ctx, req.Inputs); err != nil {
		return infer.UpdateResponse[CopyToRemoteOutputs]{}, err
	}
	return infer.UpdateResponse[CopyToRemoteOutputs]{Output: state}, nil
}

func uploadSource(ctx context.Context, in CopyToRemoteInputs) error {
	if in.Connection == nil {
		return fmt.Errorf("copy: connection is required")
	}
	client, err := in.Connection.dial(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	p.GetLogger(ctx).Debugf("Copying %s to %s:%s", in.localPath(), in.Connection.address(), in.RemotePath)
	return sftpUpload(client.Client, in.localPath(), in.RemotePath)
}
