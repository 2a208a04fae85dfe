// Command pulumi-resource-command serves the `command` provider (remote and
// local commands) to the Pulumi engine as a plugin.
package main

import (
	"context"
	"fmt"
	"os"

	"etcdhosts.local/toolchain/command/internal/provider"
)

func main() {
	prov, err := provider.New()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building the command provider: %v\n", err)
		os.Exit(1)
	}
	if err := prov.Run(context.Background(), provider.Name, provider.Version); err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		os.Exit(1)
	}
}
