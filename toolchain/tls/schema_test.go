package tls_test

import (
	"testing"

	"etcdhosts.local/toolchain/bridgetest"
)

// The plugin must speak exactly the schema of the @pulumi/tls npm SDK the program uses.
const npmDir = "../../node_modules/@pulumi/tls" // installed by npm

func TestPluginVersionMatchesNpmSDK(t *testing.T) { bridgetest.PluginVersionMatchesNpmSDK(t, npmDir) }

func TestSchemaMatchesNpmSDK(t *testing.T) { bridgetest.SchemaMatchesNpmSDK(t, npmDir) }
