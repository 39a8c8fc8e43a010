package secretscan

import (
	"fmt"
	"regexp/syntax"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/regexp"
)

// Class says what kind of credential a rule finds; the analyzer maps it to
// an mlsec rule and a severity.
type Class int

// Credential classes, from the most specific to the least.
const (
	// Token is a vendor API token recognised by its format (a fixed
	// prefix, or a fixed shape in the vendor's context).
	Token Class = iota
	// Cloud is a cloud account secret: an AWS secret access key, an Azure
	// storage account key, a GCP API key.
	Cloud
	// PrivateKey is a PEM or OpenSSH private key.
	PrivateKey
	// URLPassword is a password inside a URL (database, broker, tracking
	// server, package index).
	URLPassword
	// Password is a password or framework secret key assigned in code or
	// configuration.
	Password
	// Generic is an assignment to a secret-sounding name of a value with
	// high entropy: no vendor format.
	Generic
)

// Rule is one detection rule: gitleaks' rule type (regex, keywords,
// entropy, secret group, allowlists) and what mlsec needs to say about a
// match.
type Rule struct {
	config.Rule
	Class   Class
	Vendor  string // who issued the credential: "Hugging Face", "AWS"
	Unlocks string // what the credential gives access to, in a phrase
	Origin  string // "gitleaks" for its default rule set, "mlsec" for ours
	// Critical marks credentials that are write access to cloud storage or
	// a whole account with no further step (an AWS secret access key).
	Critical bool
	// multiline rules can match across lines (a PEM block): they run over
	// the whole text, not over the lines around a keyword.
	multiline bool
	// prefixed rules find a fixed literal prefix (hf_, AKIA): entropy adds
	// nothing to them beyond gitleaks' own threshold.
	prefixed bool
	// guard, when set, is a cheap necessary condition of a match around one
	// keyword hit (text[at:end] is the keyword): a hit that fails it opens
	// no window. See guards.go.
	guard guardFunc
	// before bounds how far before its keyword a match can start (the
	// `[\w.-]{0,50}?` of a name=value rule), so its window starts there
	// rather than at the start of the line; 0 means the line start.
	before int
	// anchored, for a name = value rule of the form
	// `(?i)[\w.-]{0,50}?(?:KEYWORDS)…`, is the same regex without its lazy
	// name prefix, anchored at the keyword: it finds the same secret from
	// the keyword hit, trying one start instead of every one in the window
	// (Go's regexp runs such a prefix as a large automaton at every byte).
	anchored *regexp.Regexp
}

var (
	loadOnce sync.Once
	loaded   *Detector
	loadErr  error
)

// Default returns the detector with gitleaks' default rule set and mlsec's
// own rules, compiled once per process on first use.
func Default() (*Detector, error) {
	loadOnce.Do(func() {
		gl, err := gitleaksRules()
		if err != nil {
			loadErr = err
			return
		}
		loaded = New(append(mlRules(), gl...))
	})
	return loaded, loadErr
}

// GitleaksOnly returns a detector with gitleaks' default rules alone, for
// measuring what they find without mlsec's own.
func GitleaksOnly() (*Detector, error) {
	gl, err := gitleaksRules()
	if err != nil {
		return nil, err
	}
	return New(gl), nil
}

// gitleaksConfig is gitleaks' default configuration, translated once.
var gitleaksConfig = sync.OnceValues(func() (config.Config, error) {
	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(strings.NewReader(config.DefaultConfig)); err != nil {
		return config.Config{}, fmt.Errorf("gitleaks default rules: %w", err)
	}
	var vc config.ViperConfig
	if err := v.Unmarshal(&vc); err != nil {
		return config.Config{}, fmt.Errorf("gitleaks default rules: %w", err)
	}
	cfg, err := vc.Translate()
	if err != nil {
		return config.Config{}, fmt.Errorf("gitleaks default rules: %w", err)
	}
	return cfg, nil
})

