package provider

import (
	"context"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
)

// replaceOnTriggerChange makes a change anywhere inside `triggers` a
// replacement, as upstream's schema (replaceOnChanges) promises.
//
// infer marks a property diff as a replacement by looking the diff's key up
// in the schema, but its keys are element paths such as "triggers[1]", which
// are not schema property names, so changing one trigger value would come
// back as a plain update. The SDKs also send replaceOnChanges ["triggers[*]"],
// which makes the engine replace anyway; this keeps the provider's own answer
// right for any client. `triggers` is the only replace-on-change input of all
// three resources (the schema test checks this).
func replaceOnTriggerChange(prov p.Provider) p.Provider {
	diff := prov.Diff
	prov.Diff = func(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
		resp, err := diff(ctx, req)
		if err != nil {
			return resp, err
		}
		for path, d := range resp.DetailedDiff {
			if path == "triggers" || strings.HasPrefix(path, "triggers[") {
				d.Kind = asReplace(d.Kind)
				resp.DetailedDiff[path] = d
			}
		}
		return resp, nil
	}
	return prov
}

func asReplace(k p.DiffKind) p.DiffKind {
	switch k {
	case p.Add:
		return p.AddReplace
	case p.Delete:
		return p.DeleteReplace
	case p.Update:
		return p.UpdateReplace
	default:
		return k
	}
}
