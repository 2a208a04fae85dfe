package remote_test

import (
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"

	pt "etcdhosts.local/toolchain/command/internal/providertest"
	"etcdhosts.local/toolchain/command/internal/sshdtest"
)

func TestPreviewRunsNothingAndCreateRunsCreate(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	inputs := commandInputs(s, map[string]any{
		"create": appendTo(s, "runs", "create") + "; echo created; echo warned >&2",
	})

	planned, err := h.Preview(commandToken, "preview-then-create", inputs)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, s.Dir+"/runs"); got != "" {
		t.Fatalf("preview ran the command: %q", got)
	}
	if v := planned.Get("stdout"); !v.IsComputed() {
		t.Fatalf("preview stdout should be unknown until create runs, got %v", v)
	}

	r, err := h.Create(commandToken, "preview-then-create", inputs)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, s.Dir+"/runs"); got != "create\n" {
		t.Fatalf("create should run exactly once, runs file: %q", got)
	}
	if got := mustString(t, r.State, "stdout"); got != "created" {
		t.Fatalf("stdout %q, want %q (one trailing newline trimmed)", got, "created")
	}
	if got := mustString(t, r.State, "stderr"); got != "warned" {
		t.Fatalf("stderr %q, want %q", got, "warned")
	}
	if !r.State.Get("connection").Secret() {
		t.Fatal("connection must be secret in the state")
	}
}

// TestEveryInputButTriggersIsAnUpdate diffs a change of each input other than
// triggers: each must be an in-place update, and unchanged inputs no change.
func TestEveryInputButTriggersIsAnUpdate(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{AcceptEnv: []string{"ETCD_TEST_*"}})
	h := pt.New(t)
	base := map[string]any{
		"create":                 "true",
		"update":                 "true",
		"delete":                 "true",
		"stdin":                  "a",
		"environment":            map[string]string{"ETCD_TEST_A": "1"},
		"logging":                "stdout",
		"addPreviousOutputInEnv": true,
		"triggers":               []any{"t"},
	}
	r, err := h.Create(commandToken, "every-input", commandInputs(s, base))
	if err != nil {
		t.Fatal(err)
	}
	diff, _, err := r.Diff(commandInputs(s, base))
	if err != nil {
		t.Fatal(err)
	}
	if diff.HasChanges {
		t.Fatalf("same inputs must not be a change: %v", diff.DetailedDiff)
	}

	changes := map[string]any{
		"create":                 "true # v2",
		"update":                 "true # v2",
		"delete":                 "true # v2",
		"stdin":                  "b",
		"environment":            map[string]string{"ETCD_TEST_A": "2"},
		"logging":                "none",
		"addPreviousOutputInEnv": false,
		"connection":             connectionTo(s, map[string]any{"perDialTimeout": 7}),
	}
	for field, value := range changes {
		changed := map[string]any{}
		for k, v := range base {
			changed[k] = v
		}
		changed[field] = value
		diff, _, err := r.Diff(commandInputs(s, changed))
		if err != nil {
			t.Fatal(err)
		}
		if !diff.HasChanges || pt.Replaces(diff) {
			t.Errorf("changing %s: want an in-place update, got %+v", field, diff)
		}
	}
}

