// Command pulumi-resource-tls is the Pulumi resource plugin for the tls package.
package main

import (
	"context"
	_ "embed"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"

	tls "etcdhosts.local/toolchain/tls"
)

// Both files are written by pulumi-tfgen-tls at build time (see build.sh) and are not
// committed.
var (
	//go:embed schema.json
	schema []byte
	//go:embed bridge-metadata.json
	bridgeMetadata []byte
)

func main() {
	info := tls.Provider(bridgeMetadata)
	pkgSchema, err := schemaWithVersion(schema, info.Version)
	if err != nil {
		cmdutil.ExitError(err.Error())
	}
	tfbridge.Main(context.Background(), "tls", info, tfbridge.ProviderMetadata{PackageSchema: pkgSchema})
}
