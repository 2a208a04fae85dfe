package random

import (
	"context"
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// randomBytesID gives random_bytes a Pulumi ID. Its Terraform schema has no "id"
// attribute and the bridge needs one; like upstream pulumi-random it uses the base64
// value, which is also what Terraform's import of random_bytes takes as the ID.
func randomBytesID(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	b, ok := state["base64"]
	if !ok {
		return "", errors.New("random_bytes: no base64 property in state")
	}
	// base64 is sensitive, so the bridge hands it over wrapped as a secret; an ID cannot
	// carry a secret marker, so unwrap it.
	if b.IsSecret() {
		b = b.SecretValue().Element
	}
	if !b.IsString() {
		return "", errors.New("random_bytes: base64 property is not a string")
	}
	return resource.ID(b.StringValue()), nil
}
