package local

import (
	"github.com/pulumi/pulumi-go-provider/infer"

	"etcdhosts.local/toolchain/command/internal/cmdoutput"
)

// Logging is the local module's own enum type: infer names enum tokens after
// the Go package, and the schema has both command:remote:Logging and
// command:local:Logging.
type Logging string

func (Logging) Values() []infer.EnumValue[Logging] {
	return []infer.EnumValue[Logging]{
		{Name: cmdoutput.LogStdout, Value: cmdoutput.LogStdout, Description: "Capture stdout in logs but not stderr"},
		{Name: cmdoutput.LogStderr, Value: cmdoutput.LogStderr, Description: "Capture stderr in logs but not stdout"},
		{Name: cmdoutput.LogStdoutAndStderr, Value: cmdoutput.LogStdoutAndStderr, Description: "Capture stdout and stderr in logs"},
		{Name: cmdoutput.LogNone, Value: cmdoutput.LogNone, Description: "Capture no logs"},
	}
}

func (l *Logging) streams() cmdoutput.Streams {
	if l == nil {
		return cmdoutput.LoggedStreams(nil)
	}
	s := string(*l)
	return cmdoutput.LoggedStreams(&s)
}
