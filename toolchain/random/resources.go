// Package random maps HashiCorp's Terraform random provider onto Pulumi tokens, so that
// the bridged plugin speaks the same schema as the @pulumi/random npm SDK.
package random

import (
	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"

	"github.com/terraform-providers/terraform-provider-random/shim"
)

// Provider returns the bridge's description of the random package.
//
// metadata is the bridge-metadata.json that tfgen wrote next to schema.json: tfgen starts
// from nil and fills it, the plugin embeds the result so that both see the same data.
func Provider(metadata []byte) tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:            pf.ShimProvider(shim.NewProvider()),
		Name:         "random",
		Version:      Version,
		Description:  "A Pulumi package to safely use randomness in Pulumi programs.",
		Keywords:     []string{"pulumi", "random"},
		License:      "Apache-2.0",
		Repository:   "https://github.com/pulumi/pulumi-random",
		MetadataInfo: tfbridge.NewProviderMetadata(metadata),
		Resources: map[string]*tfbridge.ResourceInfo{
			"random_bytes": {ComputeID: randomBytesID},
		},
	}

	// The SDK keeps Terraform's "random" in the class names: random_password →
	// random:index/randomPassword:RandomPassword, not random:index/password:Password.
	withPrefix := func(module, name string) (string, error) {
		return tokens.MakeStandard("random")(module, "Random"+name)
	}
	info.MustComputeTokens(tokens.SingleModule("random_", "index", withPrefix))
	return info
}
