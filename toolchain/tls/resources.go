// Package tls maps HashiCorp's Terraform tls provider onto Pulumi tokens, so that the
// bridged plugin speaks the same schema as the @pulumi/tls npm SDK.
package tls

import (
	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"

	"github.com/hashicorp/terraform-provider-tls/shim"
)

// Provider returns the bridge's description of the tls package.
//
// metadata is the bridge-metadata.json that tfgen wrote next to schema.json: tfgen starts
// from nil and fills it, the plugin embeds the result so that both see the same data.
func Provider(metadata []byte) tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:            pf.ShimProvider(shim.NewProvider()),
		Name:         "tls",
		Version:      Version,
		Description:  "A Pulumi package to create TLS resources in Pulumi programs.",
		Keywords:     []string{"pulumi", "tls"},
		License:      "Apache-2.0",
		Repository:   "https://github.com/pulumi/pulumi-tls",
		MetadataInfo: tfbridge.NewProviderMetadata(metadata),
		// tfgen reads the resource docs from the Terraform provider's module, which lives
		// under github.com/hashicorp rather than the default terraform-providers org.
		GitHubOrg: "hashicorp",
		// Keep state version 0 as upstream pulumi-tls does, so states stay interchangeable.
		EnableZeroDefaultSchemaVersion: true,
	}

	// tls_private_key → tls:index/privateKey:PrivateKey,
	// tls_public_key (data source) → tls:index/getPublicKey:getPublicKey.
	info.MustComputeTokens(tokens.SingleModule("tls_", "index", tokens.MakeStandard("tls")))
	return info
}
