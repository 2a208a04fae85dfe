package remote_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"

	pt "etcdhosts.local/toolchain/command/internal/providertest"
	"etcdhosts.local/toolchain/command/internal/sshdtest"
)

func fileAsset(t *testing.T, path string) *asset.Asset {
	t.Helper()
	a, err := asset.FromPath(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func writeLocal(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCopyToRemoteCopiesAFileAndRecopiesChangedContent(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	src := filepath.Join(t.TempDir(), "etcd.env")
	writeLocal(t, src, "ETCD_NAME=one\n")
	dst := filepath.Join(s.Dir, "etcd.env")

	if _, err := h.Preview(copyToken, "copy-file", pt.Map(map[string]any{
		"connection": connectionTo(s, nil), "source": fileAsset(t, src), "remotePath": dst,
	})); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, dst); got != "" {
		t.Fatalf("preview copied the file: %q", got)
	}

	r, err := h.Create(copyToken, "copy-file", pt.Map(map[string]any{
		"connection": connectionTo(s, nil), "source": fileAsset(t, src), "remotePath": dst,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, dst); got != "ETCD_NAME=one\n" {
		t.Fatalf("remote file %q", got)
	}

	writeLocal(t, src, "ETCD_NAME=two\n")
	if err := r.Update(pt.Map(map[string]any{
		"connection": connectionTo(s, nil), "source": fileAsset(t, src), "remotePath": dst,
	})); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, dst); got != "ETCD_NAME=two\n" {
		t.Fatalf("changed content was not copied again: %q", got)
	}
}

func TestCopyToRemoteCopiesADirectoryArchive(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	src := filepath.Join(t.TempDir(), "pki")
	writeLocal(t, filepath.Join(src, "ca.crt"), "CA\n")
	writeLocal(t, filepath.Join(src, "members", "one.crt"), "ONE\n")
	a, err := archive.FromPath(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Create(copyToken, "copy-dir", pt.Map(map[string]any{
		"connection": connectionTo(s, nil), "source": a, "remotePath": s.Dir,
	})); err != nil {
		t.Fatal(err)
	}
	// A directory without a trailing slash lands inside the destination.
	if got := readFile(t, filepath.Join(s.Dir, "pki", "ca.crt")); got != "CA\n" {
		t.Fatalf("ca.crt %q", got)
	}
	if got := readFile(t, filepath.Join(s.Dir, "pki", "members", "one.crt")); got != "ONE\n" {
		t.Fatalf("members/one.crt %q", got)
	}
}

func TestCopyToRemoteRefusesContentThatIsNotAPath(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	text, err := asset.FromText("inline content")
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Create(copyToken, "copy-text", pt.Map(map[string]any{
		"connection": connectionTo(s, nil), "source": text, "remotePath": filepath.Join(s.Dir, "x"),
	}))
	if err == nil || !strings.Contains(err.Error(), "path-based") {
		t.Fatalf("a StringAsset must be refused as upstream does, got %v", err)
	}
}
