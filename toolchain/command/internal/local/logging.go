package local

import (
	"github.com/pulumi/pulumi-go-provider/infer"

	"etcdhosts.local/toolchain/command/internal/cmdresource"
)

// Logging is the local module's own enum type: infer names enum tokens after
// the Go package, and the schema has both command:remote:Logging and
// command:local:Logging. The values are the ones both modules share.
type Logging string

func (Logging) Values() []infer.EnumValue[Logging] {
	return cmdresource.LoggingValues[Logging]()
}
