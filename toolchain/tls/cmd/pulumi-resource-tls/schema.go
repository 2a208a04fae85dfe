package main

import (
	"encoding/json"
	"errors"
	"fmt"
)

// schemaWithVersion returns the package schema with its "version" set.
//
// tfgen leaves the version out of schema.json on purpose (so the file does not change
// with every release); the plugin adds the version it was built with, so that
// `pulumi package get-schema` reports the same version as the plugin itself.
func schemaWithVersion(schema []byte, version string) ([]byte, error) {
	if version == "" {
		return nil, errors.New("no provider version: build with -ldflags -X (see build.sh)")
	}
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(schema, &spec); err != nil {
		return nil, fmt.Errorf("embedded schema.json: %w", err)
	}
	v, err := json.Marshal(version)
	if err != nil {
		return nil, err
	}
	spec["version"] = v
	return json.Marshal(spec)
}
