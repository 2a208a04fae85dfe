// Package shim exposes the Terraform random provider, whose constructor lives in an
// internal package, to the Pulumi bridge.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	randomprovider "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns HashiCorp's Plugin Framework implementation of the random provider.
func NewProvider() provider.Provider {
	return randomprovider.New()
}
