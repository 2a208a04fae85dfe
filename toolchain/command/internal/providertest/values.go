package providertest

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Map builds resource inputs from plain Go values (see Value).
func Map(m map[string]any) property.Map {
	values := make(map[string]property.Value, len(m))
	for k, v := range m {
		values[k] = Value(v)
	}
	return property.NewMap(values)
}

// Value converts strings, bools, ints, float64s, assets, archives, slices and
// maps of those, and ready-made property values into a property value.
func Value(v any) property.Value {
	switch x := v.(type) {
	case property.Value:
		return x
	case *asset.Asset:
		return property.New(x)
	case *archive.Archive:
		return property.New(x)
	case string:
		return property.New(x)
	case bool:
		return property.New(x)
	case int:
		return property.New(float64(x))
	case float64:
		return property.New(x)
	case []any:
		items := make([]property.Value, len(x))
		for i, item := range x {
			items[i] = Value(item)
		}
		return property.New(items)
	case []string:
		items := make([]property.Value, len(x))
		for i, item := range x {
			items[i] = property.New(item)
		}
		return property.New(items)
	case map[string]string:
		values := make(map[string]property.Value, len(x))
		for k, item := range x {
			values[k] = property.New(item)
		}
		return property.New(values)
	case map[string]any:
		return property.New(Map(x))
	default:
		panic(fmt.Sprintf("providertest.Value: unsupported %T", v))
	}
}

// Secret marks a value secret, as the SDK does for `connection`.
func Secret(v any) property.Value { return Value(v).WithSecret(true) }

// String returns the string output key of a state, failing loudly (for a test)
// when it is missing, computed or not a string.
func String(state property.Map, key string) (string, error) {
	v, ok := state.GetOk(key)
	if !ok {
		return "", fmt.Errorf("state has no %q (keys: %v)", key, keys(state))
	}
	if v.IsComputed() {
		return "", fmt.Errorf("%q is unknown (computed)", key)
	}
	if !v.IsString() {
		return "", fmt.Errorf("%q is %v, not a string", key, v)
	}
	return v.AsString(), nil
}

func keys(m property.Map) []string {
	var out []string
	for k := range m.All {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
