package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The resources this provider serves, with the files of the npm SDK that
// describe each.
var sdkResources = []struct {
	dts, js, class string
}{
	{"remote/command.d.ts", "remote/command.js", "Command"},
	{"remote/copyToRemote.d.ts", "remote/copyToRemote.js", "CopyToRemote"},
	{"local/command.d.ts", "local/command.js", "Command"},
}

func loadSchema(t *testing.T) schema.PackageSpec {
	t.Helper()
	prov, err := New()
	if err != nil {
		t.Fatal(err)
	}
	spec, err := p.GetSchema(context.Background(), Name, Version, prov)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func TestPluginNameAndVersionMatchTheNpmPackage(t *testing.T) {
	name, version := findNpmPackage(t).pluginInfo(t)
	if name != Name || version != Version {
		t.Fatalf("npm package asks for plugin %s %s, provider reports %s %s", name, version, Name, Version)
	}
	if spec := loadSchema(t); spec.Name != Name {
		t.Fatalf("schema name %q, want %q", spec.Name, Name)
	}
}

// TestResourcesMatchTheNpmDeclarations checks, for every resource, that the
// schema has exactly the SDK's input and output property names with the same
// types and optionality, the same secret inputs and outputs, and the same
// replace-on-change inputs.
func TestResourcesMatchTheNpmDeclarations(t *testing.T) {
	pkg := findNpmPackage(t)
	spec := loadSchema(t)
	if len(spec.Resources) != len(sdkResources) {
		t.Errorf("schema has %d resources %v, want %d", len(spec.Resources), sortedKeys(spec.Resources), len(sdkResources))
	}
	for _, r := range sdkResources {
		dts, js := pkg.read(t, r.dts), pkg.read(t, r.js)
		token := resourceToken(t, js)
		t.Run(token, func(t *testing.T) {
			res, ok := spec.Resources[token]
			if !ok {
				t.Fatalf("schema has no resource %s", token)
			}
			args := declaredProperties(t, dts, "export interface "+r.class+"Args {")
			outputs := declaredProperties(t, dts, "export declare class "+r.class+" extends pulumi.CustomResource {")

			compareProperties(t, "input", args, res.InputProperties, res.RequiredInputs, spec.Types, true)
			compareProperties(t, "output", outputs, res.Properties, res.Required, spec.Types, false)

			sameSet(t, "secret outputs (additionalSecretOutputs)",
				quotedList(js, "additionalSecretOutputs"), flagged(res.Properties, isSecret))
			sameSet(t, "secret inputs (wrapped in pulumi.secret)",
				secretInputs(js), flagged(res.InputProperties, isSecret))
			sameSet(t, "replaceOnChanges inputs", trimWildcards(quotedList(js, "replaceOnChanges")),
				flagged(res.InputProperties, func(s schema.PropertySpec) bool { return s.ReplaceOnChanges }))
		})
	}
}

// TestConnectionTypesMatchTheNpmDeclarations checks the connection object
// types: property names, types, optionality and the defaults the SDK fills in.
func TestConnectionTypesMatchTheNpmDeclarations(t *testing.T) {
	pkg := findNpmPackage(t)
	spec := loadSchema(t)
	inputDts, inputJs := pkg.read(t, "types/input.d.ts"), pkg.read(t, "types/input.js")
	outputDts := pkg.read(t, "types/output.d.ts")
	for _, c := range []struct{ token, class, defaults string }{
		{"command:remote:Connection", "Connection", "connectionArgsProvideDefaults"},
		{"command:remote:ProxyConnection", "ProxyConnection", "proxyConnectionArgsProvideDefaults"},
	} {
		t.Run(c.token, func(t *testing.T) {
			typ, ok := spec.Types[c.token]
			if !ok {
				t.Fatalf("schema has no type %s", c.token)
			}
			compareProperties(t, "input", declaredProperties(t, inputDts, "interface "+c.class+"Args {"),
				typ.Properties, typ.Required, spec.Types, true)
			compareProperties(t, "output", declaredProperties(t, outputDts, "interface "+c.class+" {"),
				typ.Properties, typ.Required, spec.Types, false)

			want := jsDefaults(t, inputJs, c.defaults)
			got := map[string]any{}
			for name, prop := range typ.Properties {
				if prop.Default != nil {
					got[name] = prop.Default
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("defaults: schema %v, npm SDK %v", got, want)
			}
		})
	}
}

func TestLoggingEnumsMatchTheNpmDeclarations(t *testing.T) {
	pkg := findNpmPackage(t)
	spec := loadSchema(t)
	for _, module := range []string{"remote", "local"} {
		token := "command:" + module + ":Logging"
		typ, ok := spec.Types[token]
		if !ok {
			t.Fatalf("schema has no enum %s", token)
		}
		var got []string
		for _, v := range typ.Enum {
			got = append(got, fmt.Sprint(v.Value))
		}
		sameSet(t, token, enumValues(pkg.read(t, "types/enums/"+module+"/index.d.ts")), got)
	}
}

// compareProperties checks names, optionality and TypeScript types of one side
// (inputs or outputs) of a resource or object type.
func compareProperties(t *testing.T, side string, declared map[string]tsProperty,
	props map[string]schema.PropertySpec, required []string, types map[string]schema.ComplexTypeSpec, input bool,
) {
	t.Helper()
	sameSet(t, side+" property names", sortedKeys(declared), sortedKeys(props))
	var wantRequired []string
	for name, d := range declared {
		if !d.optional {
			wantRequired = append(wantRequired, name)
		}
	}
	sameSet(t, side+" required", wantRequired, required)
	for name, d := range declared {
		prop, ok := props[name]
		if !ok {
			continue
		}
		if got := tsTypeOf(prop.TypeSpec, types, input); got != d.tsType {
			t.Errorf("%s %s: schema type gives TypeScript %q, npm SDK declares %q", side, name, got, d.tsType)
		}
	}
}

// tsTypeOf renders a schema type the way the Node.js code generator writes it,
// in the normalized form of normalizeTSType.
func tsTypeOf(ts schema.TypeSpec, types map[string]schema.ComplexTypeSpec, input bool) string {
	switch ts.Ref {
	case "":
	case "pulumi.json#/Asset":
		return "pulumi.asset.Asset|pulumi.asset.Archive"
	case "pulumi.json#/Archive":
		return "pulumi.asset.Archive"
	case "pulumi.json#/Any":
		return "any"
	default:
		token := strings.TrimPrefix(ts.Ref, "#/types/")
		parts := strings.Split(token, ":")
		module, name := parts[1], parts[2]
		switch {
		case len(types[token].Enum) > 0:
			return "enums." + module + "." + name
		case input:
			return "inputs." + module + "." + name + "Args"
		default:
			return "outputs." + module + "." + name
		}
	}
	switch ts.Type {
	case "number", "integer":
		return "number"
	case "array":
		return tsTypeOf(*ts.Items, types, input) + "[]"
	case "object":
		return "{[key:string]:" + tsTypeOf(*ts.AdditionalProperties, types, input) + ";}"
	default:
		return ts.Type
	}
}

func isSecret(s schema.PropertySpec) bool { return s.Secret }

func flagged(props map[string]schema.PropertySpec, pred func(schema.PropertySpec) bool) []string {
	var out []string
	for name, prop := range props {
		if pred(prop) {
			out = append(out, name)
		}
	}
	return out
}

// trimWildcards turns replaceOnChanges paths like "triggers[*]" into the
// property names they start with.
func trimWildcards(paths []string) []string {
	out := make([]string, len(paths))
	for i, path := range paths {
		out[i] = strings.TrimSuffix(path, "[*]")
	}
	return out
}

func sameSet(t *testing.T, what string, want, got []string) {
	t.Helper()
	w, g := append([]string{}, want...), append([]string{}, got...)
	sort.Strings(w)
	sort.Strings(g)
	if strings.Join(w, ",") != strings.Join(g, ",") {
		t.Errorf("%s: npm SDK %v, schema %v", what, w, g)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
