// Package bridgetest is the test harness that every plugin bridged from a Terraform
// provider (toolchain/tls, toolchain/random) shares: it starts the built plugin binary as
// the engine would, checks its version and schema against the npm SDK the program uses,
// and creates resources through it. Each plugin's own _test.go files hold only its cases.
//
// It is a module of its own, pulled into each plugin's module with a `replace` directive:
// the plugins are separate modules (each pins its own bridge and Pulumi versions), and Go
// only imports packages of another module that way. Its go.mod asks for the lowest
// versions the plugins use, so that it never lifts a plugin's own.
package bridgetest
