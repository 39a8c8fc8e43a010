package pickle

import "strings"

// Python 2 module and name renames that CPython's Unpickler.find_class
// applies to pickles of protocol 0 to 2 (the fix_imports behaviour, from the
// facts in Lib/_compat_pickle.py). A pickle that says "__builtin__ eval" loads
// builtins.eval, so the scanner must see it the same way.

// py2Modules maps a Python 2 module name to its Python 3 home.
var py2Modules = map[string]string{
	"__builtin__":        "builtins",
	"copy_reg":           "copyreg",
	"cPickle":            "pickle",
	"commands":           "subprocess",
	"urllib2":            "urllib.request",
	"urlparse":           "urllib.parse",
	"robotparser":        "urllib.robotparser",
	"httplib":            "http.client",
	"Cookie":             "http.cookies",
	"cookielib":          "http.cookiejar",
	"BaseHTTPServer":     "http.server",
	"SimpleHTTPServer":   "http.server",
	"CGIHTTPServer":      "http.server",
	"htmlentitydefs":     "html.entities",
	"HTMLParser":         "html.parser",
	"xmlrpclib":          "xmlrpc.client",
	"SimpleXMLRPCServer": "xmlrpc.server",
	"DocXMLRPCServer":    "xmlrpc.server",
	"Queue":              "queue",
	"SocketServer":       "socketserver",
	"ConfigParser":       "configparser",
	"repr":               "reprlib",
	"thread":             "_thread",
	"dummy_thread":       "_dummy_thread",
	"_winreg":            "winreg",
	"markupbase":         "_markupbase",
	"anydbm":             "dbm",
	"whichdb":            "dbm",
	"dbhash":             "dbm.bsd",
	"dumbdbm":            "dbm.dumb",
	"dbm":                "dbm.ndbm",
	"gdbm":               "dbm.gnu",
	"_abcoll":            "collections.abc",
	"_elementtree":       "xml.etree.ElementTree",
	"UserDict":           "collections",
	"UserList":           "collections",
	"UserString":         "collections",
	"StringIO":           "io",
	"cStringIO":          "io",
	"test.test_support":  "test.support",
	"Tkinter":            "tkinter",
	"Tkconstants":        "tkinter.constants",
	"tkFileDialog":       "tkinter.filedialog",
	"FileDialog":         "tkinter.filedialog",
	"tkSimpleDialog":     "tkinter.simpledialog",
	"SimpleDialog":       "tkinter.simpledialog",
	"tkColorChooser":     "tkinter.colorchooser",
	"tkCommonDialog":     "tkinter.commondialog",
	"Dialog":             "tkinter.dialog",
	"Tkdnd":              "tkinter.dnd",
	"tkFont":             "tkinter.font",
	"tkMessageBox":       "tkinter.messagebox",
	"ScrolledText":       "tkinter.scrolledtext",
	"Tix":                "tkinter.tix",
	"ttk":                "tkinter.ttk",
}

