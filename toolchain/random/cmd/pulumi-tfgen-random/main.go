// Command pulumi-tfgen-random writes schema.json and bridge-metadata.json for the random
// plugin; build.sh runs it before compiling pulumi-resource-random, which embeds both.
package main

import (
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	random "etcdhosts.local/toolchain/random"
)

func main() {
	// No prior metadata: the schema is generated from scratch on every build.
	info := random.Provider(nil)
	// The bridge would look for the Terraform provider's docs/ by running `go mod download`
	// in ./provider, a layout this module doesn't have; build.sh passes the module's
	// directory instead. Without it the schema still generates, with empty descriptions.
	info.UpstreamRepoPath = os.Getenv("UPSTREAM_REPO_PATH")
	tfgen.Main("random", info)
}
