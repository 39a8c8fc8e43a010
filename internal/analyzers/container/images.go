package container

import (
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/deps"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// imageRef is an image reference as far as pinning goes.
type imageRef struct {
	ref    string // as written, after ARG substitution
	repo   string // lower case, without docker.io/ and library/: "python", "pytorch/pytorch", "ghcr.io/mlflow/mlflow"
	tag    string // "" when none
	digest bool
}

func parseImage(ref string) imageRef {
	r := imageRef{ref: ref}
	name, _, hasDigest := strings.Cut(ref, "@")
	r.digest = hasDigest
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name, r.tag = name[:i], name[i+1:]
	}
	name = strings.ToLower(name)
	name = strings.TrimPrefix(name, "docker.io/")
	name = strings.TrimPrefix(name, "index.docker.io/")
	r.repo = strings.TrimPrefix(name, "library/")
	return r
}

// moving reports a reference that names no digest and no fixed tag: what
// it pulls changes with every push to the repository.
func (r imageRef) moving() bool { return !r.digest && (r.tag == "" || r.tag == "latest") }

func (r imageRef) tagText() string {
	if r.tag == "" {
		return "no tag, so latest"
	}
	return ":" + r.tag
}

// mlBaseImages are repositories that only exist to train or serve models;
// a moving tag on one of them changes the framework, CUDA stack or model
// server of the next build without any change to the repository.
var mlBaseImages = []struct{ prefix, what string }{
	{"pytorch/torchserve", "the TorchServe model server image"},
	{"pytorch/pytorch", "the PyTorch training and inference image"},
	{"tensorflow/serving", "the TensorFlow Serving model server image"},
	{"tensorflow/tensorflow", "the TensorFlow training and inference image"},
	{"nvcr.io/nvidia/tritonserver", "the Triton inference server image"},
	{"nvcr.io/nvidia/pytorch", "NVIDIA's PyTorch training image"},
	{"nvcr.io/nvidia/tensorflow", "NVIDIA's TensorFlow training image"},
	{"nvcr.io/nvidia/nemo", "NVIDIA's NeMo training image"},
	{"nvidia/cuda", "the CUDA base image of GPU training and serving"},
	{"huggingface/transformers-", "a Hugging Face Transformers image"},
	{"ghcr.io/huggingface/text-generation-inference", "Hugging Face's text-generation model server image"},
	{"ghcr.io/huggingface/text-embeddings-inference", "Hugging Face's embedding model server image"},
	{"vllm/vllm-openai", "the vLLM model server image"},
	{"rayproject/ray", "the Ray training and serving image"},
	{"ghcr.io/mlflow/mlflow", "the MLflow image"},
	{"seldonio/", "a Seldon model server image"},
	{"kserve/", "a KServe model server image"},
	{"bentoml/", "a BentoML model server image"},
	{"ollama/ollama", "the Ollama model server image"},
}

// mlBase says what an ML base image is, "" for any other image.
func mlBase(r imageRef) string {
	for _, b := range mlBaseImages {
		if strings.HasPrefix(r.repo, b.prefix) {
			return b.what
		}
	}
	return ""
}

// mlStarters are command fragments that start a model server or a
// training job, beyond those mlcmd judges for exposure.
var mlStarters = []struct{ fragment, what string }{
	{"mlflow models serve", "an MLflow model server"},
	{"mlflow server", "an MLflow tracking server"},
	{"mlflow ui", "an MLflow tracking server"},
	{"ray start", "a Ray cluster"},
	{"serve run", "a Ray Serve application"},
	{"torchserve", "a TorchServe model server"},
	{"tritonserver", "a Triton inference server"},
	{"tensorflow_model_server", "a TensorFlow Serving model server"},
	{"vllm serve", "a vLLM model server"},
	{"vllm.entrypoints", "a vLLM model server"},
	{"text-generation-launcher", "a text-generation model server"},
	{"bentoml serve", "a BentoML model server"},
	{"torchrun", "a distributed training job"},
	{"torch.distributed.run", "a distributed training job"},
	{"accelerate launch", "a training job"},
	{"deepspeed ", "a DeepSpeed training job"},
}