// py2Names maps a Python 2 "module name" pair to its Python 3 pair. It is
// consulted before py2Modules, as find_class does.
var py2Names = map[[2]string][2]string{
	{"__builtin__", "xrange"}:              {"builtins", "range"},
	{"__builtin__", "reduce"}:              {"functools", "reduce"},
	{"__builtin__", "intern"}:              {"sys", "intern"},
	{"__builtin__", "unichr"}:              {"builtins", "chr"},
	{"__builtin__", "unicode"}:             {"builtins", "str"},
	{"__builtin__", "long"}:                {"builtins", "int"},
	{"itertools", "izip"}:                  {"builtins", "zip"},
	{"itertools", "imap"}:                  {"builtins", "map"},
	{"itertools", "ifilter"}:               {"builtins", "filter"},
	{"itertools", "ifilterfalse"}:          {"itertools", "filterfalse"},
	{"itertools", "izip_longest"}:          {"itertools", "zip_longest"},
	{"UserDict", "IterableUserDict"}:       {"collections", "UserDict"},
	{"UserList", "UserList"}:               {"collections", "UserList"},
	{"UserString", "UserString"}:           {"collections", "UserString"},
	{"whichdb", "whichdb"}:                 {"dbm", "whichdb"},
	{"_socket", "fromfd"}:                  {"socket", "fromfd"},
	{"_multiprocessing", "Connection"}:     {"multiprocessing.connection", "Connection"},
	{"multiprocessing.process", "Process"}: {"multiprocessing.context", "Process"},
	{"multiprocessing.forking", "Popen"}:   {"multiprocessing.popen_fork", "Popen"},
	{"urllib", "ContentTooShortError"}:     {"urllib.error", "ContentTooShortError"},
	{"urllib", "getproxies"}:               {"urllib.request", "getproxies"},
	{"urllib", "pathname2url"}:             {"urllib.request", "pathname2url"},
	{"urllib", "quote_plus"}:               {"urllib.parse", "quote_plus"},
	{"urllib", "quote"}:                    {"urllib.parse", "quote"},
	{"urllib", "unquote_plus"}:             {"urllib.parse", "unquote_plus"},
	{"urllib", "unquote"}:                  {"urllib.parse", "unquote"},
	{"urllib", "url2pathname"}:             {"urllib.request", "url2pathname"},
	{"urllib", "urlcleanup"}:               {"urllib.request", "urlcleanup"},
	{"urllib", "urlencode"}:                {"urllib.parse", "urlencode"},
	{"urllib", "urlopen"}:                  {"urllib.request", "urlopen"},
	{"urllib", "urlretrieve"}:              {"urllib.request", "urlretrieve"},
	{"urllib2", "HTTPError"}:               {"urllib.error", "HTTPError"},
	{"urllib2", "URLError"}:                {"urllib.error", "URLError"},
	{"exceptions", "StandardError"}:        {"builtins", "Exception"},
}

// fixImports applies the Python 2 renames as find_class does for protocol < 3.
// Every name in the Python 2 "exceptions" module lives in builtins.
func fixImports(module, name string) (string, string) {
	if p, ok := py2Names[[2]string{module, name}]; ok {
		return p[0], p[1]
	}
	if module == "exceptions" {
		return "builtins", name
	}
	if m, ok := py2Modules[module]; ok {
		return m, name
	}
	return module, name
}

// moduleAliases names the public module behind a private, accelerator or
// platform module, so that "posix.system" is judged as "os.system". Python 2
// names are included whatever the protocol: a pickle that uses them has no
// innocent reason to.
var moduleAliases = map[string]string{
	"posix":                      "os",
	"nt":                         "os",
	"_os":                        "os",
	"posixpath":                  "os.path",
	"ntpath":                     "os.path",
	"_operator":                  "operator",
	"_io":                        "io",
	"_pyio":                      "io",
	"_pickle":                    "pickle",
	"cPickle":                    "pickle",
	"_thread":                    "threading",
	"thread":                     "threading",
	"_dummy_thread":              "threading",
	"_socket":                    "socket",
	"_ctypes":                    "ctypes",
	"_subprocess":                "subprocess",
	"commands":                   "subprocess",
	"popen2":                     "subprocess",
	"__builtin__":                "builtins",
	"__builtins__":               "builtins",
	"exceptions":                 "builtins",
	"copy_reg":                   "copyreg",
	"_imp":                       "importlib",
	"imp":                        "importlib",
	"_frozen_importlib":          "importlib",
	"_frozen_importlib_external": "importlib",
	"_functools":                 "functools",
	"_signal":                    "signal",
	"_multiprocessing":           "multiprocessing",
	"_asyncio":                   "asyncio",
	"_marshal":                   "marshal",
	"_sys":                       "sys",
	"_xxsubinterpreters":         "_interpreters",
	"_xxinterpchannels":          "_interpreters",
	"_interpchannels":            "_interpreters",
	"_interpqueues":              "_interpreters",
	"urllib2":                    "urllib.request",
	"httplib":                    "http.client",
}

// canonModule returns the public name of a module: an exact alias, or the
// alias of its first dotted segment followed by the rest ("posix.x" -> "os.x").
func canonModule(m string) string {
	if c, ok := moduleAliases[m]; ok {
		return c
	}
	if i := strings.IndexByte(m, '.'); i > 0 {
		if c, ok := moduleAliases[m[:i]]; ok {
			return c + m[i:]
		}
	}
	return m
}
