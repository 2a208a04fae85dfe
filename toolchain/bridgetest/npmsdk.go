package bridgetest

// Reads the names a Pulumi npm SDK promises from its generated .js and .d.ts files. The
// SDK is generated from the upstream schema, so what it names is what our schema must name.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

type stringSet map[string]bool

func newSet(names ...string) stringSet {
	s := stringSet{}
	for _, n := range names {
		s[n] = true
	}
	return s
}

func (s stringSet) sorted() []string {
	out := make([]string, 0, len(s))
	for n := range s {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// npmResource is what a resource's .js constructor tells about it.
type npmResource struct {
	inputs       stringSet // args?.x
	outputs      stringSet // state?.x: everything the resource has
	required     stringSet // "Missing required property 'x'"
	secretInputs stringSet // pulumi.secret(args.x)
	secrets      stringSet // additionalSecretOutputs
}

type npmFunction struct {
	inputs  stringSet // keys of the object passed to invoke/call
	outputs stringSet // members of the <Name>Result interface in the .d.ts
}

type npmSDK struct {
	provider   npmResource
	resources  map[string]npmResource // by type token
	functions  map[string]npmFunction // by token, provider methods included
	types      map[string]stringSet   // interface name (config.Proxy for namespaced ones) → members
	configVars stringSet
}

var (
	reType        = regexp.MustCompile(`__pulumiType = '([^']+)'`)
	reInput       = regexp.MustCompile(`resourceInputs\["(\w+)"\] = (.+);`)
	reRequired    = regexp.MustCompile(`Missing required property '(\w+)'`)
	reSecretIn    = regexp.MustCompile(`pulumi\.secret\(args\.(\w+)\)`)
	reSecretOuts  = regexp.MustCompile(`additionalSecretOutputs: \[([^\]]*)\]`)
	reQuoted      = regexp.MustCompile(`"(\w+)"`)
	reInvoke      = regexp.MustCompile(`pulumi\.runtime\.(?:invoke|invokeOutput|call)\("([^"]+)", \{([^}]*)\}`)
	reObjKey      = regexp.MustCompile(`"(\w+)":`)
	reConfigVar   = regexp.MustCompile(`export declare const (\w+):`)
	reComments    = regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`)
	reDecl        = regexp.MustCompile(`\b(namespace|interface)\s+(\w+)[^{;]*\{`)
	reMember      = regexp.MustCompile(`^(?:readonly\s+)?["']?([\w$]+)["']?\??\s*:`)
	reFunctionTok = regexp.MustCompile(`^[^:]+:[^/]+/(\w+):(\w+)$`) // pkg:mod/name:name
	reMethodTok   = regexp.MustCompile(`^pulumi:providers:[^/]+/(\w+)$`)
)

// readNpmSDK reads the package installed in dir (node_modules/@pulumi/<name>).
func readNpmSDK(dir string) (*npmSDK, error) {
	jsFiles, err := filepath.Glob(filepath.Join(dir, "*.js"))
	if err != nil {
		return nil, err
	}
	sdk := &npmSDK{
		resources:  map[string]npmResource{},
		functions:  map[string]npmFunction{},
		types:      map[string]stringSet{},
		configVars: stringSet{},
	}
	sawProvider := false
	for _, js := range jsFiles {
		src, err := os.ReadFile(js)
		if err != nil {
			return nil, err
		}
		if m := reType.FindStringSubmatch(string(src)); m != nil {
			r := parseResource(string(src))
			if strings.Contains(m[1], ":") {
				sdk.resources[m[1]] = r
			} else { // the provider's __pulumiType is just the package name
				sdk.provider, sawProvider = r, true
			}
		}
		calls := reInvoke.FindAllStringSubmatch(string(src), -1)
		if len(calls) == 0 {
			continue
		}
		dts, err := readDeclarations(strings.TrimSuffix(js, ".js") + ".d.ts")
		if err != nil {
			return nil, err
		}
		for _, m := range calls {
			result, err := resultInterface(m[1])
			if err != nil {
				return nil, err
			}
			outputs, ok := dts[result]
			if !ok {
				return nil, fmt.Errorf("%s: no interface %s for %s", filepath.Base(js), result, m[1])
			}
			sdk.functions[m[1]] = npmFunction{inputs: matches(reObjKey, m[2]), outputs: outputs}
		}
	}
	if !sawProvider || len(sdk.resources) == 0 {
		return nil, fmt.Errorf("%s: no provider or no resources found, is the npm package installed?", dir)
	}

	// Nested object types; a package without any has no types/ directory.
	for _, f := range []string{"types/input.d.ts", "types/output.d.ts"} {
		decls, err := readDeclarations(filepath.Join(dir, f))
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		for name, members := range decls {
			if prev, ok := sdk.types[name]; ok && !equalSets(prev, members) {
				return nil, fmt.Errorf("%s: %s has members %v here and %v elsewhere", f, name, members.sorted(), prev.sorted())
			}
			sdk.types[name] = members
		}
	}
	if vars, err := os.ReadFile(filepath.Join(dir, "config", "vars.d.ts")); err == nil {
		sdk.configVars = matches(reConfigVar, string(vars))
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	return sdk, nil
}

func parseResource(src string) npmResource {
	r := npmResource{
		inputs:       stringSet{},
		outputs:      stringSet{},
		required:     matches(reRequired, src),
		secretInputs: matches(reSecretIn, src),
		secrets:      stringSet{},
	}
	for _, m := range reInput.FindAllStringSubmatch(src, -1) {
		rhs := m[2]
		switch {
		case strings.HasPrefix(rhs, "state?.") || strings.HasPrefix(rhs, "state ? state."):
			r.outputs[m[1]] = true
		case rhs == "undefined /*out*/":
			r.outputs[m[1]] = true
		default:
			r.inputs[m[1]] = true
		}
	}
	if m := reSecretOuts.FindStringSubmatch(src); m != nil {
		r.secrets = matches(reQuoted, m[1])
	}
	return r
}

// resultInterface names the .d.ts interface that describes what a function returns:
// getPublicKey → GetPublicKeyResult, the provider's terraformConfig method →
// Provider.TerraformConfigResult.
func resultInterface(token string) (string, error) {
	if m := reMethodTok.FindStringSubmatch(token); m != nil {
		return "Provider." + upperFirst(m[1]) + "Result", nil
	}
	if m := reFunctionTok.FindStringSubmatch(token); m != nil {
		return upperFirst(m[2]) + "Result", nil
	}
	return "", fmt.Errorf("unexpected function token %q", token)
}

// readDeclarations returns the members of every interface in a .d.ts file, keyed by
// name; interfaces inside `namespace ns { … }` are keyed ns.Name.
func readDeclarations(path string) (map[string]stringSet, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]stringSet{}
	if err := collectDeclarations(reComments.ReplaceAllString(string(src), ""), "", out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

func collectDeclarations(src, prefix string, out map[string]stringSet) error {
	for pos := 0; ; {
		loc := reDecl.FindStringSubmatchIndex(src[pos:])
		if loc == nil {
			return nil
		}
		kind, name := src[pos+loc[2]:pos+loc[3]], src[pos+loc[4]:pos+loc[5]]
		open := pos + loc[1] - 1
		end, err := matchingBrace(src, open)
		if err != nil {
			return fmt.Errorf("%s %s: %w", kind, name, err)
		}
		body := src[open+1 : end]
		if kind == "namespace" {
			if err := collectDeclarations(body, prefix+name+".", out); err != nil {
				return err
			}
		} else {
			out[prefix+name] = members(body)
		}
		pos = end + 1
	}
}

// members returns the property names of an interface body, skipping index signatures and
// anything nested inside the members' own types.
func members(body string) stringSet {
	out := stringSet{}
	depth, start := 0, 0
	for i, c := range body {
		switch c {
		case '{', '(', '[':
			depth++
		case '}', ')', ']':
			depth--
		case ';':
			if depth == 0 {
				if m := reMember.FindStringSubmatch(strings.TrimSpace(body[start:i])); m != nil {
					out[m[1]] = true
				}
				start = i + 1
			}
		}
	}
	return out
}

func matchingBrace(src string, open int) (int, error) {
	depth := 0
	for i := open; i < len(src); i++ {
		switch src[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i, nil
			}
		}
	}
	return 0, fmt.Errorf("unbalanced braces")
}

func matches(re *regexp.Regexp, s string) stringSet {
	out := stringSet{}
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out[m[1]] = true
	}
	return out
}

func equalSets(a, b stringSet) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
