package cmdresource

import (
	"reflect"
	"testing"

	"etcdhosts.local/toolchain/command/internal/cmdoutput"
)

type testLogging string

func str(s string) *string { return &s }

func TestStepsRunTheDocumentedCommand(t *testing.T) {
	last := Output{Stdout: "out", Stderr: "err"}
	lastEnv := &cmdoutput.Previous{Stdout: "out", Stderr: "err"}
	no := false
	both := Args[testLogging]{Create: str("c"), Update: str("u"), Delete: str("d")}
	createOnly := Args[testLogging]{Create: str("c")}
	for _, c := range []struct {
		what string
		got  *Step
		want *Step
	}{
		{"create", both.CreateStep(false), &Step{Name: "create", Command: "c"}},
		{"create in preview", both.CreateStep(true), nil},
		{"create unset", (&Args[testLogging]{}).CreateStep(false), nil},
		{"update", both.UpdateStep(false, last), &Step{Name: "update", Command: "u", Previous: lastEnv}},
		{"update unset runs create", createOnly.UpdateStep(false, last),
			&Step{Name: "create", Command: "c", Previous: lastEnv}},
		{"update in preview", both.UpdateStep(true, last), nil},
		{"update with neither", (&Args[testLogging]{}).UpdateStep(false, last), nil},
		{"update without previous output",
			(&Args[testLogging]{Update: str("u"), AddPreviousOutputInEnv: &no}).UpdateStep(false, last),
			&Step{Name: "update", Command: "u"}},
		{"delete", both.DeleteStep(last), &Step{Name: "delete", Command: "d", Previous: lastEnv}},
		{"delete unset", createOnly.DeleteStep(last), nil},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.what, c.got, c.want)
		}
	}
}
