package code

import (
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// Rules lists every rule of the code analyzer.
var Rules = []*rule.Rule{
	rules.PickleLoad, rules.JoblibLoad, rules.TorchLoadUnsafe, rules.NumpyAllowPickle, rules.PandasReadPickle,
	rules.KerasUnsafeLoad, rules.YAMLUnsafeLoad, rules.TrustRemoteCode, rules.TorchHubLoad, rules.FromPretrainedPickle,
	rules.ModelCodeLoad, rules.UnsafeDeserialization, rules.ArchiveExtract, rules.NativeLibraryLoad, rules.HFDownloadUnpinned, rules.EvalArtifact,
	// Shell commands of notebooks ("!pip install --extra-index-url …", "!curl … | sh").
	rules.RemoteCodeExec, rules.ExtraIndexURL, rules.InsecureIndex, rules.UnpinnedMLPackage,
}
