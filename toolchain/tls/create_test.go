package tls_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"etcdhosts.local/toolchain/bridgetest"
)

// The etcd PKI uses ECDSA P-256 keys: the plugin must create one, keep its PEM secret,
// and give out the public half of that same key.
func TestPluginCreatesECDSAP256Key(t *testing.T) {
	client := bridgetest.StartPlugin(t)
	_, outputs := bridgetest.Create(t, client, "tls:index/privateKey:PrivateKey", resource.PropertyMap{
		"algorithm":  resource.NewStringProperty("ECDSA"),
		"ecdsaCurve": resource.NewStringProperty("P256"),
	})

	privPEM, secret := bridgetest.Plain(t, outputs, "privateKeyPem")
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

	pubPEM, secret := bridgetest.Plain(t, outputs, "publicKeyPem")
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
