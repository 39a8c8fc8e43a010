package pickle

import (
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
)

// danger says how bad importing a global is and why, in a few words that
// complete "it ...".
type danger struct {
	sev rule.Severity
	why string
}

// Reasons shared by many entries.
const (
	whyExec    = "runs arbitrary code"
	whyShell   = "runs operating-system commands or changes files and processes"
	whyImport  = "imports arbitrary modules"
	whyNested  = "deserialises a second, unscanned payload that can run code"
	whyInstall = "installs packages, which runs their setup code"
	whyDebug   = "executes code given as a string"
	whyNative  = "calls native code directly"
	whyNet     = "opens network connections (exfiltration or payload download)"
	whyFile    = "reads, writes or deletes files"
	whyAttr    = "resolves attributes by name, the building block of gadget chains"
	whyProc    = "starts threads or processes that run a given callable"
	whyCode    = "builds code or function objects from raw data"
	whyEnv     = "changes interpreter-wide state"
)

// dangerous is the severity-tiered list of globals, looked up exactly by
// canonical "module.qualname". A key "module.*" covers every name in that
// module and in its submodules, except the modules listed in safeModules.
// A dotted key also covers longer attribute paths below it
// ("bdb.Bdb.run" covers "bdb.Bdb.run.__call__").
var dangerous = map[string]danger{
	// Code execution in the interpreter.
	"builtins.eval":               {rule.Critical, "evaluates a Python expression"},
	"builtins.exec":               {rule.Critical, "executes Python source"},
	"builtins.execfile":           {rule.Critical, "executes a Python file"},
	"builtins.compile":            {rule.Critical, "compiles Python source into a code object"},
	"builtins.__import__":         {rule.Critical, whyImport},
	"builtins.apply":              {rule.Critical, "calls any callable with given arguments"},
	"builtins.input":              {rule.High, "evaluates console input on Python 2 and blocks the loader"},
	"builtins.breakpoint":         {rule.High, "starts a debugger that executes commands"},
	"builtins.open":               {rule.High, whyFile},
	"builtins.file":               {rule.High, whyFile},
	"builtins.getattr":            {rule.High, whyAttr},
	"builtins.setattr":            {rule.High, "overwrites attributes of any object, including modules"},
	"builtins.delattr":            {rule.High, "deletes attributes of any object, including modules"},
	"builtins.vars":               {rule.High, "exposes the namespace of any object"},
	"builtins.globals":            {rule.High, "exposes the module namespace"},
	"builtins.locals":             {rule.High, "exposes the caller's namespace"},
	"builtins.exit":               {rule.High, "terminates the loading process"},
	"builtins.quit":               {rule.High, "terminates the loading process"},
	"types.CodeType":              {rule.Critical, whyCode},
	"types.FunctionType":          {rule.Critical, whyCode},
	"types.LambdaType":            {rule.Critical, whyCode},
	"types.MethodType":            {rule.High, "binds any function to an object"},
	"types.new_class":             {rule.High, "creates classes dynamically"},
	"code.*":                      {rule.Critical, whyDebug},
	"codeop.*":                    {rule.Critical, "compiles Python source"},
	"runpy.*":                     {rule.Critical, "runs a module or script"},
	"importlib.*":                 {rule.Critical, whyImport},
	"pkgutil.resolve_name":        {rule.Critical, whyImport},
	"pkgutil.get_loader":          {rule.Critical, whyImport},
	"pkgutil.find_loader":         {rule.Critical, whyImport},
	"pkgutil.ImpImporter":         {rule.Critical, whyImport},
	"zipimport.*":                 {rule.Critical, whyImport},
	"_interpreters.*":             {rule.Critical, "runs source code in a sub-interpreter"},
	"concurrent.interpreters.*":   {rule.Critical, "runs source code in a sub-interpreter"},
	"interpreters.*":              {rule.Critical, "runs source code in a sub-interpreter"},
	"operator.attrgetter":         {rule.High, whyAttr},
	"operator.methodcaller":       {rule.High, "calls a method chosen by name"},
	"operator.itemgetter":         {rule.High, whyAttr},
	"operator.call":               {rule.High, "calls any callable"},
	"functools.reduce":            {rule.High, "calls a callable repeatedly"},
	"sys.*":                       {rule.High, whyEnv},
	"gc.get_objects":              {rule.High, "reaches every live object"},
	"gc.get_referrers":            {rule.High, "reaches every live object"},
	"inspect.getmodule":           {rule.High, whyImport},
	"site.*":                      {rule.High, "executes .pth files and customisation modules"},
	"builtins.help":               {rule.Critical, "imports the module it is asked about and runs a pager"},
	"_pyrepl.*":                   {rule.Critical, "pipes text through a shell command"},
	"test.support.*":              {rule.Critical, "runs Python subprocesses and imports modules"},
	"unittest.main":               {rule.High, whyImport},
	"unittest.TestProgram":        {rule.High, whyImport},
	"tkinter.Tcl":                 {rule.High, "embeds a Tcl interpreter, which runs shell commands"},
	"tkinter.Tk":                  {rule.High, "embeds a Tcl interpreter, which runs shell commands"},
	"_tkinter.*":                  {rule.High, "embeds a Tcl interpreter, which runs shell commands"},
	"antigravity.*":               {rule.Medium, "launches a web browser when imported"},
	"copyreg.add_extension":       {rule.High, "registers an extension code, so a later EXT opcode imports a global by number"},
	"copyreg.remove_extension":    {rule.High, whyEnv},
	"copyreg._extension_registry": {rule.High, whyEnv},
	"copyreg._inverted_registry":  {rule.High, whyEnv},
	"copyreg._extension_cache":    {rule.High, whyEnv},
	"copyreg.dispatch_table":      {rule.High, whyEnv},
	"linecache.updatecache":       {rule.Medium, whyFile},

	// Operating-system commands, processes and file effects.
	"os.*":                            {rule.Critical, whyShell},
	"subprocess.*":                    {rule.Critical, "runs operating-system commands"},
	"_posixsubprocess.*":              {rule.Critical, "forks and executes a program"},
	"_winapi.*":                       {rule.Critical, "creates Windows processes"},
	"pty.*":                           {rule.Critical, "spawns a program on a pseudo-terminal"},
	"shutil.*":                        {rule.High, whyFile},
	"tempfile.*":                      {rule.Medium, whyFile},
	"io.open":                         {rule.High, whyFile},
	"io.FileIO":                       {rule.High, whyFile},
	"io.open_code":                    {rule.High, whyFile},
	"codecs.open":                     {rule.High, whyFile},
	"pathlib.Path.write_text":         {rule.High, whyFile},
	"pathlib.Path.write_bytes":        {rule.High, whyFile},
	"pathlib.Path.unlink":             {rule.High, whyFile},
	"pathlib.Path.rmdir":              {rule.High, whyFile},
	"pathlib.Path.open":               {rule.High, whyFile},
	"pathlib.Path.rename":             {rule.High, whyFile},
	"pathlib.Path.replace":            {rule.High, whyFile},
	"pathlib.Path.chmod":              {rule.High, whyFile},
	"pathlib.Path.touch":              {rule.High, whyFile},
	"pathlib.Path.mkdir":              {rule.High, whyFile},
	"pathlib.Path.symlink_to":         {rule.High, whyFile},
	"pathlib.Path.hardlink_to":        {rule.High, whyFile},
	"pathlib.PosixPath.write_text":    {rule.High, whyFile},
	"pathlib.PosixPath.write_bytes":   {rule.High, whyFile},
	"pathlib.PosixPath.unlink":        {rule.High, whyFile},
	"pathlib.PosixPath.open":          {rule.High, whyFile},
	"tarfile.*":                       {rule.High, whyFile},
	"zipfile.*":                       {rule.High, whyFile},
	"gzip.open":                       {rule.High, whyFile},
	"gzip.GzipFile":                   {rule.High, whyFile},
	"bz2.open":                        {rule.High, whyFile},
	"bz2.BZ2File":                     {rule.High, whyFile},
	"lzma.open":                       {rule.High, whyFile},
	"lzma.LZMAFile":                   {rule.High, whyFile},
	"fileinput.*":                     {rule.High, whyFile},
	"sqlite3.*":                       {rule.High, whyFile},
	"dbm.*":                           {rule.High, whyFile},
	"logging.FileHandler":             {rule.High, whyFile},
	"logging.basicConfig":             {rule.High, whyFile},
	"logging.handlers.*":              {rule.High, "writes files, sends mail or opens network connections"},
	"signal.*":                        {rule.High, "changes signal handlers or signals processes"},
	"threading.*":                     {rule.High, whyProc},
	"multiprocessing.*":               {rule.Critical, whyProc},
	"concurrent.futures.*":            {rule.High, whyProc},
	"asyncio.*":                       {rule.High, "runs coroutines and subprocesses"},
	"asyncio.subprocess.*":            {rule.Critical, "runs operating-system commands"},
	"asyncio.create_subprocess_shell": {rule.Critical, "runs operating-system commands"},
	"asyncio.create_subprocess_exec":  {rule.Critical, "runs operating-system commands"},
	"uuid._get_command_stdout":        {rule.Critical, "runs an operating-system command"},
	"uuid._popen":                     {rule.Critical, "runs an operating-system command"},
	"platform.popen":                  {rule.Critical, "runs an operating-system command"},
	"platform._syscmd_ver":            {rule.Critical, "runs an operating-system command"},
	"platform._syscmd_file":           {rule.Critical, "runs an operating-system command"},
	"_osx_support._read_output":       {rule.Critical, "runs an operating-system command"},
	"_osx_support._find_build_tool":   {rule.Critical, "runs an operating-system command"},
	"_aix_support._read_cmd_output":   {rule.Critical, "runs an operating-system command"},
	"ctypes.*":                        {rule.Critical, whyNative},
	"cffi.*":                          {rule.Critical, whyNative},
	"mmap.*":                          {rule.High, "maps memory and files"},
	"resource.*":                      {rule.High, whyEnv},
	"winreg.*":                        {rule.High, "changes the Windows registry"},
	"msvcrt.*":                        {rule.High, whyNative},
	"webbrowser.*":                    {rule.Critical, "launches a browser or helper program on a URL"},
	"pydoc.pipepager":                 {rule.Critical, "pipes text through a shell command"},
	"pydoc.tempfilepager":             {rule.Critical, "runs a shell command on a file"},
	"pydoc.locate":                    {rule.Critical, whyImport},
	"pydoc.*":                         {rule.High, "imports modules and runs pagers"},
	"logging.config.*":                {rule.Critical, "imports and calls any callable named in a configuration, or listens for one on a socket"},

	// Nested deserialisers: the inner payload is not scanned.
	"pickle.*":                         {rule.Critical, whyNested},
	"pickletools.*":                    {rule.High, "disassembles or optimises pickles"},
	"marshal.*":                        {rule.Critical, "loads code objects"},
	"shelve.*":                         {rule.Critical, whyNested},
	"dill.*":                           {rule.Critical, whyNested},
	"cloudpickle.*":                    {rule.Critical, whyNested},
	"jsonpickle.*":                     {rule.Critical, whyNested},
	"joblib.load":                      {rule.Critical, whyNested},
	"joblib.numpy_pickle.load":         {rule.Critical, whyNested},
	"yaml.load":                        {rule.Critical, whyNested},
	"yaml.load_all":                    {rule.Critical, whyNested},
	"yaml.unsafe_load":                 {rule.Critical, whyNested},
	"yaml.unsafe_load_all":             {rule.Critical, whyNested},
	"yaml.full_load":                   {rule.Critical, whyNested},
	"yaml.UnsafeLoader":                {rule.Critical, whyNested},
	"torch.load":                       {rule.Critical, whyNested},
	"torch.serialization.load":         {rule.Critical, whyNested},
	"torch.serialization._load":        {rule.Critical, whyNested},
	"torch.serialization._legacy_load": {rule.Critical, whyNested},
	"torch.storage._load_from_bytes":   {rule.High, "calls torch.load on embedded bytes without weights_only"},
	"torch.hub.*":                      {rule.Critical, "downloads and runs repository code"},
	"torch.package.*":                  {rule.Critical, "imports code shipped inside a package archive"},
	"torch.jit.load":                   {rule.High, "loads a TorchScript program"},
	"torch.utils.cpp_extension.*":      {rule.Critical, "compiles and loads native code"},
	"torch._inductor.codecache.*":      {rule.Critical, "compiles and loads generated code"},
	"torch.fx.graph_module.reduce_graph_module":         {rule.High, "executes generated Python source"},
	"torch.fx.graph_module.reduce_package_graph_module": {rule.High, "executes generated Python source"},
	"torch.fx.graph_module._forward_from_src":           {rule.Critical, "executes Python source"},
	"torch._dynamo.*":                        {rule.High, "compiles and runs generated code"},
	"numpy.load":                             {rule.Critical, whyNested},
	"numpy.lib.npyio.load":                   {rule.Critical, whyNested},
	"numpy.lib._npyio_impl.load":             {rule.Critical, whyNested},
	"numpy.lib.format.read_array":            {rule.High, whyNested},
	"numpy.testing._private.utils.runstring": {rule.Critical, whyDebug},
	"numpy.f2py.*":                           {rule.Critical, "compiles and imports native extensions"},
	"numpy.distutils.*":                      {rule.Critical, whyShell},
	"numpy.ctypeslib.*":                      {rule.Critical, whyNative},
	"pandas.read_pickle":                     {rule.Critical, whyNested},
	"pandas.io.pickle.read_pickle":           {rule.Critical, whyNested},
	"pandas.eval":                            {rule.High, "evaluates an expression"},
	"pandas.core.computation.eval.eval":      {rule.High, "evaluates an expression"},
	"keras.models.load_model":                {rule.High, whyNested},
	"tensorflow.keras.models.load_model":     {rule.High, whyNested},

	// Found in review: library helpers that run commands, exec source,
	// unpickle a second payload, or write files (published picklescan bypasses).
	"torch.utils.collect_env.*":                                                 {rule.Critical, "runs operating-system commands"},
	"torch.jit.unsupported_tensor_ops.execWrapper":                              {rule.Critical, "executes Python source"},
	"torch.utils.data.datapipes.utils.decoder.*":                                {rule.Critical, whyNested},
	"torch.utils._config_module.*":                                              {rule.Critical, whyNested},
	"torch._dynamo.config.load_config":                                          {rule.Critical, whyNested},
	"torch._inductor.config.load_config":                                        {rule.Critical, whyNested},
	"torch._functorch.config.load_config":                                       {rule.Critical, whyNested},
	"torch.fx.experimental._config.load_config":                                 {rule.Critical, whyNested},
	"torch._export.config.load_config":                                          {rule.Critical, whyNested},
	"torch.compiler.config.load_config":                                         {rule.Critical, whyNested},
	"torch._inductor.*":                                                         {rule.High, "compiles and runs generated code"},
	"torch.fx.experimental.*":                                                   {rule.High, "compiler internals that evaluate generated code"},
	"torch.fx.experimental.symbolic_shapes.ShapeEnv.evaluate_guards_expression": {rule.Critical, "evaluates a Python expression"},
	"torch.multiprocessing.*":                                                   {rule.Critical, whyProc},
	// Not torch.distributed.* as a whole: sharded and DTensor checkpoints
	// pickle its tensor classes legitimately.
	"torch.distributed.rpc.*":                     {rule.Critical, "runs functions on remote workers over the network"},
	"torch.distributed.elastic.multiprocessing.*": {rule.Critical, whyProc},
	"torch.distributed.run.*":                     {rule.Critical, whyProc},
	"torch.distributed.launch.*":                  {rule.Critical, whyProc},
	"torch.distributed.launcher.*":                {rule.Critical, whyProc},
	"torch.testing._internal.*":                   {rule.Critical, whyShell},
	"torch.utils.bottleneck.*":                    {rule.Critical, whyDebug},
	"torch.utils.benchmark.*":                     {rule.High, whyDebug},
	"torch.utils.model_zoo.*":                     {rule.Critical, "downloads a checkpoint and unpickles it"},
	"torch.ops.load_library":                      {rule.Critical, whyNative},
	"torch.classes.load_library":                  {rule.Critical, whyNative},
	"torch._ops._Ops.load_library":                {rule.Critical, whyNative},
	"torch._classes._Classes.load_library":        {rule.Critical, whyNative},
	"torch.from_file":                             {rule.High, whyFile},
	"torch.storage.UntypedStorage.from_file":      {rule.High, whyFile},
	"torch.UntypedStorage.from_file":              {rule.High, whyFile},
	"torch.save":                                  {rule.High, whyFile},
	"torch.serialization.save":                    {rule.High, whyFile},
	"numpy.testing.*":                             {rule.High, "test helpers that compile, import and run code"},
	"numpy.testing._private.extbuild.*":           {rule.Critical, "compiles and imports native extensions"},
	"numpy.save":                                  {rule.High, whyFile},
	"numpy.savez":                                 {rule.High, whyFile},
	"numpy.savez_compressed":                      {rule.High, whyFile},
	"numpy.savetxt":                               {rule.High, whyFile},
	"numpy.memmap":                                {rule.High, whyFile},
	"numpy.core.memmap.*":                         {rule.High, whyFile},
	"numpy._core.memmap.*":                        {rule.High, whyFile},
	"numpy.fromfile":                              {rule.High, whyFile},
	"numpy.loadtxt":                               {rule.High, "reads files or URLs"},
	"numpy.genfromtxt":                            {rule.High, "reads files or URLs"},
	"numpy.fromregex":                             {rule.High, whyFile},
	"numpy.DataSource":                            {rule.High, whyNet},
	"numpy.lib._datasource.*":                     {rule.High, whyNet},
	"numpy.lib.npyio.*":                           {rule.High, "reads and writes files"},
	"numpy.lib._npyio_impl.*":                     {rule.High, "reads and writes files"},
	"numpy.lookfor":                               {rule.High, whyImport},
	"numpy.lib.utils.lookfor":                     {rule.High, whyImport},
	"pandas.compat.pickle_compat.*":               {rule.Critical, whyNested},
	"pandas.io.*":                                 {rule.High, "reads or writes files and URLs"},
	"pandas.read_hdf":                             {rule.High, "reads HDF5 files whose object columns are pickles"},
	"pandas.HDFStore":                             {rule.High, "reads HDF5 files whose object columns are pickles"},
	"pandas.read_csv":                             {rule.High, "reads files or URLs"},
	"pandas.read_table":                           {rule.High, "reads files or URLs"},
	"pandas.read_json":                            {rule.High, "reads files or URLs"},
	"pandas.read_html":                            {rule.High, "reads files or URLs"},
	"pandas.read_xml":                             {rule.High, "reads files or URLs"},
	"pandas.read_excel":                           {rule.High, "reads files or URLs"},
	"pandas.read_parquet":                         {rule.High, "reads files or URLs"},
	"pandas.read_feather":                         {rule.High, "reads files or URLs"},
	"pandas.read_orc":                             {rule.High, "reads files or URLs"},
	"pandas.read_fwf":                             {rule.High, "reads files or URLs"},
	"pandas.read_sas":                             {rule.High, "reads files or URLs"},
	"pandas.read_stata":                           {rule.High, "reads files or URLs"},
	"pandas.read_spss":                            {rule.High, "reads files or URLs"},
	"pandas.read_sql":                             {rule.High, whyNet},
	"pandas.read_sql_query":                       {rule.High, whyNet},
	"pandas.read_sql_table":                       {rule.High, whyNet},
	"pandas.read_clipboard":                       {rule.High, "runs a clipboard helper program"},
	"joblib.numpy_pickle.NumpyUnpickler":          {rule.Critical, whyNested},
	"joblib.numpy_pickle._unpickle":               {rule.Critical, whyNested},
	"joblib.numpy_pickle_compat.*":                {rule.High, whyNested},
	"joblib.Parallel":                             {rule.High, whyProc},
	"joblib.parallel.*":                           {rule.High, whyProc},
	"keras.saving.load_model":                     {rule.High, whyNested},
	"keras.saving.saving_api.load_model":          {rule.High, whyNested},
	"keras.src.saving.saving_api.load_model":      {rule.High, whyNested},
	"tensorflow.saved_model.load":                 {rule.High, whyNested},
	"huggingface_hub.*":                           {rule.High, whyNet},
	"mako.*":                                      {rule.Critical, "compiles templates whose Python blocks run when loaded"},
	"jinja2.*":                                    {rule.High, "compiles templates whose rendering can run code"},
	"conda.*":                                     {rule.Critical, whyInstall},

	// Package installers run setup code.
	"pip.*":           {rule.Critical, whyInstall},
	"setuptools.*":    {rule.Critical, whyInstall},
	"distutils.*":     {rule.Critical, whyInstall},
	"ensurepip.*":     {rule.Critical, whyInstall},
	"pkg_resources.*": {rule.High, "imports entry points and packages"},
	"venv.*":          {rule.High, "creates environments and runs pip"},

	// Debuggers, profilers and test runners that execute strings.
	"pdb.*":      {rule.Critical, whyDebug},
	"bdb.*":      {rule.Critical, whyDebug},
	"cProfile.*": {rule.Critical, whyDebug},
	"profile.*":  {rule.Critical, whyDebug},
	"trace.*":    {rule.Critical, whyDebug},
	"timeit.*":   {rule.Critical, whyDebug},
	"doctest.*":  {rule.Critical, whyDebug},
	"idlelib.*":  {rule.Critical, whyDebug},
	"lib2to3.*":  {rule.High, "loads grammar pickles"},
	"_pytest.*":  {rule.High, "test-runner internals that import and run code"},
	"pytest.*":   {rule.High, "test-runner internals that import and run code"},
	"IPython.*":  {rule.High, "interactive-shell internals that run code"},
	"cgitb.*":    {rule.Medium, "formats tracebacks with source"},

	// Network access.
	"socket.*":         {rule.Critical, whyNet},
	"ssl.*":            {rule.High, whyNet},
	"urllib.request.*": {rule.Critical, whyNet},
	"http.client.*":    {rule.Critical, whyNet},
	"http.server.*":    {rule.Critical, "serves files over HTTP"},
	"xmlrpc.*":         {rule.Critical, whyNet},
	"smtplib.*":        {rule.Critical, whyNet},
	"ftplib.*":         {rule.Critical, whyNet},
	"telnetlib.*":      {rule.Critical, whyNet},
	"poplib.*":         {rule.Critical, whyNet},
	"imaplib.*":        {rule.Critical, whyNet},
	"nntplib.*":        {rule.Critical, whyNet},
	"socketserver.*":   {rule.Critical, whyNet},
	"requests.*":       {rule.Critical, whyNet},
	"httpx.*":          {rule.Critical, whyNet},
	"aiohttp.*":        {rule.Critical, whyNet},
	"urllib3.*":        {rule.Critical, whyNet},
	"paramiko.*":       {rule.Critical, whyNet},
}

