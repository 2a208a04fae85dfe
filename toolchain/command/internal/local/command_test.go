package local_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	pt "etcdhosts.local/toolchain/command/internal/providertest"
)

const commandToken = "command:local:Command"

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

func mustString(t *testing.T, state property.Map, key string) string {
	t.Helper()
	v, err := pt.String(state, key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLocalLifecycle(t *testing.T) {
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	h := pt.New(t)
	inputs := func(version string, triggers ...any) property.Map {
		return pt.Map(map[string]any{
			"create":   "echo create-" + version + " >> " + runs + "; echo out-" + version,
			"delete":   `echo "delete saw $PULUMI_COMMAND_STDOUT" >> ` + runs,
			"triggers": triggers,
		})
	}

	if _, err := h.Preview(commandToken, "local-lifecycle", inputs("v1", "t1")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, runs); got != "" {
		t.Fatalf("preview ran the command: %q", got)
	}

	r, err := h.Create(commandToken, "local-lifecycle", inputs("v1", "t1"))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "out-v1" {
		t.Fatalf("stdout %q", got)
	}

	// A changed command without `update` is an update that runs `create`.
	diff, _, err := r.Diff(inputs("v2", "t1"))
	if err != nil {
		t.Fatal(err)
	}
	if pt.Replaces(diff) || diff.DetailedDiff["create"].Kind != p.Update {
		t.Fatalf("changed create must be an update: %+v", diff)
	}
	if err := r.Update(inputs("v2", "t1")); err != nil {
		t.Fatal(err)
	}

	// A changed trigger replaces.
	diff, _, err = r.Diff(inputs("v2", "t2"))
	if err != nil {
		t.Fatal(err)
	}
	if !pt.Replaces(diff) {
		t.Fatalf("changed trigger must replace: %+v", diff)
	}

	if err := r.Delete(); err != nil {
		t.Fatal(err)
	}
	want := "create-v1\ncreate-v2\ndelete saw out-v2\n"
	if got := readFile(t, runs); got != want {
		t.Fatalf("runs:\n%s\nwant:\n%s", got, want)
	}
}

func TestLocalUpdateCommandGetsPreviousOutput(t *testing.T) {
	h := pt.New(t)
	inputs := func(stdin string, addPrevious bool) property.Map {
		return pt.Map(map[string]any{
			"create":                 "cat",
			"update":                 `echo "$PULUMI_COMMAND_STDOUT -> $(cat)"`,
			"stdin":                  stdin,
			"addPreviousOutputInEnv": addPrevious,
		})
	}
	r, err := h.Create(commandToken, "local-previous", inputs("first", true))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Update(inputs("second", true)); err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "first -> second" {
		t.Fatalf("stdout %q", got)
	}
	if err := r.Update(inputs("third", false)); err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != " -> third" {
		t.Fatalf("with addPreviousOutputInEnv=false, stdout %q", got)
	}
}

func TestLocalFailureShowsStderr(t *testing.T) {
	h := pt.New(t)
	_, err := h.Create(commandToken, "local-fails", pt.Map(map[string]any{
		"create": "echo 'no such member' >&2; exit 2",
	}))
	if err == nil || !strings.Contains(err.Error(), "exit status 2") || !strings.Contains(err.Error(), "no such member") {
		t.Fatalf("want a failure with the exit status and stderr, got %v", err)
	}
}

func TestLocalDirAndEnvironment(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h := pt.New(t)
	r, err := h.Create(commandToken, "local-dir-env", pt.Map(map[string]any{
		"create":      `echo "$(pwd) $MEMBER"`,
		"dir":         dir,
		"environment": map[string]string{"MEMBER": "etcd-1"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != dir+" etcd-1" {
		t.Fatalf("stdout %q, want %q", got, dir+" etcd-1")
	}
}

func TestLocalInterpreterGetsTheCommandAsLastArgument(t *testing.T) {
	h := pt.New(t)
	r, err := h.Create(commandToken, "local-interpreter", pt.Map(map[string]any{
		"create":      "the command text",
		"interpreter": []string{"/bin/echo", "argv:"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "argv: the command text" {
		t.Fatalf("stdout %q", got)
	}
}

func TestLocalAssetAndArchivePaths(t *testing.T) {
	dir := t.TempDir()
	h := pt.New(t)
	r, err := h.Create(commandToken, "local-assets", pt.Map(map[string]any{
		"create":       "mkdir -p pki/members && echo ca > pki/ca.crt && echo key > pki/ca.key && echo one > pki/members/one.crt",
		"dir":          dir,
		"assetPaths":   []string{"pki/**", "!**.key"},
		"archivePaths": []string{"pki/*.crt"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	assets := r.State.Get("assets").AsMap()
	var names []string
	for name := range assets.All {
		names = append(names, name)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "pki/ca.crt,pki/members/one.crt" {
		t.Fatalf("assets %v: `**` must cross directories and `!**.key` exclude the key", names)
	}
	archive := presource.ToResourcePropertyValue(r.State.Get("archive")).ArchiveValue()
	if archive == nil || len(archive.Assets) != 1 || archive.Assets["pki/ca.crt"] == nil {
		t.Fatalf("archive should hold only pki/ca.crt (`*` stops at /), got %v", archive)
	}
}

func TestLocalLoggingNoneKeepsOutputOutOfTheLog(t *testing.T) {
	h := pt.New(t)
	const secret = "local-secret-a11ce"
	r, err := h.Create(commandToken, "local-logging-none", pt.Map(map[string]any{
		"create":  "cat; cat >&2 <<EOF\n" + secret + "\nEOF",
		"stdin":   pt.Secret(secret),
		"logging": "none",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if mustString(t, r.State, "stdout") != secret {
		t.Fatal("output must still be captured")
	}
	for _, l := range pt.Logs(pt.URNFor(commandToken, "local-logging-none")) {
		if strings.Contains(l.Message, secret) {
			t.Fatalf("secret reached the log: %q", l.Message)
		}
	}
	if _, err := h.Create(commandToken, "local-logging-default", pt.Map(map[string]any{"create": "echo visible-line"})); err != nil {
		t.Fatal(err)
	}
	var logged []string
	for _, l := range pt.Logs(pt.URNFor(commandToken, "local-logging-default")) {
		logged = append(logged, l.Message)
	}
	if !strings.Contains(strings.Join(logged, "\n"), "visible-line") {
		t.Fatalf("default logging should log stdout, log: %v", logged)
	}
}

func TestLocalCustomTimeoutsStopTheProcess(t *testing.T) {
	h := pt.New(t)
	start := time.Now()
	_, err := h.CreateWithin(commandToken, "local-timeout", pt.Map(map[string]any{"create": "sleep 30"}), 1)
	if err == nil || !strings.Contains(err.Error(), "create did not finish within its customTimeouts (1s)") {
		t.Fatalf("error %v should name the timeout", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Fatalf("took %s for a 1 s timeout", elapsed)
	}
}
