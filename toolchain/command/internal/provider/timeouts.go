package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
)

// boundByTimeouts ends a create, update or delete when the timeout the engine
// sends with it runs out (the resource's customTimeouts; none when unset): the
// step's context is cancelled, which stops a local process or the remote
// command (SIGTERM, then its session is closed), and the step fails saying so.
// infer drops these timeouts, and upstream does not apply them either.
func boundByTimeouts(prov p.Provider) p.Provider {
	if create := prov.Create; create != nil {
		prov.Create = func(ctx context.Context, req p.CreateRequest) (p.CreateResponse, error) {
			ctx, cancel := within(ctx, req.Timeout)
			defer cancel()
			resp, err := create(ctx, req)
			return resp, timedOut(ctx, "create", req.Timeout, err)
		}
	}
	if update := prov.Update; update != nil {
		prov.Update = func(ctx context.Context, req p.UpdateRequest) (p.UpdateResponse, error) {
			ctx, cancel := within(ctx, req.Timeout)
			defer cancel()
			resp, err := update(ctx, req)
			return resp, timedOut(ctx, "update", req.Timeout, err)
		}
	}
	if del := prov.Delete; del != nil {
		prov.Delete = func(ctx context.Context, req p.DeleteRequest) error {
			ctx, cancel := within(ctx, req.Timeout)
			defer cancel()
			return timedOut(ctx, "delete", req.Timeout, del(ctx, req))
		}
	}
	return prov
}

// within derives a context that ends after seconds (none for 0 or less).
func within(ctx context.Context, seconds float64) (context.Context, context.CancelFunc) {
	if seconds <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, time.Duration(seconds*float64(time.Second)))
}

// timedOut says plainly when a step failed because its timeout ran out.
func timedOut(ctx context.Context, step string, seconds float64, err error) error {
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%s did not finish within its customTimeouts (%s) and was stopped: %w",
			step, time.Duration(seconds*float64(time.Second)), err)
	}
	return err
}
