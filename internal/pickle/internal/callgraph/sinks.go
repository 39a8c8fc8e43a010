package callgraph

// Category is the kind of effect a sink has.
type Category uint8

// Sink categories, in the order the generated tables use them.
const (
	Exec        Category = iota + 1 // exec, eval, code-object construction, marshal, runpy
	Import                          // __import__, importlib
	Process                         // os.system/exec*/spawn*/popen, subprocess, pty
	Native                          // ctypes library loading
	FileWrite                       // open for writing, deletes, moves and copies
	Network                         // sockets, URL fetches, HTTP connections
	SecondStage                     // pickle.loads/load: a payload the scanner never sees
)

// Categories lists every category in table order.
var Categories = []Category{Exec, Import, Process, Native, FileWrite, Network, SecondStage}

var catNames = [...]string{"", "exec", "import", "process", "native", "file-write", "network", "second-stage"}

func (c Category) String() string {
	if int(c) < len(catNames) {
		return catNames[c]
	}
	return "?"
}

// sink is one known dangerous callable. first means only the first argument
// (or a keyword naming the same thing) carries the dangerous value: eval's
// globals dict or a socket's address family does not run anything.
type sink struct {
	cat   Category
	first bool
}

// sinks are the primitives, by canonical dotted name. Private and platform
// modules that re-export them (posix, _pickle, _socket) are listed too,
// since library code calls them directly.
var sinks = map[string]sink{
	// builtins.compile is not one: a code object runs only through exec,
	// eval or a FunctionType, and ast.parse compiles every string annotation.
	"builtins.exec": {Exec, true}, "builtins.eval": {Exec, true},
	"types.CodeType": {Exec, false}, "types.FunctionType": {Exec, true},
	"marshal.loads": {Exec, true}, "marshal.load": {Exec, true},
	"runpy.run_path": {Exec, true}, "runpy.run_module": {Exec, true},

	"builtins.__import__": {Import, true}, "importlib.import_module": {Import, true},
	"importlib.__import__": {Import, true}, "importlib.util.spec_from_file_location": {Import, false},
	"importlib.machinery.SourceFileLoader": {Import, false},

	"os.system": {Process, true}, "os.popen": {Process, true},
	"os.execl": {Process, false}, "os.execle": {Process, false}, "os.execlp": {Process, false},
	"os.execlpe": {Process, false}, "os.execv": {Process, false}, "os.execve": {Process, false},
	"os.execvp": {Process, false}, "os.execvpe": {Process, false},
	"os.spawnl": {Process, false}, "os.spawnle": {Process, false}, "os.spawnlp": {Process, false},
	"os.spawnlpe": {Process, false}, "os.spawnv": {Process, false}, "os.spawnve": {Process, false},
	"os.spawnvp": {Process, false}, "os.spawnvpe": {Process, false},
	"os.posix_spawn": {Process, false}, "os.posix_spawnp": {Process, false}, "os.startfile": {Process, true},
	"subprocess.Popen": {Process, true}, "subprocess.run": {Process, true}, "subprocess.call": {Process, true},
	"subprocess.check_call": {Process, true}, "subprocess.check_output": {Process, true},
	"subprocess.getoutput": {Process, true}, "subprocess.getstatusoutput": {Process, true},
	"pty.spawn":                       {Process, true},
	"asyncio.create_subprocess_shell": {Process, true}, "asyncio.create_subprocess_exec": {Process, false},
	"_posixsubprocess.fork_exec": {Process, false},

	"ctypes.CDLL": {Native, true}, "ctypes.PyDLL": {Native, true}, "ctypes.WinDLL": {Native, true},
	"ctypes.OleDLL": {Native, true}, "ctypes.cdll.LoadLibrary": {Native, true},
	"ctypes.pydll.LoadLibrary": {Native, true}, "ctypes.windll.LoadLibrary": {Native, true},
	"ctypes.LibraryLoader": {Native, true}, "_ctypes.dlopen": {Native, true},

	// builtins.open, io.open and codecs.open are sinks only with a write
	// mode: see writeMode.
	"os.remove": {FileWrite, false}, "os.unlink": {FileWrite, false}, "os.rmdir": {FileWrite, false},
	"os.removedirs": {FileWrite, false}, "os.rename": {FileWrite, false}, "os.replace": {FileWrite, false},
	"os.truncate":   {FileWrite, false},
	"shutil.rmtree": {FileWrite, true}, "shutil.move": {FileWrite, false}, "shutil.copy": {FileWrite, false},
	"shutil.copy2": {FileWrite, false}, "shutil.copyfile": {FileWrite, false}, "shutil.copytree": {FileWrite, false},

	"socket.socket": {Network, false}, "socket.create_connection": {Network, true},
	"socket.create_server": {Network, true}, "urllib.request.urlopen": {Network, true},
	"urllib.request.urlretrieve": {Network, true}, "http.client.HTTPConnection": {Network, true},
	"http.client.HTTPSConnection": {Network, true},
	"requests.get":                {Network, true}, "requests.post": {Network, true}, "requests.put": {Network, true},
	"requests.delete": {Network, true}, "requests.head": {Network, true}, "requests.patch": {Network, true},
	"requests.request": {Network, false},

	"pickle.loads": {SecondStage, true}, "pickle.load": {SecondStage, true}, "pickle.Unpickler": {SecondStage, true},
}

// openers are the file openers that are sinks only with a write mode.
var openers = map[string]bool{"builtins.open": true, "io.open": true, "codecs.open": true, "_io.open": true}

// socketMethods are the methods of a socket object that send to or bind an
// address: the sink when the socket was made elsewhere in the class.
var socketMethods = map[string]bool{
	"bind": true, "connect": true, "connect_ex": true, "sendall": true, "send": true, "sendto": true,
}

// firstKeywords are the keyword names that mean "the first argument" for a
// sink with first set.
var firstKeywords = map[string]bool{
	"source": true, "object": true, "name": true, "args": true, "command": true, "cmd": true,
	"path": true, "file": true, "filename": true, "url": true, "fullurl": true, "code": true,
	"address": true, "host": true, "data": true, "argv": true,
}

// moduleAliases map private and platform modules to the public module whose
// sinks they hold.
var moduleAliases = map[string]string{
	"posix": "os", "nt": "os", "_pickle": "pickle", "_socket": "socket", "_io": "io",
	"__builtin__": "builtins", "_imp": "importlib", "_bootstrap": "importlib",
}

// builtinNames are the builtins a bare name may call.
var builtinNames = map[string]bool{
	"exec": true, "eval": true, "compile": true, "__import__": true, "open": true,
}

// sanitizers are callables whose source checks the value before it reaches
// the sink, so that no argument can make the sink do more than intended:
// they and their re-exports are not listed, and no flow passes through them.
var sanitizers = map[string]string{
	"collections.namedtuple":       "type and field names must pass str.isidentifier before the generated source is evaluated",
	"inspect._signature_fromstr":   "eval sees only names and dotted attributes taken from a parsed signature",
	"_bootsubprocess.check_output": "_check_cmd allows only letters, digits and a few path characters in the command",
}
