// Package shim exposes the Terraform tls provider, whose constructor lives in an
// internal package, to the Pulumi bridge.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	tlsprovider "github.com/hashicorp/terraform-provider-tls/internal/provider"
)

// NewProvider returns HashiCorp's Plugin Framework implementation of the tls provider.
func NewProvider() provider.Provider {
	return tlsprovider.New()
}
