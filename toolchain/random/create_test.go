package random_test

import (
	"encoding/base64"
	"encoding/hex"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"etcdhosts.local/toolchain/bridgetest"
)

// RandomId names the etcd cluster token: its encodings must all carry the same bytes.
func TestPluginCreatesRandomId(t *testing.T) {
	client := bridgetest.StartPlugin(t)
	id, outputs := bridgetest.Create(t, client, "random:index/randomId:RandomId", resource.PropertyMap{
		"byteLength": resource.NewNumberProperty(16),
	})

	hexValue, _ := bridgetest.Plain(t, outputs, "hex")
	raw, err := hex.DecodeString(hexValue)
	if err != nil {
		t.Fatalf("hex %q: %v", hexValue, err)
	}
	if len(raw) != 16 {
		t.Errorf("got %d bytes, want 16", len(raw))
	}
	b64, _ := bridgetest.Plain(t, outputs, "b64Std")
	if want := base64.StdEncoding.EncodeToString(raw); b64 != want {
		t.Errorf("b64Std %q, want %q (the hex value's bytes)", b64, want)
	}
	if want := base64.RawURLEncoding.EncodeToString(raw); id != want {
		t.Errorf("id %q, want the unpadded base64url of the bytes, %q", id, want)
	}
}

// random_bytes has no Terraform id; the mapping derives the Pulumi ID from base64.
func TestPluginGivesRandomBytesTheirBase64AsID(t *testing.T) {
	client := bridgetest.StartPlugin(t)
	id, outputs := bridgetest.Create(t, client, "random:index/randomBytes:RandomBytes", resource.PropertyMap{
		"length": resource.NewNumberProperty(32),
	})

	b64, secret := bridgetest.Plain(t, outputs, "base64")
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
