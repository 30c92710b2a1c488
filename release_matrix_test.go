package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// goreleaserBuilds is the part of .goreleaser.yml that decides which
// GOOS/GOARCH pairs a release builds.
type goreleaserBuilds struct {
	Builds []struct {
		Goos   []string `yaml:"goos"`
		Goarch []string `yaml:"goarch"`
		Ignore []struct {
			Goos   string `yaml:"goos"`
			Goarch string `yaml:"goarch"`
		} `yaml:"ignore"`
	} `yaml:"builds"`
}

// releasePairs expands every build's goos × goarch, less its ignore entries,
// the way GoReleaser does (an ignore entry with an empty field matches any).
func releasePairs(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg goreleaserBuilds
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var pairs []string
	for _, b := range cfg.Builds {
		for _, goos := range b.Goos {
		arch:
			for _, goarch := range b.Goarch {
				for _, ig := range b.Ignore {
					if (ig.Goos == "" || ig.Goos == goos) && (ig.Goarch == "" || ig.Goarch == goarch) {
						continue arch
					}
				}
				pairs = append(pairs, goos+"/"+goarch)
			}
		}
	}
	return pairs
}

// Every pair the release matrix produces must be one this Go toolchain can
// build (`go tool dist list`): `goreleaser check` does not build, so an
// unsupported pair (windows/arm since Go 1.26) would only fail the release.
func TestReleaseMatrixIsBuildable(t *testing.T) {
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatalf("go tool dist list: %v", err)
	}
	known := map[string]bool{}
	for _, line := range strings.Fields(string(out)) {
		known[line] = true
	}
	pairs := releasePairs(t, ".goreleaser.yml")
	if len(pairs) == 0 {
		t.Fatal(".goreleaser.yml builds no GOOS/GOARCH pair")
	}
	for _, p := range pairs {
		if !known[p] {
			t.Errorf(".goreleaser.yml builds %s, which `go tool dist list` does not know: add it to the build's ignore list", p)
		}
	}
	for _, want := range []string{"linux/amd64", "darwin/arm64", "windows/amd64"} {
		if !contains(pairs, want) {
			t.Errorf(".goreleaser.yml no longer builds %s", want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Every action a workflow uses is pinned to a full commit SHA (a tag can be
// moved; Dependabot updates the SHA and its tag comment together).
func TestWorkflowActionsArePinned(t *testing.T) {
	files, err := filepath.Glob(".github/workflows/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows found: %v", err)
	}
	pinned := regexp.MustCompile(`^\s*-?\s*uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}(\s+#\s*v[\d.]+)?\s*$`)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(raw), "\n") {
			if strings.Contains(line, "uses:") && !pinned.MatchString(line) {
				t.Errorf("%s:%d: action not pinned to a commit SHA: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