// safeModules are submodules of a wildcard-dangerous module that only read
// or compute: "os.path.join" is harmless even though "os.*" is not.
var safeModules = map[string]bool{
	"os.path":                  true,
	"urllib.request.__doc__":   false,
	"concurrent.futures._base": false,
}

// moduleObjects are attribute names that, met inside a dotted path, stand for
// a dangerous module ("random._os" is the os module). Any such step in a
// path makes the global at least High, whatever comes after.
var moduleObjects = map[string]string{
	"os": "os", "_os": "os", "posix": "os", "nt": "os",
	"sys": "sys", "_sys": "sys",
	"subprocess": "subprocess", "_subprocess": "subprocess", "_posixsubprocess": "_posixsubprocess",
	"builtins": "builtins", "__builtins__": "builtins", "__builtin__": "builtins", "_builtins": "builtins",
	"shutil": "shutil", "socket": "socket", "_socket": "socket",
	"importlib": "importlib", "_imp": "importlib", "imp": "importlib", "_bootstrap": "importlib",
	"pickle": "pickle", "_pickle": "pickle", "marshal": "marshal",
	"ctypes": "ctypes", "_ctypes": "ctypes", "pty": "pty", "runpy": "runpy",
	"operator": "operator", "_operator": "operator",
	"pdb": "pdb", "bdb": "bdb", "code": "code", "codeop": "codeop",
	"multiprocessing": "multiprocessing", "threading": "threading", "_thread": "threading",
	"signal": "signal", "pip": "pip", "webbrowser": "webbrowser", "urllib": "urllib",
}

