package local

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gobwas/glob"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// collectAssets returns a file asset for every file under dir that the globs
// select, keyed by its slash-separated path relative to dir. Rules apply in
// order; a rule starting with "!" removes what earlier rules added. `*` stops
// at "/", `**` does not (gobwas/glob with "/" as separator, as upstream).
func collectAssets(dir string, globs []string) (map[string]*resource.Asset, error) {
	type rule struct {
		pattern glob.Glob
		exclude bool
	}
	rules := make([]rule, 0, len(globs))
	for _, g := range globs {
		exclude := strings.HasPrefix(g, "!")
		compiled, err := glob.Compile(strings.TrimPrefix(g, "!"), '/')
		if err != nil {
			return nil, err
		}
		rules = append(rules, rule{pattern: compiled, exclude: exclude})
	}

	assets := map[string]*resource.Asset{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(rel string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entry.IsDir() {
			return nil
		}
		for _, r := range rules {
			if !r.pattern.Match(rel) {
				continue
			}
			if r.exclude {
				delete(assets, rel)
				continue
			}
			asset, err := resource.NewPathAsset(filepath.Join(dir, filepath.FromSlash(rel)))
			if err != nil {
				return err
			}
			assets[rel] = asset
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return assets, nil
}

// collectArchive bundles the files the globs select into one archive.
func collectArchive(dir string, globs []string) (*resource.Archive, error) {
	assets, err := collectAssets(dir, globs)
	if err != nil {
		return nil, err
	}
	members := make(map[string]any, len(assets))
	for rel, asset := range assets {
		members[rel] = asset
	}
	return resource.NewAssetArchive(members)
}
