package pickle

import (
	"strings"
	"sync"
)

// Policy decides which globals are fine. The zero value allows nothing.
//
// The policy is default-deny: a global is allowed only by exact "module.name"
// or by a "module.*" entry for exactly that module (not its submodules).
// Globals on the dangerous list are reported whatever the policy says.
type Policy struct {
	exact   map[string]bool
	modules map[string]bool
}

// NewPolicy returns the default-deny policy allowing the union of the profiles' allowlists.
// Unknown profile names add nothing.
func NewPolicy(profiles ...Profile) *Policy {
	p := &Policy{}
	for _, prof := range profiles {
		p.Allow(profileAllow[prof]...)
		p.Allow(genAllow[prof]...) // derived from the frameworks' modules (allow_gen.go)
	}
	return p
}

// allProfiles is the policy used when Options.Policy is nil.
var allProfiles = []Profile{ProfileBuiltins, ProfileTorch, ProfileNumPy, ProfileSklearn}

// defaultPolicy is NewPolicy(allProfiles...), built once: with the derived
// allowlists it holds about a thousand names, too many to rebuild per scan.
// The scanner only reads it.
var defaultPolicy = sync.OnceValue(func() *Policy { return NewPolicy(allProfiles...) })

// Allow adds user allowlist entries "module.name" (exact) or "module.*" (every name in exactly that module).
// Entries without a dot are ignored.
func (p *Policy) Allow(entries ...string) {
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if !strings.Contains(e, ".") {
			continue
		}
		if m, ok := strings.CutSuffix(e, ".*"); ok {
			if p.modules == nil {
				p.modules = map[string]bool{}
			}
			p.modules[m] = true
			continue
		}
		if p.exact == nil {
			p.exact = map[string]bool{}
		}
		p.exact[e] = true
	}
}

// allows reports whether module.name is on the allowlist.
func (p *Policy) allows(module, qual string) bool {
	if p == nil {
		return false
	}
	return p.exact[qual] || p.modules[module]
}

