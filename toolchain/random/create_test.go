package random_test

import (
	"encoding/base64"
	"encoding/hex"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

// RandomId names the etcd cluster token: its encodings must all carry the same bytes.
func TestPluginCreatesRandomId(t *testing.T) {
	client := startPlugin(t)
	id, outputs := create(t, client, "random:index/randomId:RandomId", resource.PropertyMap{
		"byteLength": resource.NewNumberProperty(16),
	})

	hexValue, _ := plain(t, outputs, "hex")
	raw, err := hex.DecodeString(hexValue)
	if err != nil {
		t.Fatalf("hex %q: %v", hexValue, err)
	}
	if len(raw) != 16 {
		t.Errorf("got %d bytes, want 16", len(raw))
	}
	b64, _ := plain(t, outputs, "b64Std")
	if want := base64.StdEncoding.EncodeToString(raw); b64 != want {
		t.Errorf("b64Std %q, want %q (the hex value's bytes)", b64, want)
	}
	if want := base64.RawURLEncoding.EncodeToString(raw); id != want {
		t.Errorf("id %q, want the unpadded base64url of the bytes, %q", id, want)
	}
}

// random_bytes has no Terraform id; the mapping derives the Pulumi ID from base64.
func TestPluginGivesRandomBytesTheirBase64AsID(t *testing.T) {
	client := startPlugin(t)
	id, outputs := create(t, client, "random:index/randomBytes:RandomBytes", resource.PropertyMap{
		"length": resource.NewNumberProperty(32),
	})

	b64, secret := plain(t, outputs, "base64")
	if !secret {
		t.Error("base64 is not marked secret")
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != 32 {
		t.Fatalf("base64 %q: %d bytes, %v; want 32 bytes", b64, len(raw), err)
	}
	if id != b64 {
		t.Errorf("id %q, want the base64 value", id)
	}
}

// create configures the provider and runs Check then Create, as `pulumi up` does.
func create(t *testing.T, client pulumirpc.ResourceProviderClient, typ string, inputs resource.PropertyMap,
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

// plain returns a string output and whether the plugin marked it secret.
func plain(t *testing.T, outputs resource.PropertyMap, key string) (string, bool) {
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