// gitleaksRules wraps gitleaks' default rules. Path-only rules (a file
// named like a keystore) and rules with no keyword are left out: mlsec
// reads text, and every rule it runs is prefiltered.
func gitleaksRules() ([]*Rule, error) {
	cfg, err := gitleaksConfig()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(cfg.Rules))
	for id := range cfg.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []*Rule
	for _, id := range ids {
		gr := cfg.Rules[id]
		if gr.Regex == nil || len(gr.Keywords) == 0 || gr.SkipReport || excluded[id] {
			continue
		}
		brand, _, _ := strings.Cut(vendorOf(id), " ")
		r := &Rule{Rule: gr, Class: Token, Vendor: vendorOf(id), Unlocks: "the " + brand + " account the credential belongs to", Origin: "gitleaks"}
		switch {
		case id == "private-key":
			r.Class, r.Vendor, r.Unlocks = PrivateKey, "private key", "whatever trusts the key: SSH hosts, TLS identities, signing"
		case id == "generic-api-key":
			r.Class, r.Vendor, r.Unlocks = Generic, "secret", "the service the value is a credential for"
		case strings.HasPrefix(id, "aws-") || strings.HasPrefix(id, "gcp-") || strings.HasPrefix(id, "azure-") || strings.HasPrefix(id, "alibaba-"):
			r.Class = Cloud
		}
		out = append(out, finish(r, cfg.Allowlists))
	}
	return out, nil
}

// namePrefix starts gitleaks' name = value rules: up to 50 name
// characters before the keyword.
const namePrefix = `(?i)[\w.-]{0,50}?`

// excluded gitleaks rules are reported better by an mlsec context rule:
// a Kubernetes Secret manifest is secret/secret-manifest (k8s analyzer),
// which knows stringData from base64 data and placeholders.
var excluded = map[string]bool{"kubernetes-secret-yaml": true}

