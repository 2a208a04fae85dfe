package bridgetest

// The tests run the built plugin binary the way the Pulumi engine does (a gRPC server on
// a port it prints) and talk to it directly: they check the artefact programs will use,
// not just the Go packages.

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// StartPlugin starts the binary named by $PLUGIN (test-bridged.sh sets it) in attach mode,
// with no engine, and returns a client for it. The plugin is stopped when the test ends.
func StartPlugin(t *testing.T) pulumirpc.ResourceProviderClient {
	t.Helper()
	path := os.Getenv("PLUGIN")
	if path == "" {
		t.Fatal("PLUGIN is not set: run the tests with test.sh")
	}
	cmd := exec.Command(path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGINT is how the engine asks a plugin to stop.
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("plugin stderr:\n%s", stderr.String())
		}
	})

	port := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		port <- strings.TrimSpace(line)
	}()
	var p string
	select {
	case p = <-port:
	case <-time.After(60 * time.Second):
		t.Fatal("the plugin did not print its port within 60s")
	}
	if p == "" {
		t.Fatalf("the plugin exited without printing a port: %s", stderr.String())
	}
	conn, err := grpc.NewClient("127.0.0.1:"+p, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return pulumirpc.NewResourceProviderClient(conn)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// servedSchema returns the package schema the plugin serves, which is the schema.json
// that build-bridged.sh generated, embedded, plus the version.
func servedSchema(t *testing.T, client pulumirpc.ResourceProviderClient) []byte {
	t.Helper()
	resp, err := client.GetSchema(testContext(t), &pulumirpc.GetSchemaRequest{})
	if err != nil {
		t.Fatalf("GetSchema: %v", err)
	}
	return []byte(resp.Schema)
}