// profileAllow lists, per profile, the globals that the framework's own
// save functions emit for plain data. Each entry is exact.
var profileAllow = map[Profile][]string{
	ProfileBuiltins: {
		"builtins.set", "builtins.frozenset", "builtins.bytearray", "builtins.bytes",
		"builtins.complex", "builtins.slice", "builtins.range", "builtins.list",
		"builtins.dict", "builtins.tuple", "builtins.int", "builtins.float",
		"builtins.str", "builtins.bool", "builtins.object", "builtins.Ellipsis",
		"builtins.NotImplemented",
		"collections.OrderedDict", "collections.defaultdict", "collections.Counter",
		"collections.deque",
		"copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__",
		"_codecs.encode",
		"datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta",
		"datetime.timezone", "decimal.Decimal", "fractions.Fraction", "uuid.UUID",
		"array.array", "array._array_reconstructor", "re._compile", "enum.Enum",
		"argparse.Namespace", "types.SimpleNamespace",
		"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath",
		"pathlib.PurePath", "pathlib.PurePosixPath", "pathlib.PureWindowsPath",
	},
	ProfileTorch: {
		"torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
		"torch._utils._rebuild_tensor_v3", "torch._utils._rebuild_parameter",
		"torch._utils._rebuild_parameter_with_state", "torch._utils._rebuild_qtensor",
		"torch._utils._rebuild_sparse_tensor", "torch._utils._rebuild_nested_tensor",
		"torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_wrapper_subclass",
		"torch._utils._rebuild_device_tensor_from_numpy", "torch._utils._rebuild_device_tensor_from_cpu_tensor",
		"torch._tensor._rebuild_from_type_v2", "torch._utils._rebuild_from_type_v2",
		// TorchScript archives (torch.jit.save) rebuild their constants with
		// these; each returns its argument or a list of it.
		"torch.jit._pickle.build_intlist", "torch.jit._pickle.build_tensorlist", "torch.jit._pickle.build_doublelist",
		"torch.jit._pickle.build_boollist", "torch.jit._pickle.build_tensor_from_id", "torch.jit._pickle.restore_type_tag",
		"torch.nn.parameter.Parameter", "torch.nn.parameter.Buffer",
		"torch.Size", "torch.device", "torch.Tensor", "torch.serialization._get_layout",
		"torch.storage.UntypedStorage", "torch.storage.TypedStorage", "torch.storage._StorageBase",
		"torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage",
		"torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage",
		"torch.ByteStorage", "torch.BoolStorage", "torch.ComplexFloatStorage",
		"torch.ComplexDoubleStorage", "torch.QUInt8Storage", "torch.QInt8Storage",
		"torch.QInt32Storage", "torch.QUInt4x2Storage", "torch.QUInt2x4Storage",
		"torch.float32", "torch.float", "torch.float64", "torch.double", "torch.float16",
		"torch.half", "torch.bfloat16", "torch.int64", "torch.long", "torch.int32",
		"torch.int", "torch.int16", "torch.short", "torch.int8", "torch.uint8",
		"torch.bool", "torch.complex64", "torch.complex128", "torch.cfloat", "torch.cdouble",
		"torch.float8_e4m3fn", "torch.float8_e5m2", "torch.uint16", "torch.uint32", "torch.uint64",
		"torch.qint8", "torch.quint8", "torch.qint32", "torch.quint4x2",
		"torch.strided", "torch.sparse_coo", "torch.sparse_csr", "torch.sparse_csc",
		"torch.sparse_bsr", "torch.sparse_bsc", "torch._mkldnn",
		"torch.contiguous_format", "torch.channels_last", "torch.channels_last_3d",
		"torch.preserve_format",
		"torch.per_tensor_affine", "torch.per_channel_affine",
		"torch.per_tensor_symmetric", "torch.per_channel_symmetric",
		"torch.per_channel_affine_float_qparams",
		"collections.OrderedDict",
	},
	ProfileNumPy: {
		"numpy.core.multiarray._reconstruct", "numpy.core.multiarray.scalar",
		"numpy._core.multiarray._reconstruct", "numpy._core.multiarray.scalar",
		"numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
		"numpy.ndarray", "numpy.dtype", "numpy.matrix", "numpy.core.defmatrix.matrix",
		"numpy.matrixlib.defmatrix.matrix", "numpy.ma.core._mareconstruct",
		"numpy.ma.core.MaskedArray", "numpy.random._pickle.__randomstate_ctor",
		"numpy.random._pickle.__bit_generator_ctor", "numpy.random._pickle.__generator_ctor",
		"numpy.random._pickle.__bit_generator_ctor",
		"numpy.dtypes.BoolDType", "numpy.dtypes.Int8DType", "numpy.dtypes.UInt8DType",
		"numpy.dtypes.Int16DType", "numpy.dtypes.UInt16DType", "numpy.dtypes.Int32DType",
		"numpy.dtypes.UInt32DType", "numpy.dtypes.Int64DType", "numpy.dtypes.UInt64DType",
		"numpy.dtypes.Float16DType", "numpy.dtypes.Float32DType", "numpy.dtypes.Float64DType",
		"numpy.dtypes.LongDType", "numpy.dtypes.ULongDType", "numpy.dtypes.LongLongDType",
		"numpy.dtypes.ULongLongDType", "numpy.dtypes.LongDoubleDType",
		"numpy.dtypes.Complex64DType", "numpy.dtypes.Complex128DType",
		"numpy.dtypes.StrDType", "numpy.dtypes.BytesDType", "numpy.dtypes.VoidDType",
		"numpy.dtypes.DateTime64DType", "numpy.dtypes.TimeDelta64DType",
		"numpy.dtypes.StringDType",
		// Scalar types, pickled as classes when an estimator keeps a dtype
		// parameter (OneHotEncoder(dtype=np.float64)); generated from
		// numpy.sctypeDict (NumPy 1.24, Debian), plus NumPy 2's numpy.bool.
		"numpy.bool_", "numpy.bool", "numpy.bytes_", "numpy.complex128", "numpy.complex256", "numpy.complex64",
		"numpy.datetime64", "numpy.float128", "numpy.float16", "numpy.float32", "numpy.float64",
		"numpy.int16", "numpy.int32", "numpy.int64", "numpy.int8", "numpy.longlong", "numpy.object_",
		"numpy.str_", "numpy.timedelta64", "numpy.uint16", "numpy.uint32", "numpy.uint64", "numpy.uint8",
		"numpy.ulonglong", "numpy.void",
	},
	ProfileSklearn: {
		"joblib.numpy_pickle.NumpyArrayWrapper", "joblib.numpy_pickle_compat.NDArrayWrapper",
		// The same wrappers as written by joblib before 0.10.
		"joblib.numpy_pickle.NDArrayWrapper", "joblib.numpy_pickle.ZNDArrayWrapper", "joblib.numpy_pickle_compat.ZNDArrayWrapper",
		"sklearn.linear_model._logistic.LogisticRegression", "sklearn.linear_model._base.LinearRegression",
		"sklearn.linear_model._ridge.Ridge", "sklearn.linear_model._coordinate_descent.Lasso",
		"sklearn.linear_model._stochastic_gradient.SGDClassifier",
		"sklearn.ensemble._forest.RandomForestClassifier", "sklearn.ensemble._forest.RandomForestRegressor",
		"sklearn.ensemble._forest.ExtraTreesClassifier", "sklearn.ensemble._forest.ExtraTreesRegressor",
		"sklearn.ensemble._gb.GradientBoostingClassifier", "sklearn.ensemble._gb.GradientBoostingRegressor",
		"sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
		"sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor",
		"sklearn.ensemble._weight_boosting.AdaBoostClassifier",
		"sklearn.tree._classes.DecisionTreeClassifier", "sklearn.tree._classes.DecisionTreeRegressor",
		"sklearn.tree._classes.ExtraTreeClassifier", "sklearn.tree._classes.ExtraTreeRegressor",
		"sklearn.tree._tree.Tree",
		"sklearn.svm._classes.SVC", "sklearn.svm._classes.SVR", "sklearn.svm._classes.LinearSVC",
		"sklearn.neighbors._classification.KNeighborsClassifier",
		"sklearn.neighbors._regression.KNeighborsRegressor",
		"sklearn.cluster._kmeans.KMeans", "sklearn.decomposition._pca.PCA",
		"sklearn.decomposition._truncated_svd.TruncatedSVD",
		"sklearn.naive_bayes.GaussianNB", "sklearn.naive_bayes.MultinomialNB",
		"sklearn.preprocessing._data.StandardScaler", "sklearn.preprocessing._data.MinMaxScaler",
		"sklearn.preprocessing._data.RobustScaler", "sklearn.preprocessing._label.LabelEncoder",
		"sklearn.preprocessing._encoders.OneHotEncoder", "sklearn.preprocessing._encoders.OrdinalEncoder",
		"sklearn.impute._base.SimpleImputer",
		"sklearn.feature_extraction.text.TfidfVectorizer", "sklearn.feature_extraction.text.CountVectorizer",
		"sklearn.feature_extraction.text.TfidfTransformer",
		"sklearn.pipeline.Pipeline", "sklearn.compose._column_transformer.ColumnTransformer",
		"sklearn.model_selection._search.GridSearchCV",
		// Internal helpers the estimators above pickle, listed from the
		// modules themselves (the classes each module defines, scikit-learn
		// 1.2, Debian python3-sklearn); checked against real joblib dumps of
		// a HistGradientBoostingClassifier and a Pipeline. Cython classes
		// come with their generated __pyx_unpickle_X (see pyxUnpickleOf).
		"sklearn._loss._loss.CyLossFunction", "sklearn._loss._loss.CyHalfSquaredError",
		"sklearn._loss._loss.CyAbsoluteError", "sklearn._loss._loss.CyPinballLoss",
		"sklearn._loss._loss.CyHalfPoissonLoss", "sklearn._loss._loss.CyHalfGammaLoss",
		"sklearn._loss._loss.CyHalfTweedieLoss", "sklearn._loss._loss.CyHalfTweedieLossIdentity",
		"sklearn._loss._loss.CyHalfBinomialLoss", "sklearn._loss._loss.CyHalfMultinomialLoss",
		"sklearn._loss.loss.HalfSquaredError", "sklearn._loss.loss.AbsoluteError",
		"sklearn._loss.loss.PinballLoss", "sklearn._loss.loss.HalfPoissonLoss",
		"sklearn._loss.loss.HalfGammaLoss", "sklearn._loss.loss.HalfTweedieLoss",
		"sklearn._loss.loss.HalfTweedieLossIdentity", "sklearn._loss.loss.HalfBinomialLoss",
		"sklearn._loss.loss.HalfMultinomialLoss",
		"sklearn._loss.link.Interval", "sklearn._loss.link.IdentityLink", "sklearn._loss.link.LogLink",
		"sklearn._loss.link.LogitLink", "sklearn._loss.link.MultinomialLogit",
		"sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
		"sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
	},
}