// vendorOf names the issuer from a gitleaks rule ID: "slack-bot-token"
// gives "Slack bot token", "openai-api-key" "OpenAI API key".
func vendorOf(id string) string {
	words := strings.Split(id, "-")
	for i, w := range words {
		if b, ok := brands[w]; ok {
			words[i] = b
		} else if i == 0 {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// brands spells the words of gitleaks rule IDs as their owners do.
var brands = map[string]string{
	"api": "API", "aws": "AWS", "gcp": "GCP", "jwt": "JWT", "id": "ID", "pat": "PAT", "ssh": "SSH", "url": "URL",
	"openai": "OpenAI", "github": "GitHub", "gitlab": "GitLab", "huggingface": "Hugging Face", "sendgrid": "SendGrid",
	"pypi": "PyPI", "npm": "npm", "digitalocean": "DigitalOcean", "hashicorp": "HashiCorp", "mailgun": "Mailgun",
	"newrelic": "New Relic", "pagerduty": "PagerDuty", "sendinblue": "Sendinblue", "twilio": "Twilio",
	"anthropic": "Anthropic", "azure": "Azure", "ad": "AD", "oauth": "OAuth", "pem": "PEM", "sql": "SQL",
}

// finish lowercases the keywords, attaches the global allowlists and
// computes what the engine needs to know about the regex.
func finish(r *Rule, global []*config.Allowlist) *Rule {
	for i, k := range r.Keywords {
		r.Keywords[i] = strings.ToLower(k)
	}
	r.Allowlists = append(r.Allowlists, global...)
	r.multiline = spansLines(r.Regex.String())
	r.prefixed = r.Class == Token || r.Class == Cloud || r.Class == PrivateKey
	if g, ok := guards[r.RuleID]; ok {
		r.guard, r.before = g.fn, g.before
	}
	if expr := r.Regex.String(); r.before > 0 && strings.HasPrefix(expr, namePrefix) {
		r.anchored = regexp.MustCompile(`^(?i)` + strings.TrimPrefix(expr, namePrefix))
	}
	return r
}

// spansLines says whether the regex can run over many lines: an unbounded
// repetition of something that matches a line feed (`[\s\S]*`, `\s+`).
// Such a rule must see the whole text. A bounded one (`[\s'"]{0,3}`
// between a name and its value) can reach at most into the next line, so
// the window given to line rules is the keyword's line and the next.
func spansLines(expr string) bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return true
	}
	var walk func(*syntax.Regexp) bool
	walk = func(n *syntax.Regexp) bool {
		switch n.Op {
		case syntax.OpStar, syntax.OpPlus:
			if matchesLF(n.Sub[0]) {
				return true
			}
		case syntax.OpRepeat:
			if n.Max < 0 && matchesLF(n.Sub[0]) {
				return true
			}
		}
		for _, s := range n.Sub {
			if walk(s) {
				return true
			}
		}
		return false
	}
	return walk(re)
}

// matchesLF says whether a single-character node (or any node below a
// repetition) can match '\n'.
func matchesLF(n *syntax.Regexp) bool {
	switch n.Op {
	case syntax.OpAnyChar:
		return true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(n.Rune); i += 2 {
			if n.Rune[i] <= '\n' && '\n' <= n.Rune[i+1] {
				return true
			}
		}
		return false
	case syntax.OpLiteral:
		for _, r := range n.Rune {
			if r == '\n' {
				return true
			}
		}
		return false
	}
	for _, s := range n.Sub {
		if matchesLF(s) {
			return true
		}
	}
	return false
}

// ml is a short constructor for mlsec's own rules.
func ml(id, desc string, class Class, vendor, unlocks, expr string, entropy float64, keywords ...string) *Rule {
	r := &Rule{Rule: config.Rule{RuleID: id, Description: desc, Regex: regexp.MustCompile(expr), Entropy: entropy, Keywords: keywords},
		Class: class, Vendor: vendor, Unlocks: unlocks, Origin: "mlsec"}
	return r
}

// mlRules are mlsec's own rules: ML vendors gitleaks has no rule for, every
// Hugging Face token form, cloud keys passed in code, private keys with
// their body, passwords in URLs and in code. They come before gitleaks'
// rules, so that when two rules find one secret the more specific,
// ML-aware one names it.
func mlRules() []*Rule {
	const end = `(?:[\x60'"\s;,)\]}]|\\[nrt"]|$)`
	hex40 := `([a-f0-9]{40})`
	rs := []*Rule{
		ml("huggingface-token", "Hugging Face user access token", Token, "Hugging Face",
			"the owner's models, datasets and Spaces on the Hugging Face Hub (read, and write for a write token)",
			`\b(hf_[A-Za-z0-9]{30,40})`+end, 3, "hf_"),
		ml("huggingface-org-token", "Hugging Face organization API token", Token, "Hugging Face",
			"an organization's private models and datasets on the Hugging Face Hub",
			`\b(api_org_[A-Za-z0-9]{30,40})`+end, 3, "api_org_"),
		ml("wandb-api-key", "Weights & Biases API key", Token, "Weights & Biases",
			"the W&B account's projects, runs, artifacts and model registry",
			`(?i)(?:wandb|api\.wandb\.ai)[^\n]{0,80}?[^a-f0-9]`+hex40+`(?:[^a-f0-9]|$)`, 3, "wandb"),
		ml("wandb-netrc", "Weights & Biases API key in a .netrc entry", Token, "Weights & Biases",
			"the W&B account's projects, runs, artifacts and model registry",
			`(?i)machine\s+api\.wandb\.ai\s+login\s+\S+\s+password\s+`+hex40+`\b`, 3, "api.wandb.ai"),
		ml("replicate-api-token", "Replicate API token", Token, "Replicate",
			"the Replicate account: run and publish models, billed to the owner",
			`\b(r8_[A-Za-z0-9]{37})`+end, 3, "r8_"),
		ml("langsmith-api-key", "LangSmith API key", Token, "LangSmith",
			"LangSmith traces, prompts and datasets of the workspace",
			`\b(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})`+end, 3, "lsv2_"),
		ml("openrouter-api-key", "OpenRouter API key", Token, "OpenRouter",
			"LLM calls billed to the OpenRouter account",
			`\b(sk-or-v1-[a-f0-9]{64})`+end, 3, "sk-or-"),
		ml("groq-api-key", "Groq API key", Token, "Groq", "LLM calls billed to the Groq account",
			`\b(gsk_[A-Za-z0-9]{52})`+end, 3, "gsk_"),
		ml("mistral-api-key", "Mistral AI API key", Token, "Mistral AI", "LLM calls billed to the Mistral account",
			`(?i)mistral[^\n]{0,60}?[\s'"=:(]([A-Za-z0-9]{32})`+end, 3.5, "mistral"),
		ml("together-api-key", "Together AI API key", Token, "Together AI", "LLM calls and fine-tuning billed to the Together account",
			`\b(tgp_v1_[A-Za-z0-9_-]{43})`+end, 3, "tgp_v1_"),
		ml("together-api-key-hex", "Together AI API key", Token, "Together AI", "LLM calls and fine-tuning billed to the Together account",
			`(?i)together[^\n]{0,60}?[\s'"=:(]([a-f0-9]{64})`+end, 3, "together"),
		ml("pinecone-api-key", "Pinecone API key", Token, "Pinecone", "the Pinecone project's vector indexes (read, write, delete)",
			`\b(pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,90})`+end, 3, "pcsk_"),
		ml("pinecone-api-key-uuid", "Pinecone API key", Token, "Pinecone", "the Pinecone project's vector indexes (read, write, delete)",
			`(?i)pinecone[^\n]{0,60}?[\s'"=:(]([a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})`+end, 3, "pinecone"),
		ml("kaggle-api-key", "Kaggle API key", Token, "Kaggle", "the Kaggle account: its datasets, models and competitions",
			`(?i)kaggle[\w.]*?key["'\]]*[ \t]*[:=][ \t]*["']?([a-f0-9]{32})`+end, 3, "kaggle"),
		ml("kaggle-json", "Kaggle API key in kaggle.json", Token, "Kaggle", "the Kaggle account: its datasets, models and competitions",
			`"key"[ \t]*:[ \t]*"([a-f0-9]{32})"`, 3, `"key"`),
		ml("comet-api-key", "Comet ML API key", Token, "Comet", "the Comet workspace's experiments, artifacts and model registry",
			`(?i)comet[^\n]{0,60}?[\s'"=:(]([A-Za-z0-9]{25})`+end, 3.5, "comet"),
		ml("neptune-api-token", "Neptune API token", Token, "Neptune", "the Neptune workspace's runs and model registry",
			`\b(eyJhcGlfYWRkcmVzcyI6[A-Za-z0-9+/=_-]{40,})`, 3, "eyjhcglfywrkcmvzcyi6"),
		ml("clearml-secret-key", "ClearML API secret key", Token, "ClearML", "the ClearML server's experiments, datasets and models",
			`(?i)clearml_api_secret_key["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9_-]{30,})`+end, 3, "clearml_api_secret_key"),
		ml("clearml-conf", "ClearML API secret key in clearml.conf", Token, "ClearML", "the ClearML server's experiments, datasets and models",
			`(?i)"?secret_key"?[ \t]*[:=][ \t]*"?([A-Za-z0-9_-]{30,})`+end, 3, "secret_key"),
		ml("mlflow-tracking-credential", "MLflow tracking server password or token", Token, "MLflow",
			"the MLflow tracking server: experiments, artifacts and the model registry",
			`(?i)mlflow_tracking_(?:password|token)["']?[ \t]*[:=,][ \t]*["']?([^\s"'$]{6,})`+end, 0, "mlflow_tracking_"),
		ml("databricks-token", "Databricks personal access token", Token, "Databricks",
			"the Databricks workspace: notebooks, jobs, clusters, Unity Catalog data and models",
			`\b(dapi[a-f0-9]{32}(?:-\d)?)`+end, 3, "dapi"),
		ml("aws-secret-access-key", "AWS secret access key", Cloud, "AWS",
			"the AWS account as the key's IAM user: S3 training data and model buckets, SageMaker",
			`(?i)(?:secret_access_key|secretaccesskey|aws_secret_key|["']secret["'])["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`, 3.5,
			"secret_access_key", "secretaccesskey", "aws_secret_key", `secret"`, "secret'"),
		ml("azure-storage-account-key", "Azure storage account key", Cloud, "Azure",
			"every container of the Azure storage account (read, write, delete)",
			`(?i)accountkey=([A-Za-z0-9+/]{86}==)`, 4, "accountkey="),
		ml("gcp-service-account-key", "Google Cloud service account key", Cloud, "Google Cloud",
			"Google Cloud as the service account: GCS buckets, Vertex AI, BigQuery",
			`"private_key_id"[ \t]*:[ \t]*"([a-f0-9]{40})"`, 3, "private_key_id"),
		ml("private-key-block", "PEM or OpenSSH private key", PrivateKey, "private key",
			"whatever trusts the key: SSH hosts and Git remotes, TLS identities, signing",
			`(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.-]|\\[nr]){40,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)`, 0, "-----begin"),
		ml("url-password", "password in a URL", URLPassword, "URL",
			"the service the URL points at (database, broker, tracking server, package index)",
			`(?i)\b((?:[a-z][a-z0-9]*\+)?(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|clickhouse|cockroachdb|snowflake|kafka|nats|ftps?|sftp|https?|s3|mlflow|databricks)(?:\+[a-z0-9]+)?://[^\s:@/'"<>{}$]{0,64}:([^\s@/'"<>]{1,128})@[^\s'"<>]+)`, 0, "://"),
		ml("framework-secret-key", "Flask or Django secret key", Password, "web framework",
			"signing of the application's sessions and tokens: forged logins, and code execution where sessions are pickled",
			`(\bSECRET_KEY|\bsecret_key|\bJWT_SECRET(?:_KEY)?)\b["'\]]*[ \t]*[:=][ \t]*[rbf]?["']([^"'\s]{8,})["']`, 0, "secret_key", "jwt_secret"),
		ml("hardcoded-password", "password assigned in code or configuration", Password, "password",
			"the account or service the password protects",
			`(?i)\b([\w.-]*(?:password|passwd|pwd)[\w-]*)["'\]]*[ \t]*(?:=|:|:=|=>)[ \t]*[rbf]?["']([^"'\s$\\]{4,})["']`, 0, "password", "passwd", "pwd"),
		ml("password-unquoted", "password assigned in configuration", Password, "password",
			"the account or service the password protects",
			`(?im)^[ \t-]*(?:export[ \t]+)?["']?([\w.-]*(?:password|passwd))["']?[ \t]*[:=][ \t]*([^\s"'#$\\{}<>|,]{4,})[ \t]*(?:[ \t]#[^\n]*)?$`, 0, "password", "passwd"),
		ml("chpasswd", "password set with chpasswd in user data", Password, "password",
			"a login on the instance the user data provisions",
			`(?i)echo\s+["']?[\w.-]+:([^\s'"|:]{4,})["']?\s*\|\s*(?:sudo\s+)?chpasswd`, 0, "chpasswd"),
	}
	for _, r := range rs {
		finish(r, nil)
	}
	// A kaggle.json key alone is a 32-hex value under "key": only in the
	// file Kaggle's client reads.
	for _, r := range rs {
		switch r.RuleID {
		case "kaggle-json":
			r.Path = regexp.MustCompile(`(?i)(?:^|/)kaggle\.json$`)
		case "url-password", "framework-secret-key", "hardcoded-password", "password-unquoted":
			r.SecretGroup = 2 // group 1 is the name (or the URL) the analyzer judges it by
		case "clearml-conf":
			r.Path = regexp.MustCompile(`(?i)(?:^|/)clearml\.conf$`)
		}
	}
	return rs
}
