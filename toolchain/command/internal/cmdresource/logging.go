package cmdresource

import (
	"github.com/pulumi/pulumi-go-provider/infer"

	"etcdhosts.local/toolchain/command/internal/cmdoutput"
)

// LoggingValues are the values of a resource's `logging` enum type L. Each
// resource keeps its own type (see Args) and returns these from its Values.
func LoggingValues[L ~string]() []infer.EnumValue[L] {
	return []infer.EnumValue[L]{
		{Name: cmdoutput.LogStdout, Value: cmdoutput.LogStdout, Description: "Capture stdout in logs but not stderr"},
		{Name: cmdoutput.LogStderr, Value: cmdoutput.LogStderr, Description: "Capture stderr in logs but not stdout"},
		{Name: cmdoutput.LogStdoutAndStderr, Value: cmdoutput.LogStdoutAndStderr, Description: "Capture stdout and stderr in logs"},
		{Name: cmdoutput.LogNone, Value: cmdoutput.LogNone, Description: "Capture no logs"},
	}
}
