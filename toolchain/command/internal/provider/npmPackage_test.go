package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// npmPackage reads the @pulumi/command package the program installs, which is
// the contract this provider must meet.
type npmPackage struct {
	dir string
}

// findNpmPackage walks up from the test's directory to the repository's
// node_modules. A missing package fails the test: the comparison is the point.
func findNpmPackage(t *testing.T) npmPackage {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		candidate := filepath.Join(dir, "node_modules", "@pulumi", "command")
		if _, err := os.Stat(filepath.Join(candidate, "package.json")); err == nil {
			return npmPackage{dir: candidate}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("node_modules/@pulumi/command not found above the test directory: run `npm ci` in the repository first")
		}
		dir = parent
	}
}

func (n npmPackage) read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(n.dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pluginInfo is the "pulumi" block of package.json, which tells the engine
// which plugin name and version to load.
func (n npmPackage) pluginInfo(t *testing.T) (name, version string) {
	t.Helper()
	var pkg struct {
		Pulumi struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"pulumi"`
	}
	if err := json.Unmarshal([]byte(n.read(t, "package.json")), &pkg); err != nil {
		t.Fatal(err)
	}
	return pkg.Pulumi.Name, pkg.Pulumi.Version
}

// tsProperty is one property of a TypeScript declaration: its TypeScript type
// with the pulumi.Input/Output wrappers and `| undefined` removed, and whether
// it is optional (`name?:`, or an output typed `… | undefined`).
type tsProperty struct {
	tsType   string
	optional bool
}

// declaredProperties returns the properties of the block that starts at the
// line matching header (e.g. "export interface CommandArgs {"), reading only
// the block's own members: lines indented exactly one level deeper.
func declaredProperties(t *testing.T, source, header string) map[string]tsProperty {
	t.Helper()
	lines := strings.Split(source, "\n")
	start := -1
	for i, line := range lines {
		if strings.TrimSpace(line) == header {
			start = i
			break
		}
	}
	if start < 0 {
		t.Fatalf("declaration %q not found", header)
	}
	outer := indentOf(lines[start])
	member := regexp.MustCompile(`^(?:readonly )?(\w+)(\??): (.*)$`)
	props := map[string]tsProperty{}
	for i := start + 1; i < len(lines); i++ {
		line := lines[i]
		if strings.TrimSpace(line) == "}" && indentOf(line) == outer {
			return props
		}
		if indentOf(line) != outer+4 {
			continue
		}
		m := member.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		// A type may span lines ("pulumi.Input<{" … "}>;"): read on until its
		// braces close and it ends with ';'.
		text := m[3]
		for (strings.Count(text, "{") > strings.Count(text, "}") ||
			!strings.HasSuffix(strings.TrimSpace(text), ";")) && i+1 < len(lines) {
			i++
			text += lines[i]
		}
		// An output is optional when its type admits undefined.
		optional := m[2] == "?" || strings.Contains(strings.Join(strings.Fields(text), ""), "|undefined")
		props[m[1]] = tsProperty{tsType: normalizeTSType(text), optional: optional}
	}
	t.Fatalf("declaration %q is not closed", header)
	return nil
}

func indentOf(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// normalizeTSType strips whitespace, the trailing ';', `| undefined`, and every
// pulumi.Input<…>/pulumi.Output<…> wrapper, leaving the plain value type.
func normalizeTSType(text string) string {
	s := strings.Join(strings.Fields(text), "")
	s = strings.TrimSuffix(s, ";")
	s = strings.ReplaceAll(s, "|undefined", "")
	for _, wrapper := range []string{"pulumi.Input<", "pulumi.Output<"} {
		for {
			i := strings.Index(s, wrapper)
			if i < 0 {
				break
			}
			end := matchingAngle(s, i+len(wrapper)-1)
			s = s[:i] + s[i+len(wrapper):end] + s[end+1:]
		}
	}
	return s
}

// matchingAngle returns the index of the '>' that closes the '<' at open.
func matchingAngle(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '<':
			depth++
		case '>':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(s) - 1
}

// quotedList returns the strings of the JavaScript array literal that follows
// key, e.g. additionalSecretOutputs: ["connection"]. Absent means empty.
func quotedList(source, key string) []string {
	m := regexp.MustCompile(key + `:\s*\[((?:\s*"[^"]*"\s*,?)*)\]`).FindStringSubmatch(source)
	if m == nil {
		return nil
	}
	var out []string
	for _, q := range regexp.MustCompile(`"([^"]*)"`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, q[1])
	}
	return out
}

// secretInputs returns the inputs the generated constructor wraps in
// pulumi.secret(…) before sending them to the engine.
func secretInputs(source string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`resourceInputs\["(\w+)"\] = args\?\.\w+ \? pulumi\.secret\(`).
		FindAllStringSubmatch(source, -1) {
		out = append(out, m[1])
	}
	return out
}

// jsDefaults returns the defaults a *ProvideDefaults function in
// types/input.js fills in, e.g. port: (val.port) ?? 22.
func jsDefaults(t *testing.T, source, function string) map[string]any {
	t.Helper()
	start := strings.Index(source, "function "+function+"(")
	if start < 0 {
		t.Fatalf("%s not found in types/input.js", function)
	}
	body := source[start:]
	body = body[:strings.Index(body, "\n    }\n")]
	defaults := map[string]any{}
	for _, m := range regexp.MustCompile(`(\w+): \(val\.\w+\) \?\? ([^,\n]+),`).FindAllStringSubmatch(body, -1) {
		var v any
		if err := json.Unmarshal([]byte(m[2]), &v); err != nil {
			t.Fatalf("default of %s: %v", m[1], err)
		}
		defaults[m[1]] = v
	}
	return defaults
}

// enumValues returns the string values of an enum in types/enums/*/index.d.ts.
func enumValues(source string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`readonly \w+: "([^"]+)";`).FindAllStringSubmatch(source, -1) {
		out = append(out, m[1])
	}
	return out
}

// resourceToken returns the type token a generated resource class registers.
func resourceToken(t *testing.T, source string) string {
	t.Helper()
	m := regexp.MustCompile(`__pulumiType = '([^']+)'`).FindStringSubmatch(source)
	if m == nil {
		t.Fatal("__pulumiType not found")
	}
	return m[1]
}
