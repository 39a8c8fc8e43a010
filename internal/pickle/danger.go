package pickle

import "github.com/mlsec/mlsec/internal/rule"

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
	"builtins.eval":             {rule.Critical, "evaluates a Python expression"},
	"builtins.exec":             {rule.Critical, "executes Python source"},
	"builtins.execfile":         {rule.Critical, "executes a Python file"},
	"builtins.compile":          {rule.Critical, "compiles Python source into a code object"},
	"builtins.__import__":       {rule.Critical, whyImport},
	"builtins.apply":            {rule.Critical, "calls any callable with given arguments"},
	"builtins.input":            {rule.High, "evaluates console input on Python 2 and blocks the loader"},
	"builtins.breakpoint":       {rule.High, "starts a debugger that executes commands"},
	"builtins.open":             {rule.High, whyFile},
	"builtins.file":             {rule.High, whyFile},
	"builtins.getattr":          {rule.High, whyAttr},
	"builtins.setattr":          {rule.High, "overwrites attributes of any object, including modules"},
	"builtins.delattr":          {rule.High, "deletes attributes of any object, including modules"},
	"builtins.vars":             {rule.High, "exposes the namespace of any object"},
	"builtins.globals":          {rule.High, "exposes the module namespace"},
	"builtins.locals":           {rule.High, "exposes the caller's namespace"},
	"builtins.exit":             {rule.High, "terminates the loading process"},
	"builtins.quit":             {rule.High, "terminates the loading process"},
	"types.CodeType":            {rule.Critical, whyCode},
	"types.FunctionType":        {rule.Critical, whyCode},
	"types.LambdaType":          {rule.Critical, whyCode},
	"types.MethodType":          {rule.High, "binds any function to an object"},
	"types.new_class":           {rule.High, "creates classes dynamically"},
	"code.*":                    {rule.Critical, whyDebug},
	"codeop.*":                  {rule.Critical, "compiles Python source"},
	"runpy.*":                   {rule.Critical, "runs a module or script"},
	"importlib.*":               {rule.Critical, whyImport},
	"pkgutil.resolve_name":      {rule.Critical, whyImport},
	"pkgutil.get_loader":        {rule.Critical, whyImport},
	"pkgutil.find_loader":       {rule.Critical, whyImport},
	"pkgutil.ImpImporter":       {rule.Critical, whyImport},
	"zipimport.*":               {rule.Critical, whyImport},
	"_interpreters.*":           {rule.Critical, "runs source code in a sub-interpreter"},
	"concurrent.interpreters.*": {rule.Critical, "runs source code in a sub-interpreter"},
	"interpreters.*":            {rule.Critical, "runs source code in a sub-interpreter"},
	"operator.attrgetter":       {rule.High, whyAttr},
	"operator.methodcaller":     {rule.High, "calls a method chosen by name"},
	"operator.itemgetter":       {rule.High, whyAttr},
	"operator.call":             {rule.High, "calls any callable"},
	"functools.reduce":          {rule.High, "calls a callable repeatedly"},
	"sys.*":                     {rule.High, whyEnv},
	"gc.get_objects":            {rule.High, "reaches every live object"},
	"gc.get_referrers":          {rule.High, "reaches every live object"},
	"inspect.getmodule":         {rule.High, whyImport},
	"site.addsitedir":           {rule.High, "executes .pth files from a directory"},
	"site.main":                 {rule.High, "executes .pth files"},
	"linecache.updatecache":     {rule.Medium, whyFile},

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
	"tarfile.open":                    {rule.High, whyFile},
	"tarfile.TarFile.extractall":      {rule.High, whyFile},
	"zipfile.ZipFile.extractall":      {rule.High, whyFile},
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
	"logging.config.*":                {rule.High, "instantiates arbitrary classes from configuration"},

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
