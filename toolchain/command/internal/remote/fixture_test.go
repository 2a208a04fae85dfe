package remote_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	pt "etcdhosts.local/toolchain/command/internal/providertest"
	"etcdhosts.local/toolchain/command/internal/sshdtest"
)

const (
	commandToken = "command:remote:Command"
	copyToken    = "command:remote:CopyToRemote"
)

// connectionTo is the `connection` input for the test server, secret as the
// SDK sends it. extra adds or overrides fields.
func connectionTo(s *sshdtest.Server, extra map[string]any) property.Value {
	c := map[string]any{
		"host":           s.Host,
		"port":           s.Port,
		"user":           s.User,
		"privateKey":     s.Key,
		"dialErrorLimit": 0,
		"perDialTimeout": 5,
	}
	for k, v := range extra {
		c[k] = v
	}
	return pt.Secret(c)
}

// commandInputs builds a remote Command's inputs on server s.
func commandInputs(s *sshdtest.Server, fields map[string]any) property.Map {
	m := map[string]any{"connection": connectionTo(s, nil)}
	for k, v := range fields {
		m[k] = v
	}
	return pt.Map(m)
}

// readFile returns a file the remote command wrote, or "" when it does not exist.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// appendTo is shell text that appends a line to a file in the server's scratch dir.
func appendTo(s *sshdtest.Server, file, line string) string {
	return "echo " + line + " >> " + filepath.Join(s.Dir, file)
}

func mustString(t *testing.T, state property.Map, key string) string {
	t.Helper()
	v, err := pt.String(state, key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func lines(s string) []string {
	return strings.Fields(s)
}

// keyBody is one base64 line from the middle of a PEM key: a piece of key
// material that must never show up in a log.
func keyBody(pemKey string) string {
	ls := strings.Split(strings.TrimSpace(pemKey), "\n")
	return ls[len(ls)/2]
}