// mlCommand says what ML server or training job a command line starts, ""
// when it starts none this package knows. words is argv, or a shell
// command as one word.
func mlCommand(words []string) string {
	cmd := strings.ToLower(strings.Join(words, " "))
	for _, s := range mlStarters {
		if strings.Contains(cmd, s.fragment) {
			return s.what
		}
	}
	// mlcmd recognises more servers (Jupyter, TensorBoard) but only says
	// so when they are misconfigured; a match is still a server.
	if len(words) == 1 && len(mlcmd.CheckShell(words[0])) > 0 || len(words) > 1 && len(mlcmd.Check(words)) > 0 {
		return "an ML server"
	}
	return ""
}

// imageAsset records the image asset met at loc and returns its ID, "" when
// the reference is not one (an unresolved ${VAR}).
func imageAsset(p *analysis.Pass, ref string, loc finding.Location) string {
	a, ok := asset.Image(ref)
	if !ok {
		return ""
	}
	a.Locations = []finding.Location{loc}
	p.AddAsset(a)
	return a.ID
}

// indexAsset records the package index a pip setting or option names, as
// the deps analyzer names it, and returns its ID ("" when val is no URL,
// such as ${PIP_INDEX}).
func indexAsset(p *analysis.Pass, val, role string, loc finding.Location) string {
	a, ok := deps.IndexAsset(val)
	if !ok {
		return ""
	}
	a.Locations = []finding.Location{loc}
	a.Attrs = map[string]string{"role": role}
	p.AddAsset(a)
	return a.ID
}

// pinSite is one place an image not pinned by digest is used.
type pinSite struct {
	loc      finding.Location
	evidence string
	message  string // the finding's message when this site is the first
	related  string // the related location's message otherwise
	role     string // what the image is for when it trains or serves models, else ""
}

type pinUse struct {
	img   imageRef
	id    string // asset ID, "" when the reference is no image asset
	sites []pinSite
}

// pins gathers a file's images without a digest so that one image used in
// several places (FROM lines, compose services) is one finding, with the
// other places as related locations: a compose file of twenty services on
// one :latest image is one thing to fix, not twenty.
type pins struct {
	order []string
	by    map[string]*pinUse
}

func (ps *pins) add(img imageRef, id string, s pinSite) {
	if img.digest || img.repo == "" || img.repo == "scratch" {
		return
	}
	key := id
	if key == "" {
		key = img.ref
	}
	if ps.by == nil {
		ps.by = map[string]*pinUse{}
	}
	u := ps.by[key]
	if u == nil {
		u = &pinUse{img: img, id: id}
		ps.by[key] = u
		ps.order = append(ps.order, key)
	}
	u.sites = append(u.sites, s)
}

// maxRelated bounds the related locations of one folded finding.
const maxRelated = 20

// report reports each image once. The rule's default is low: a tag is
// mutable, but a fixed tag is rarely moved. A moving tag (latest or none)
// on an image that trains or serves models is raised to medium.
func (ps *pins) report(p *analysis.Pass) {
	for _, key := range ps.order {
		u := ps.by[key]
		first := u.sites[0]
		d := analysis.Diagnostic{Rule: rules.ImageNotPinned, Location: first.loc, Evidence: first.evidence, Message: first.message}
		if u.id != "" {
			d.Assets = []string{u.id}
		}
		role := ""
		for i, s := range u.sites {
			if role == "" {
				role = s.role
			}
			if i > 0 && i <= maxRelated {
				d.Related = append(d.Related, finding.Related{Location: s.loc, Message: s.related})
			}
		}
		if n := len(u.sites); n > 1 {
			d.Message += fmt.Sprintf(" (used in %d places)", n)
		}
		if u.img.moving() && role != "" {
			d.Severity = rule.Medium
			d.SeverityReason = fmt.Sprintf("a moving tag on %s: the next pull trains or serves with whatever was pushed last", role)
		}
		p.Report(d)
	}
}
