package remote_test

import (
	"strings"
	"testing"

	pt "etcdhosts.local/toolchain/command/internal/providertest"
	"etcdhosts.local/toolchain/command/internal/sshdtest"
)

func TestEnvironmentAcceptedByAcceptEnvReachesTheCommand(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{AcceptEnv: []string{"ETCD_TEST_*"}})
	h := pt.New(t)
	r, err := h.Create(commandToken, "env-accepted", commandInputs(s, map[string]any{
		"create":      `echo "$ETCD_TEST_NAME"`,
		"environment": map[string]string{"ETCD_TEST_NAME": "member-1"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); got != "member-1" {
		t.Fatalf("stdout %q", got)
	}
}

func TestEnvironmentNotInAcceptEnvFailsClearly(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{AcceptEnv: []string{"ETCD_TEST_*"}})
	h := pt.New(t)
	_, err := h.Create(commandToken, "env-refused", commandInputs(s, map[string]any{
		"create":      appendTo(s, "runs", "create"),
		"environment": map[string]string{"ETCD_TEST_OK": "1", "NOT_ACCEPTED": "secret-value-123"},
	}))
	if err == nil {
		t.Fatal("a variable the server refuses must fail the step")
	}
	for _, want := range []string{`"NOT_ACCEPTED"`, "AcceptEnv", s.Address()} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q should contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "secret-value-123") {
		t.Errorf("error must not contain the variable's value: %q", err)
	}
	if got := readFile(t, s.Dir+"/runs"); got != "" {
		t.Fatalf("the command must not run when its environment was refused, runs: %q", got)
	}
}