// dunders are attribute names that reach interpreter internals. A global
// whose dotted path walks through one of them, or a string given to an
// attribute resolver that names one, is a ClassDunderAccess issue.
var dunders = map[string]bool{
	"__dict__": true, "__builtins__": true, "__globals__": true, "__code__": true,
	"__subclasses__": true, "__getattribute__": true, "__getattr__": true,
	"__reduce__": true, "__reduce_ex__": true, "__class__": true, "__bases__": true,
	"__base__": true, "__mro__": true, "__closure__": true, "__func__": true,
	"__self__": true, "__loader__": true, "__spec__": true, "__import__": true,
	"__setattr__": true, "__delattr__": true, "__init_subclass__": true,
	"__set_name__": true, "__class_getitem__": true, "__setstate__": true,
}

// resolvers are globals that look attributes up by a string argument; their
// constant string arguments are checked against dunders.
var resolvers = map[string]bool{
	"builtins.getattr": true, "builtins.setattr": true, "builtins.delattr": true,
	"builtins.hasattr": true, "operator.attrgetter": true, "operator.methodcaller": true,
	"inspect.getattr_static": true, "object.__getattribute__": true,
	"builtins.object.__getattribute__": true, "builtins.type.__getattribute__": true,
}

// dangerousMethods are method names that load or fetch a second artifact
// whatever class they are reached through ("transformers.AutoModel.from_pretrained").
// They are matched as the last segment of a dotted name of at least two
// segments, never as substrings.
var dangerousMethods = map[string]danger{
	"from_pretrained":      {rule.High, "downloads and loads a model, which can unpickle it or run repository code"},
	"from_single_file":     {rule.High, "downloads and loads a model, which can unpickle it"},
	"load_from_checkpoint": {rule.High, "unpickles a checkpoint with torch.load"},
}

// metaclasses are the globals whose three-argument call creates a class
// from a namespace dict, as type(name, bases, ns) does.
var metaclasses = map[string]bool{
	"builtins.type": true, "abc.ABCMeta": true, "enum.EnumMeta": true, "enum.EnumType": true,
	"typing.NamedTupleMeta": true, "typing._ProtocolMeta": true, "typing._TypedDictMeta": true,
}

// dangerRoots are the first segments of the dangerous entries and of the
// module aliases: an attribute with one of these names, met in the middle
// of a dotted path, may be that module imported into another namespace.
var dangerRoots = buildDangerRoots()

func buildDangerRoots() map[string]bool {
	r := map[string]bool{}
	for k := range dangerous {
		root, _, _ := strings.Cut(k, ".")
		r[root] = true
	}
	for k := range moduleAliases {
		root, _, _ := strings.Cut(k, ".")
		r[root] = true
	}
	return r
}
