package bridgetest

// The plugin must accept exactly what its npm SDK (e.g. @pulumi/tls) sends and return what
// it reads back, or programs fail at run time with unknown or missing properties. These
// checks compare the schema the built plugin serves (build-bridged.sh generates it with
// tfgen and embeds it) with the SDK installed by npm.

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/emptypb"
)

type schemaProperty struct {
	Secret bool `json:"secret"`
}

type schemaObject struct {
	Properties map[string]schemaProperty `json:"properties"`
}

type packageSchema struct {
	Version string `json:"version"`
	Config  struct {
		Variables map[string]schemaProperty `json:"variables"`
	} `json:"config"`
	Types    map[string]schemaObject `json:"types"`
	Provider struct {
		InputProperties map[string]schemaProperty `json:"inputProperties"`
	} `json:"provider"`
	Resources map[string]struct {
		InputProperties map[string]schemaProperty `json:"inputProperties"`
		Properties      map[string]schemaProperty `json:"properties"`
		RequiredInputs  []string                  `json:"requiredInputs"`
	} `json:"resources"`
	Functions map[string]struct {
		Inputs  *schemaObject `json:"inputs"`
		Outputs *schemaObject `json:"outputs"`
	} `json:"functions"`
}

// PluginVersionMatchesNpmSDK checks that the plugin and the schema it serves report the
// version of the npm SDK installed in npmDir (node_modules/@pulumi/<name>, relative to the
// test's package directory).
func PluginVersionMatchesNpmSDK(t *testing.T, npmDir string) {
	client := StartPlugin(t)
	want := npmVersion(t, npmDir)

	info, err := client.GetPluginInfo(testContext(t), &emptypb.Empty{})
	if err != nil {
		t.Fatalf("GetPluginInfo: %v", err)
	}
	if info.Version != want {
		t.Errorf("plugin version %q, npm SDK version %q", info.Version, want)
	}
	var schema packageSchema
	if err := json.Unmarshal(servedSchema(t, client), &schema); err != nil {
		t.Fatal(err)
	}
	if schema.Version != want {
		t.Errorf("served schema version %q, npm SDK version %q", schema.Version, want)
	}
}

// SchemaMatchesNpmSDK checks that the served schema has exactly the resources, functions,
// types, property names, required and secret properties and config variables of the npm SDK
// installed in npmDir, reporting every difference.
func SchemaMatchesNpmSDK(t *testing.T, npmDir string) {
	var schema packageSchema
	if err := json.Unmarshal(servedSchema(t, StartPlugin(t)), &schema); err != nil {
		t.Fatalf("served schema: %v", err)
	}
	sdk, err := readNpmSDK(npmDir)
	if err != nil {
		t.Fatalf("reading the npm SDK (run npm install first): %v", err)
	}

	c := &comparison{t: t}

	c.tokens("resources", keys(schema.Resources), keys(sdk.resources))
	for tok, res := range schema.Resources {
		npm, ok := sdk.resources[tok]
		if !ok {
			continue // reported above
		}
		c.props(tok+" inputs", keys(res.InputProperties), npm.inputs)
		c.props(tok+" outputs", keys(res.Properties), npm.outputs)
		c.flags(tok+" required inputs", newSet(res.RequiredInputs...), npm.required)
		c.flags(tok+" secret inputs", secretNames(res.InputProperties), npm.secretInputs)
		c.flags(tok+" secret outputs", secretNames(res.Properties), npm.secrets)
	}

	c.tokens("functions", keys(schema.Functions), keys(sdk.functions))
	for tok, fn := range schema.Functions {
		npm, ok := sdk.functions[tok]
		if !ok {
			continue
		}
		c.props(tok+" inputs", objectNames(fn.Inputs), npm.inputs)
		c.props(tok+" outputs", objectNames(fn.Outputs), npm.outputs)
	}

	c.props("provider inputs", keys(schema.Provider.InputProperties), sdk.provider.inputs)
	c.props("config variables", keys(schema.Config.Variables), sdk.configVars)

	schemaTypes := map[string]stringSet{}
	for tok, typ := range schema.Types {
		schemaTypes[typeName(t, tok)] = keys(typ.Properties)
	}
	c.diff("types", keys(schemaTypes), keys(sdk.types)) // a package may have none
	for name, props := range schemaTypes {
		if npm, ok := sdk.types[name]; ok {
			c.props("type "+name, props, npm)
		}
	}

	t.Logf("compared %d resources, %d functions, %d types and %d property names with %s",
		len(schema.Resources), len(schema.Functions), len(schema.Types), c.properties, npmDir)
}

func npmVersion(t *testing.T, npmDir string) string {
	t.Helper()
	raw, err := os.ReadFile(npmDir + "/package.json")
	if err != nil {
		t.Fatalf("%v (run npm install first)", err)
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	return pkg.Version
}

// comparison reports every difference rather than stopping at the first one.
type comparison struct {
	t          *testing.T
	properties int // property names compared
}

// tokens compares lists of resources, functions or types, which must not be empty.
func (c *comparison) tokens(what string, schema, npm stringSet) {
	c.t.Helper()
	if len(schema) == 0 {
		c.t.Errorf("%s: none in the schema", what)
	}
	c.diff(what, schema, npm)
}

// flags compares which properties carry a flag (required, secret).
func (c *comparison) flags(what string, schema, npm stringSet) {
	c.t.Helper()
	c.diff(what, schema, npm)
}

// props compares the property names of one resource, function or type.
func (c *comparison) props(what string, schema, npm stringSet) {
	c.t.Helper()
	c.properties += len(npm)
	c.diff(what, schema, npm)
}

func (c *comparison) diff(what string, schema, npm stringSet) {
	c.t.Helper()
	var missing, extra []string
	for _, n := range npm.sorted() {
		if !schema[n] {
			missing = append(missing, n)
		}
	}
	for _, n := range schema.sorted() {
		if !npm[n] {
			extra = append(extra, n)
		}
	}
	if len(missing) > 0 {
		c.t.Errorf("%s: the npm SDK has %v, the schema does not", what, missing)
	}
	if len(extra) > 0 {
		c.t.Errorf("%s: the schema has %v, the npm SDK does not", what, extra)
	}
}

// typeName is the TypeScript interface name of a schema type token:
// tls:index/SelfSignedCertSubject:SelfSignedCertSubject → SelfSignedCertSubject,
// tls:config/proxy:proxy → config.Proxy.
func typeName(t *testing.T, token string) string {
	parts := strings.Split(token, ":")
	if len(parts) != 3 {
		t.Fatalf("unexpected type token %q", token)
	}
	module, _, _ := strings.Cut(parts[1], "/")
	name := upperFirst(parts[2])
	if module == "index" {
		return name
	}
	return module + "." + name
}

func secretNames(props map[string]schemaProperty) stringSet {
	out := stringSet{}
	for n, p := range props {
		if p.Secret {
			out[n] = true
		}
	}
	return out
}

func objectNames(o *schemaObject) stringSet {
	if o == nil {
		return stringSet{}
	}
	return keys(o.Properties)
}

func keys[V any](m map[string]V) stringSet {
	out := stringSet{}
	for k := range m {
		out[k] = true
	}
	return out
}
