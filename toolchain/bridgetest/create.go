package bridgetest

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

// Create configures the provider and runs Check then Create, as `pulumi up` does.
func Create(t *testing.T, client pulumirpc.ResourceProviderClient, typ string, inputs resource.PropertyMap,
) (string, resource.PropertyMap) {
	t.Helper()
	ctx := testContext(t)
	if _, err := client.Configure(ctx, &pulumirpc.ConfigureRequest{
		Args: &structpb.Struct{}, AcceptSecrets: true, AcceptResources: true,
	}); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	opts := plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true}
	news, err := plugin.MarshalProperties(inputs, opts)
	if err != nil {
		t.Fatal(err)
	}
	urn := "urn:pulumi:test::test::" + typ + "::r"
	checked, err := client.Check(ctx, &pulumirpc.CheckRequest{
		Urn: urn, Type: typ, Name: "r", Olds: &structpb.Struct{}, News: news,
	})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(checked.Failures) > 0 {
		t.Fatalf("Check failures: %v", checked.Failures)
	}
	created, err := client.Create(ctx, &pulumirpc.CreateRequest{
		Urn: urn, Type: typ, Name: "r", Properties: checked.Inputs,
	})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	outputs, err := plugin.UnmarshalProperties(created.Properties, opts)
	if err != nil {
		t.Fatal(err)
	}
	return created.Id, outputs
}

// Plain returns a string output and whether the plugin marked it secret.
func Plain(t *testing.T, outputs resource.PropertyMap, key string) (string, bool) {
	t.Helper()
	v, ok := outputs[resource.PropertyKey(key)]
	if !ok {
		t.Fatalf("no output %q in %v", key, outputs)
	}
	secret := v.IsSecret()
	if secret {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		t.Fatalf("output %q is %v, not a string", key, v)
	}
	return v.StringValue(), secret
}
