// Command pulumi-tfgen-tls writes schema.json and bridge-metadata.json for the tls
// plugin; build.sh runs it before compiling pulumi-resource-tls, which embeds both.
package main

import (
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	tls "etcdhosts.local/toolchain/tls"
)

func main() {
	// No prior metadata: the schema is generated from scratch on every build.
	info := tls.Provider(nil)
	// The bridge would look for the Terraform provider's docs/ by running `go mod download`
	// in ./provider, a layout this module doesn't have; build.sh passes the module's
	// directory instead. Without it the schema still generates, with empty descriptions.
	info.UpstreamRepoPath = os.Getenv("UPSTREAM_REPO_PATH")
	tfgen.Main("tls", info)
}
