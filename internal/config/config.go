// Package config reads .mlsec.yaml, the per-project settings file.
//
// Unknown keys are errors naming their line: a misspelt "exclude" must not
// silently scan what the user meant to leave out, and a misspelt "disable"
// must not silently keep a rule the user meant to turn off.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/rule"
)

// FileName is the config file looked for at the scan root.
const FileName = ".mlsec.yaml"

// Config is the content of .mlsec.yaml.
type Config struct {
	// Exclude lists gitignore-style patterns of paths not to scan.
	Exclude []string `yaml:"exclude"`
	Rules   Rules    `yaml:"rules"`
	// FailOn is the lowest severity that makes the scan exit 1.
	FailOn string `yaml:"fail-on"`
	// MinSeverity hides findings below it from reports.
	MinSeverity string `yaml:"min-severity"`
	Model       Model  `yaml:"model"`

	path string
}

// Rules selects and tunes rules. Entries are rule IDs ("code/pickle-load")
// or whole families ("code").
type Rules struct {
	// Enable, when not empty, runs only these rules.
	Enable []string `yaml:"enable"`
	// Disable turns these rules off.
	Disable []string `yaml:"disable"`
	// Severity overrides a rule's severity: {"deps/unpinned-ml-package": medium}.
	Severity map[string]string `yaml:"severity"`
}

// Model holds the model analyzer's policy additions.
type Model struct {
	// Allow adds pickle globals to the allowlist: "module.Name" or "module.*".
	Allow []string `yaml:"allow"`
}

// Path is the file the config was read from, or "".
func (c *Config) Path() string { return c.path }

// Load reads a config file. A missing file is an error; use Find for the
// optional file at a scan root.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.path = path
	return c, nil
}

// Find loads FileName from dir when it exists and returns nil when it does not.
func Find(dir string) (*Config, error) {
	p := dir + string(os.PathSeparator) + FileName
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return Load(p)
}

// Parse decodes config content strictly: unknown keys and wrong types are
// errors with their line.
func Parse(b []byte) (*Config, error) {
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, errors.New(cleanYAMLError(err))
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// cleanYAMLError turns yaml.v3's "yaml: unmarshal errors:\n  line 3: field
// excludes not found in type config.Config" into "line 3: unknown key "excludes"".
func cleanYAMLError(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			if line, rest, ok := strings.Cut(m, ": field "); ok {
				field, _, _ := strings.Cut(rest, " not found")
				m = fmt.Sprintf("%s: unknown key %q", line, field)
			}
			msgs[i] = m
		}
		return strings.Join(msgs, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

func (c *Config) validate() error {
	for _, s := range []struct{ name, v string }{{"fail-on", c.FailOn}, {"min-severity", c.MinSeverity}} {
		if s.v == "" || (s.name == "fail-on" && s.v == "none") {
			continue
		}
		if _, err := rule.ParseSeverity(s.v); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	for id, sev := range c.Rules.Severity {
		if _, err := rule.ParseSeverity(sev); err != nil {
			return fmt.Errorf("rules.severity.%s: %w", id, err)
		}
	}
	return nil
}

// SeverityOverrides returns the parsed rules.severity map.
func (c *Config) SeverityOverrides() map[string]rule.Severity {
	out := map[string]rule.Severity{}
	for id, s := range c.Rules.Severity {
		v, _ := rule.ParseSeverity(s) // validated in Parse
		out[id] = v
	}
	return out
}
