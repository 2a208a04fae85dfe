package remote_test

import (
	"strings"
	"testing"

	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	pt "etcdhosts.local/toolchain/command/internal/providertest"
	"etcdhosts.local/toolchain/command/internal/sshdtest"
)

func TestLoggingDecidesWhichStreamsReachTheLog(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := pt.New(t)
	for _, c := range []struct {
		logging             any // nil: unset
		wantStdout, wantErr bool
	}{
		{nil, true, true},
		{"stdoutAndStderr", true, true},
		{"stdout", true, false},
		{"stderr", false, true},
		{"none", false, false},
	} {
		name := "logging-unset"
		fields := map[string]any{"create": "echo line-on-stdout; echo line-on-stderr >&2"}
		if c.logging != nil {
			name = "logging-" + c.logging.(string)
			fields["logging"] = c.logging
		}
		t.Run(name, func(t *testing.T) {
			r, err := h.Create(commandToken, name, commandInputs(s, fields))
			if err != nil {
				t.Fatal(err)
			}
			logged := joinedLogs(pt.URNFor(commandToken, name))
			if got := strings.Contains(logged, "line-on-stdout"); got != c.wantStdout {
				t.Errorf("stdout logged=%v, want %v; log:\n%s", got, c.wantStdout, logged)
			}
			if got := strings.Contains(logged, "line-on-stderr"); got != c.wantErr {
				t.Errorf("stderr logged=%v, want %v; log:\n%s", got, c.wantErr, logged)
			}
			// Logging never changes what is captured.
			stdout, stderr := mustString(t, r.State, "stdout"), mustString(t, r.State, "stderr")
			if stdout != "line-on-stdout" || stderr != "line-on-stderr" {
				t.Errorf("outputs changed by logging=%v: stdout %q, stderr %q", c.logging, stdout, stderr)
			}
		})
	}
}

// TestSecretInputsNeverReachTheLog runs create, a failing update and a delete
// with every secret-bearing input set, through a server that refuses
// PULUMI_COMMAND_* (so the warning path runs too), and checks every log line
// and error the provider produced.
func TestSecretInputsNeverReachTheLog(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{AcceptEnv: []string{"ETCD_TEST_*"}})
	h := pt.New(t)
	const (
		password      = "conn-password-7f3a"
		keyPassphrase = "key-passphrase-91bc"
		stdinSecret   = "stdin-secret-c0de"
		envSecret     = "env-secret-beef"
	)
	encrypted := encryptKey(t, s, keyPassphrase)
	secrets := []string{password, keyPassphrase, stdinSecret, envSecret, keyBody(encrypted), keyBody(s.Key)}

	inputs := func(update string) map[string]any {
		return map[string]any{
			"connection": connectionTo(s, map[string]any{
				"privateKey": encrypted, "privateKeyPassword": keyPassphrase, "password": password,
			}),
			// The command echoes its secrets: only logging "none" keeps them out.
			"create":      "cat; echo; echo \"$ETCD_TEST_TOKEN\" >&2",
			"update":      update,
			"delete":      "cat >/dev/null; echo \"$PULUMI_COMMAND_STDOUT\"",
			"stdin":       pt.Secret(stdinSecret),
			"environment": map[string]any{"ETCD_TEST_TOKEN": pt.Secret(envSecret)},
			"logging":     "none",
		}
	}
	const name = "secrets"
	r, err := h.Create(commandToken, name, commandInputs(s, inputs("cat; exit 0")))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustString(t, r.State, "stdout"); !strings.Contains(got, stdinSecret) {
		t.Fatalf("the secret must still be captured in stdout, got %q", got)
	}
	updateErr := r.Update(commandInputs(s, inputs(`cat >&2; echo "$ETCD_TEST_TOKEN" >&2; exit 4`)))
	if updateErr == nil {
		t.Fatal("the update was written to fail")
	}
	if err := r.Delete(); err != nil {
		t.Fatal(err)
	}

	logged := joinedLogs(pt.URNFor(commandToken, name))
	if !strings.Contains(logged, "PULUMI_COMMAND_STDOUT") {
		t.Fatalf("expected the refused PULUMI_COMMAND_STDOUT warning in the log, got:\n%s", logged)
	}
	for _, secret := range secrets {
		if strings.Contains(logged, secret) {
			t.Errorf("secret %q reached the log:\n%s", secret, logged)
		}
		if strings.Contains(updateErr.Error(), secret) {
			t.Errorf("secret %q is in the step's error: %v", secret, updateErr)
		}
	}
	if !strings.Contains(updateErr.Error(), "status 4") || !strings.Contains(updateErr.Error(), "logging excludes it") {
		t.Errorf("the failure should give the exit status and say why stderr is hidden: %v", updateErr)
	}
}

// TestDialRetriesLogNoSecrets checks the retry messages of a failing dial.
func TestDialRetriesLogNoSecrets(t *testing.T) {
	port, _ := countingListener(t, false)
	h := pt.New(t)
	const password = "retry-password-5e5e"
	const name = "retry-secrets"
	_, err := h.Create(commandToken, name, pt.Map(map[string]any{
		"connection": pt.Secret(map[string]any{
			"host": "127.0.0.1", "port": port, "user": "nobody", "password": password, "dialErrorLimit": 2,
		}),
		"create": "true",
	}))
	if err == nil {
		t.Fatal("the dial was written to fail")
	}
	logged := joinedLogs(pt.URNFor(commandToken, name))
	if !strings.Contains(logged, "retrying") {
		t.Fatalf("expected retry messages in the log, got:\n%s", logged)
	}
	if strings.Contains(logged, password) || strings.Contains(err.Error(), password) {
		t.Fatalf("the password reached the log or the error:\n%s\n%v", logged, err)
	}
}

// joinedLogs is everything logged for urn, one message per line.
func joinedLogs(urn presource.URN) string {
	var b strings.Builder
	for _, l := range pt.Logs(urn) {
		b.WriteString(l.Message)
		b.WriteString("\n")
	}
	return b.String()
}
