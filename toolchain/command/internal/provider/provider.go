// Package provider assembles the `command` resource provider: the package
// name and version the engine and the npm SDK expect, and its resources.
package provider

import (
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"etcdhosts.local/toolchain/command/internal/local"
	"etcdhosts.local/toolchain/command/internal/remote"
)

// Name and Version are what the npm package @pulumi/command@1.2.1 asks the
// engine for ("pulumi": {"name": "command", "version": "1.2.1"}); the plugin
// must report exactly these to be picked for it.
const (
	Name    = "command"
	Version = "1.2.1"
)

// New builds the provider. Resource tokens come from the Go package names
// (remote, local) and the type names, e.g. command:remote:Command.
func New() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithDisplayName("Command").
		WithDescription("Runs commands locally or over SSH as part of the Pulumi resource model "+
			"(a rebuild of pulumi-command's schema and semantics for offline use).").
		WithKeywords("pulumi", "command", "category/utility", "kind/native").
		WithHomepage("https://pulumi.com").
		WithRepository("https://github.com/pulumi/pulumi-command").
		WithLicense("Apache-2.0").
		WithResources(
			infer.Resource(&remote.Command{}),
			infer.Resource(&remote.CopyToRemote{}),
			infer.Resource(&local.Command{}),
		).
		Build()
	if err != nil {
		return p.Provider{}, err
	}
	return boundByTimeouts(replaceOnTriggerChange(prov)), nil
}
