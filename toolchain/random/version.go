package random

// Version is the provider version reported to the engine and written into the schema.
// build.sh sets it with -ldflags -X so that it always equals the @pulumi/random npm SDK
// version the program is pinned to; the bridge refuses to start without it.
var Version string
