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
	pathpkg "path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
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
	root *yaml.Node
	// Warnings are things that work but should change, such as former rule
	// IDs, each with the file and line.
	Warnings []string
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
	c, err := parse(b, path)
	if err != nil {
		return nil, err
	}
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

// Parse decodes config content strictly: unknown keys, wrong types, unknown
// rules, bad severities, patterns and allowlist entries are errors with
// their line.
func Parse(b []byte) (*Config, error) { return parse(b, "") }

func parse(b []byte, path string) (*Config, error) {
	prefix := ""
	if path != "" {
		prefix = path + ":"
	}
	c := &Config{path: path, root: &yaml.Node{}}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, at(prefix, cleanYAMLError(err))
	}
	// A second decode into nodes keeps the lines for validation messages;
	// the first already rejected anything malformed.
	_ = yaml.Unmarshal(b, c.root)
	if err := c.validate(); err != nil {
		return nil, at(prefix, err.Error())
	}
	for i, w := range c.Warnings {
		c.Warnings[i] = prefix + w
	}
	return c, nil
}

// at puts the file in front of a message that starts "line N: ", as
// "FILE:N: …", the form editors and terminals link to.
func at(prefix, msg string) error {
	if prefix != "" && strings.HasPrefix(msg, "line ") {
		return errors.New(prefix + strings.TrimPrefix(msg, "line "))
	}
	return errors.New(prefix + msg)
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
		if s.v == "" || (s.name == "fail-on" && strings.EqualFold(s.v, "none")) {
			continue
		}
		if _, err := rule.ParseSeverity(s.v); err != nil {
			return fmt.Errorf("line %d: %s: %w", c.line(s.name), s.name, err)
		}
	}
	for i, p := range c.Exclude {
		if err := ValidPattern(p); err != nil {
			return fmt.Errorf("line %d: exclude: %w", c.line("exclude", i), err)
		}
	}
	for _, l := range []struct {
		name string
		ids  []string
	}{{"enable", c.Rules.Enable}, {"disable", c.Rules.Disable}} {
		for i, id := range l.ids {
			if err := c.selector(id, "rules", l.name, i); err != nil {
				return err
			}
		}
	}
	for id, sev := range c.Rules.Severity {
		if rules.Lookup(id) == nil {
			return fmt.Errorf("line %d: rules.severity: unknown rule %q (see 'mlsec rules')", c.line("rules", "severity", id), id)
		}
		if d := rules.Deprecated(id); d != "" {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%d: rules.severity: %s", c.line("rules", "severity", id), d))
		}
		if _, err := rule.ParseSeverity(sev); err != nil {
			return fmt.Errorf("line %d: rules.severity.%s: %w", c.line("rules", "severity", id), id, err)
		}
	}
	for i, g := range c.Model.Allow {
		if !allowEntry.MatchString(g) {
			return fmt.Errorf("line %d: model.allow: %q is not \"module.Name\" or \"module.*\"", c.line("model", "allow", i), g)
		}
	}
	return nil
}

// allowEntry is a pickle global as the model allowlist takes it: a dotted
// module path, then a name or "*".
var allowEntry = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\.([A-Za-z_][A-Za-z0-9_]*|\*)$`)

// selector checks one rules.enable or rules.disable entry.
func (c *Config) selector(id string, where ...any) error {
	line := c.line(where...)
	if !rules.ValidSelector(id) {
		return fmt.Errorf("line %d: rules.%s: unknown rule or family %q (see 'mlsec rules')", line, where[1], id)
	}
	if d := rules.Deprecated(id); d != "" {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%d: rules.%s: %s", line, where[1], d))
	}
	return nil
}

// ValidPattern checks a gitignore-style pattern: its parts must be valid
// shell patterns (an unclosed '[' would otherwise silently match nothing).
func ValidPattern(p string) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("empty pattern")
	}
	for _, part := range strings.Split(strings.TrimPrefix(p, "!"), "/") {
		if _, err := pathpkg.Match(part, ""); err != nil {
			return fmt.Errorf("invalid pattern %q: %v", p, err)
		}
	}
	return nil
}

// line finds the line of a key path in the file (a string is a mapping key,
// an int a sequence index); 0 when it is not there.
func (c *Config) line(path ...any) int {
	n := c.root
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, step := range path {
		var next *yaml.Node
		switch s := step.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == s {
						line, next = n.Content[i].Line, n.Content[i+1]
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && s < len(n.Content) {
				next = n.Content[s]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

// SeverityOverrides returns the parsed rules.severity map.
func (c *Config) SeverityOverrides() map[string]rule.Severity {
	out := map[string]rule.Severity{}
	for id, s := range c.Rules.Severity {
		v, _ := rule.ParseSeverity(s) // validated in Parse
		out[rules.Lookup(id).ID] = v  // former IDs name the current rule
	}
	return out
}