func TestChangedInputRunsUpdateCommand(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	r, err := h.Create(commandToken, "update-cmd", commandInputs(s, map[string]any{
		"create": appendTo(s, "runs", "create"),
		"update": appendTo(s, "runs", "update") + "; echo updated-v1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	changed := commandInputs(s, map[string]any{
		"create": appendTo(s, "runs", "create"),
		"update": appendTo(s, "runs", "update") + "; echo updated-v2",
	})
	diff, _, err := r.Diff(changed)
	if err != nil {
		t.Fatal(err)
	}
	if !diff.HasChanges || pt.Replaces(diff) || diff.DetailedDiff["update"].Kind != p.Update {
		t.Fatalf("a changed `update` must be an in-place update, got %+v", diff)
	}
	if err := r.Update(changed); err != nil {
		t.Fatal(err)
	}
	if got := lines(readFile(t, s.Dir+"/runs")); strings.Join(got, ",") != "create,update" {
		t.Fatalf("runs %v, want create then update", got)
	}
	if got := mustString(t, r.State, "stdout"); got != "updated-v2" {
		t.Fatalf("stdout after update %q", got)
	}
}

func TestChangedInputWithoutUpdateRunsCreateAgain(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	r, err := h.Create(commandToken, "update-without-update", commandInputs(s, map[string]any{
		"create": appendTo(s, "runs", "create-v1"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	changed := commandInputs(s, map[string]any{"create": appendTo(s, "runs", "create-v2")})
	diff, _, err := r.Diff(changed)
	if err != nil {
		t.Fatal(err)
	}
	if pt.Replaces(diff) || diff.DetailedDiff["create"].Kind != p.Update {
		t.Fatalf("a changed `create` must be an update, not a replacement: %+v", diff)
	}
	if err := r.Update(changed); err != nil {
		t.Fatal(err)
	}
	if got := lines(readFile(t, s.Dir+"/runs")); strings.Join(got, ",") != "create-v1,create-v2" {
		t.Fatalf("runs %v, want the new create command run by the update", got)
	}
}

func TestChangedTriggersReplace(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	withTriggers := func(triggers ...any) map[string]any {
		return map[string]any{
			"create":   appendTo(s, "runs", "create"),
			"update":   appendTo(s, "runs", "update"),
			"triggers": triggers,
		}
	}
	r, err := h.Create(commandToken, "triggers", commandInputs(s, withTriggers("a", 1)))
	if err != nil {
		t.Fatal(err)
	}
	diff, _, err := r.Diff(commandInputs(s, withTriggers("a", 2)))
	if err != nil {
		t.Fatal(err)
	}
	// Even with `update` set, a trigger change is a replacement, as the SDK's
	// replaceOnChanges ["triggers[*]"] and upstream's schema say.
	if !pt.Replaces(diff) {
		t.Fatalf("a changed trigger must replace, got %+v", diff)
	}
	if got := diff.DetailedDiff["triggers[1]"].Kind; got != p.UpdateReplace {
		t.Fatalf("triggers[1] diff kind %q, want %q (all: %v)", got, p.UpdateReplace, diff.DetailedDiff)
	}
}

func TestDeleteRunsDeleteWithPreviousOutput(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{
		AcceptEnv: []string{"PULUMI_COMMAND_STDOUT", "PULUMI_COMMAND_STDERR"},
	})
	h := pt.New(t)
	r, err := h.Create(commandToken, "delete", commandInputs(s, map[string]any{
		"create": "echo out-of-create; echo err-of-create >&2",
		"delete": `echo "$PULUMI_COMMAND_STDOUT/$PULUMI_COMMAND_STDERR" > ` + s.Dir + "/deleted",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, s.Dir+"/deleted"); got != "" {
		t.Fatalf("delete ran early: %q", got)
	}
	if err := r.Delete(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, s.Dir+"/deleted"); got != "out-of-create/err-of-create\n" {
		t.Fatalf("delete should run with the previous output in its environment, wrote %q", got)
	}
}

func TestDeleteWithoutDeleteCommandRunsNothing(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	r, err := h.Create(commandToken, "no-delete", commandInputs(s, map[string]any{
		"create": appendTo(s, "runs", "create"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Delete(); err != nil {
		t.Fatalf("delete without a delete command must not run anything: %v", err)
	}
	if got := lines(readFile(t, s.Dir+"/runs")); strings.Join(got, ",") != "create" {
		t.Fatalf("runs %v", got)
	}
}

func TestFailingCommandFailsTheStepWithItsStderr(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	_, err := h.Create(commandToken, "fails", commandInputs(s, map[string]any{
		"create": "echo progress; echo 'disk is full' >&2; exit 3",
	}))
	if err == nil {
		t.Fatal("a non-zero exit must fail the create")
	}
	for _, want := range []string{"create command failed", "status 3", "disk is full"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q should contain %q", err, want)
		}
	}
}

func TestPreviousOutputIsInTheUpdateEnvironment(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{
		AcceptEnv: []string{"PULUMI_COMMAND_STDOUT", "PULUMI_COMMAND_STDERR"},
	})
	h := pt.New(t)
	update := `echo "previous=$PULUMI_COMMAND_STDOUT/$PULUMI_COMMAND_STDERR"`
	r, err := h.Create(commandToken, "previous-output", commandInputs(s, map[string]any{
		"create": "echo first; echo first-err >&2",
		"update": update,
		"stdin":  "v1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Update(commandInputs(s, map[string]any{
		"create": "echo first; echo first-err >&2", "update": update, "stdin": "v2",
	})); err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "previous=first/first-err" {
		t.Fatalf("update stdout %q: PULUMI_COMMAND_STDOUT/STDERR should carry the create's output", got)
	}

	// With addPreviousOutputInEnv false the variables are not set.
	if err := r.Update(commandInputs(s, map[string]any{
		"create": "echo first; echo first-err >&2", "update": update, "stdin": "v3",
		"addPreviousOutputInEnv": false,
	})); err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "previous=/" {
		t.Fatalf("update stdout %q: addPreviousOutputInEnv=false must leave the variables unset", got)
	}
}

func TestStdinReachesTheCommand(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	r, err := h.Create(commandToken, "stdin", commandInputs(s, map[string]any{
		"create": "tr a-z A-Z",
		"stdin":  "line one\nline two\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "LINE ONE\nLINE TWO" {
		t.Fatalf("stdout %q", got)
	}
}
