package mlcmd

import (
	"path"
	"strings"
)

// base is a program's name without directory or Windows suffix.
func base(prog string) string {
	b := path.Base(strings.ReplaceAll(prog, `\`, "/"))
	return strings.TrimSuffix(b, ".exe")
}

func isShell(prog string) bool {
	switch prog {
	case "sh", "bash", "dash", "zsh", "ash", "ksh":
		return true
	}
	return false
}

func isPython(prog string) bool {
	if prog == "python" || prog == "python3" || prog == "python2" {
		return true
	}
	// python3.11 and the like
	if rest, ok := strings.CutPrefix(prog, "python3."); ok && rest != "" {
		for _, r := range rest {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	return false
}

// isAssign reports whether w is a NAME=value environment assignment.
func isAssign(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok || name == "" {
		return false
	}
	for i, r := range name {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// unwrap skips launchers that run the real command after them (env, exec,
// nohup, sudo, tini, gosu, uv run, conda run, the Jupyter images' start.sh…)
// and returns the index of the real program.
func unwrap(argv []string) int {
	i := 0
	for guard := 0; guard < 16 && i < len(argv); guard++ {
		for i < len(argv) && isAssign(argv[i]) {
			i++
		}
		if i >= len(argv) {
			return i
		}
		switch base(argv[i]) {
		case "env":
			i++
			for i < len(argv) && (isAssign(argv[i]) || strings.HasPrefix(argv[i], "-")) {
				if argv[i] == "-u" || argv[i] == "-C" {
					i++
				}
				i++
			}
		case "exec", "nohup", "time", "nice", "command", "start.sh":
			i++
			for i < len(argv) && strings.HasPrefix(argv[i], "-") {
				i++
			}
		case "sudo", "tini", "dumb-init", "catatonit":
			i++
			for i < len(argv) && strings.HasPrefix(argv[i], "-") {
				a := argv[i]
				i++
				if a == "--" {
					break
				}
				if a == "-u" || a == "-g" {
					i++
				}
			}
		case "gosu", "su-exec":
			i += 2 // user
		case "uv", "poetry", "pipenv", "pdm", "hatch", "rye":
			if i+1 < len(argv) && argv[i+1] == "run" {
				i += 2
				for i < len(argv) && strings.HasPrefix(argv[i], "-") {
					if argv[i] == "--with" || argv[i] == "--python" || argv[i] == "--env-file" {
						i++
					}
					i++
				}
				continue
			}
			return i
		case "conda", "mamba", "micromamba":
			if i+1 < len(argv) && argv[i+1] == "run" {
				i += 2
				for i < len(argv) && strings.HasPrefix(argv[i], "-") {
					if a := argv[i]; (a == "-n" || a == "-p" || a == "--name" || a == "--prefix") && !strings.Contains(a, "=") {
						i++
					}
					i++
				}
				continue
			}
			return i
		default:
			return i
		}
	}
	return i
}

// opt is one option on a command line.
type opt struct {
	name   string // with its dashes: "--host", "-h"
	value  string // after '=' or the next word; quotes around it removed
	hasEq  bool
	hasVal bool
	idx    int // index in argv
}

// cmdline is a server's command line after the program and subcommand.
type cmdline struct {
	argv  []string
	start int // the program
	from  int // its first option
	opts  []opt
	env   map[string]string // the command's environment, as far as known
}

func (c *cmdline) parse() {
	for i := c.from; i < len(c.argv); i++ {
		a := c.argv[i]
		if a == "--" {
			return
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		o := opt{name: a, idx: i}
		if n, v, ok := strings.Cut(a, "="); ok {
			o.name, o.value, o.hasEq, o.hasVal = n, unquote(v), true, true
		} else if i+1 < len(c.argv) && !strings.HasPrefix(c.argv[i+1], "-") {
			o.value, o.hasVal = unquote(c.argv[i+1]), true
		}
		c.opts = append(c.opts, o)
	}
}

// unquote removes one pair of matching quotes that survived into argv, as
// in a Kubernetes args entry such as --NotebookApp.token= followed by two
// single quotes.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '\'' || v[0] == '"') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// last returns the last occurrence of any of the names, as the programs
// themselves let a later flag win.
func (c *cmdline) last(names ...string) (opt, bool) {
	for i := len(c.opts) - 1; i >= 0; i-- {
		for _, n := range names {
			if strings.EqualFold(c.opts[i].name, n) {
				return c.opts[i], true
			}
		}
	}
	return opt{}, false
}

// has reports whether any of the names is present.
func (c *cmdline) has(names ...string) bool {
	_, ok := c.last(names...)
	return ok
}

// evidence is the option as written, with its separate value if any.
func (c *cmdline) evidence(o opt) string {
	if o.hasVal && !o.hasEq && o.idx+1 < len(c.argv) {
		return c.argv[o.idx] + " " + c.argv[o.idx+1]
	}
	return c.argv[o.idx]
}

// allInterfaces reports whether a bind address means every interface.
func allInterfaces(host string) bool {
	host = strings.TrimSpace(unquote(host))
	if h, _, ok := strings.Cut(host, "://"); ok && h != "" {
		host = host[len(h)+3:]
	}
	switch host {
	case "0.0.0.0", "::", "[::]", "*", "0", "":
		return true
	}
	for _, p := range []string{"0.0.0.0:", "[::]:", "*:"} {
		if strings.HasPrefix(host, p) {
			return true
		}
	}
	return false
}

func truthy(v string) bool {
	switch strings.ToLower(unquote(v)) {
	case "true", "1", "yes", "on":
		return true
	}
	return false
}
