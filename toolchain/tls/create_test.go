package tls_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

// The etcd PKI uses ECDSA P-256 keys: the plugin must create one, keep its PEM secret,
// and give out the public half of that same key.
func TestPluginCreatesECDSAP256Key(t *testing.T) {
	client := startPlugin(t)
	_, outputs := create(t, client, "tls:index/privateKey:PrivateKey", resource.PropertyMap{
		"algorithm":  resource.NewStringProperty("ECDSA"),
		"ecdsaCurve": resource.NewStringProperty("P256"),
	})

	privPEM, secret := plain(t, outputs, "privateKeyPem")
	if !secret {
		t.Error("privateKeyPem is not marked secret")
	}
	block, _ := pem.Decode([]byte(privPEM))
	if block == nil {
		t.Fatalf("privateKeyPem is not PEM: %q", privPEM)
	}
	key, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("privateKeyPem: %v", err)
	}
	if key.Curve != elliptic.P256() {
		t.Errorf("curve %s, want P-256", key.Curve.Params().Name)
	}

	pubPEM, secret := plain(t, outputs, "publicKeyPem")
	if secret {
		t.Error("publicKeyPem is marked secret")
	}
	block, _ = pem.Decode([]byte(pubPEM))
	if block == nil {
		t.Fatalf("publicKeyPem is not PEM: %q", pubPEM)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatalf("publicKeyPem: %v", err)
	}
	if ecPub, ok := pub.(*ecdsa.PublicKey); !ok || !ecPub.Equal(&key.PublicKey) {
		t.Error("publicKeyPem is not the public half of privateKeyPem")
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
