// Package providertest drives the provider the way the Pulumi engine does
// (Check, Diff, Create, Update, Delete, each with its preview) through
// pulumi-go-provider's in-memory server, and records everything the provider
// logs. It is imported only by tests.
package providertest

import (
	"fmt"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"etcdhosts.local/toolchain/command/internal/provider"
)

// Harness is one provider instance serving one test.
type Harness struct {
	server integration.Server
}

// New starts the provider for t.
func New(t *testing.T) *Harness {
	t.Helper()
	installLogRecorder()
	prov, err := provider.New()
	if err != nil {
		t.Fatal(err)
	}
	server, err := integration.NewServer(t.Context(), provider.Name, semver.MustParse(provider.Version),
		integration.WithProvider(prov))
	if err != nil {
		t.Fatal(err)
	}
	return &Harness{server: server}
}

// Resource is one resource's engine-side record: its URN, ID, the inputs it
// was last created or updated with, and its state.
type Resource struct {
	h      *Harness
	URN    presource.URN
	ID     string
	Inputs property.Map
	State  property.Map
}

// URNFor is the URN a resource of token named name gets in these tests; the
// name should be unique per test so its log lines can be told apart.
func URNFor(token, name string) presource.URN {
	return presource.NewURN("test", "provider", "", tokens.Type(token), name)
}

// Preview runs Check and a preview Create, as `pulumi preview` does for a new
// resource, and returns the planned outputs.
func (h *Harness) Preview(token, name string, inputs property.Map) (property.Map, error) {
	urn := URNFor(token, name)
	checked, err := h.check(urn, property.Map{}, inputs)
	if err != nil {
		return property.Map{}, err
	}
	resp, err := h.server.Create(p.CreateRequest{Urn: urn, Properties: checked, DryRun: true})
	if err != nil {
		return property.Map{}, err
	}
	return wire(resp.Properties)
}

// Create runs Check, the preview Create and the real Create.
func (h *Harness) Create(token, name string, inputs property.Map) (*Resource, error) {
	return h.CreateWithin(token, name, inputs, 0)
}

// CreateWithin is Create with the timeout the engine sends for the real create
// (the resource's customTimeouts.create), in seconds; 0 sends none.
func (h *Harness) CreateWithin(token, name string, inputs property.Map, seconds float64) (*Resource, error) {
	urn := URNFor(token, name)
	checked, err := h.check(urn, property.Map{}, inputs)
	if err != nil {
		return nil, err
	}
	if _, err := h.server.Create(p.CreateRequest{Urn: urn, Properties: checked, DryRun: true}); err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	resp, err := h.server.Create(p.CreateRequest{Urn: urn, Properties: checked, Timeout: seconds})
	if err != nil {
		return nil, err
	}
	state, err := wire(resp.Properties)
	if err != nil {
		return nil, err
	}
	return &Resource{h: h, URN: urn, ID: resp.ID, Inputs: checked, State: state}, nil
}

// Diff runs Check and Diff for new inputs against the resource's record.
func (r *Resource) Diff(inputs property.Map) (p.DiffResponse, property.Map, error) {
	checked, err := r.h.check(r.URN, r.Inputs, inputs)
	if err != nil {
		return p.DiffResponse{}, property.Map{}, err
	}
	diff, err := r.h.server.Diff(p.DiffRequest{
		ID: r.ID, Urn: r.URN, State: r.State, Inputs: checked, OldInputs: r.Inputs,
	})
	return diff, checked, err
}

// PreviewUpdate runs Check, Diff and a preview Update and returns the planned
// outputs without changing the record.
func (r *Resource) PreviewUpdate(inputs property.Map) (property.Map, error) {
	_, checked, err := r.Diff(inputs)
	if err != nil {
		return property.Map{}, err
	}
	resp, err := r.h.server.Update(p.UpdateRequest{
		ID: r.ID, Urn: r.URN, State: r.State, Inputs: checked, OldInputs: r.Inputs, DryRun: true,
	})
	if err != nil {
		return property.Map{}, err
	}
	return wire(resp.Properties)
}

// Update runs Check, Diff, the preview Update and the real Update, as the
// engine does for an in-place change. It refuses a diff that asks for a
// replacement, since the engine would not call Update then.
func (r *Resource) Update(inputs property.Map) error {
	diff, checked, err := r.Diff(inputs)
	if err != nil {
		return err
	}
	if Replaces(diff) {
		return fmt.Errorf("diff asks for a replacement, not an update: %v", diff.DetailedDiff)
	}
	req := p.UpdateRequest{ID: r.ID, Urn: r.URN, State: r.State, Inputs: checked, OldInputs: r.Inputs, DryRun: true}
	if _, err := r.h.server.Update(req); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	req.DryRun = false
	resp, err := r.h.server.Update(req)
	if err != nil {
		return err
	}
	state, err := wire(resp.Properties)
	if err != nil {
		return err
	}
	r.Inputs, r.State = checked, state
	return nil
}

// Delete runs Delete with the resource's state.
func (r *Resource) Delete() error {
	return r.h.server.Delete(p.DeleteRequest{ID: r.ID, Urn: r.URN, Properties: r.State, OldInputs: r.Inputs})
}

// Replaces reports whether a diff makes the engine replace the resource.
func Replaces(diff p.DiffResponse) bool {
	for _, d := range diff.DetailedDiff {
		switch d.Kind {
		case p.AddReplace, p.DeleteReplace, p.UpdateReplace:
			return true
		}
	}
	return false
}

func (h *Harness) check(urn presource.URN, olds, news property.Map) (property.Map, error) {
	resp, err := h.server.Check(p.CheckRequest{Urn: urn, State: olds, Inputs: news})
	if err != nil {
		return property.Map{}, err
	}
	if len(resp.Failures) > 0 {
		return property.Map{}, fmt.Errorf("check failed: %v", resp.Failures)
	}
	return wire(resp.Inputs)
}

// wire sends a property map through the gRPC encoding and back, as every map
// between the engine and a real plugin travels. Without it, values the
// provider encodes in their wire form (assets inside a union, for example)
// would reach the next call in a shape the engine never produces.
func wire(m property.Map) (property.Map, error) {
	opts := plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}
	pb, err := plugin.MarshalProperties(presource.ToResourcePropertyValue(property.New(m)).ObjectValue(), opts)
	if err != nil {
		return property.Map{}, err
	}
	back, err := plugin.UnmarshalProperties(pb, opts)
	if err != nil {
		return property.Map{}, err
	}
	return presource.FromResourcePropertyValue(presource.NewObjectProperty(back)).AsMap(), nil
}
