/**
 * Python source run once in each fresh interpreter (see `_worker.ts`). It defines `run` and `drop`,
 * then closes the doors to the host: the modules that reach JavaScript (`js`, `pyodide_js`,
 * `pyodide.ffi`, `_pyodide_core`, ...) and the network (`socket`, `ssl`) are removed from
 * `sys.modules` and an import hook refuses them with a clear ImportError. Shared state that code may
 * have changed (the import hooks, `builtins`, `sys.stdout`) is restored before every run.
 *
 * This is one layer of several (the worker also unregisters the `js` modules, cuts `require` and the
 * Function constructors, and runs under narrowed permissions on Deno); none of them is a hardened jail.
 * For hostile code use the `sandbox` tool (SandboxFusion in a container).
 */
/**
 * Imports that cold-start code would otherwise pay for on its first use (the first SyntaxError imports
 * difflib, compiled from source, ~1 s). Run before the memory snapshot is taken, so they are in it.
 */
export const WARM_UP = String.raw`
import ast, difflib, fractions, json, math, random, statistics, traceback, _suggestions
try:
    compile("def f(:", "<warm-up>", "exec")
except SyntaxError as error:
    traceback.format_exception_only(error)
`;

export const PRELUDE = String.raw`
import builtins, os, posix, random, sys
from ast import Expr as _Expr, Expression as _Expression, parse as _parse
from gc import collect as _collect
from importlib.abc import MetaPathFinder
from json import dumps as _dumps
from traceback import format_exception_only as _format_exception

_BLOCKED = ("js", "pyodide_js", "pyodide", "_pyodide", "_pyodide_core", "micropip", "pyodide_http",
            "socket", "_socket", "ssl", "_ssl")

def _blocked(name):
    return any(name == b or name.startswith(b + ".") for b in _BLOCKED)

class _Refuse(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if _blocked(name):
            raise ImportError(f"import of '{name}' is blocked: this Python sandbox has no access to the host "
                              "(JavaScript, host files, network)", name=name)
        return None

def _no_processes(*args, **kwargs):
    raise PermissionError("os.system is disabled: this Python sandbox cannot start processes")

_BUILTINS = dict(vars(builtins))
_STDOUT, _STDERR = sys.stdout, sys.stderr
_namespaces = {}
_MAX_NAMESPACES = 1024

def _namespace(key):
    if key == "":
        return {"__name__": "__main__", "__builtins__": dict(_BUILTINS)}
    ns = _namespaces.pop(key, None)
    if ns is None:
        ns = {"__name__": "__main__", "__builtins__": dict(_BUILTINS)}
        while len(_namespaces) >= _MAX_NAMESPACES:
            _namespaces.pop(next(iter(_namespaces)))
    _namespaces[key] = ns  # re-inserted last: the dict is kept in least-recently-used order
    return ns

def drop(key):
    _namespaces.pop(key, None)

def _guard():
    """Undoes what earlier code may have changed in shared interpreter state."""
    vars(builtins).update(_BUILTINS)
    sys.stdout, sys.stderr = _STDOUT, _STDERR
    os.system = posix.system = _no_processes
    sys.meta_path = [_REFUSE] + [finder for finder in _META_PATH if finder is not _REFUSE]
    for name in [name for name in sys.modules if _blocked(name)]:
        del sys.modules[name]

def run(code, key, last_expression, max_repr):
    _guard()
    ns = _namespace(key)
    out = {"value": None, "error": None, "timedOut": False, "exitCode": None}
    try:
        tree = _parse(code, "<python>", "exec")
        last = None
        if last_expression and tree.body and isinstance(tree.body[-1], _Expr):
            last = _Expression(tree.body.pop().value)
        exec(compile(tree, "<python>", "exec"), ns)
        if last is not None:
            value = eval(compile(last, "<python>", "eval"), ns)
            if value is not None:
                text = repr(value)
                out["value"] = text if len(text) <= max_repr else text[:max_repr] + "..."
    except KeyboardInterrupt:
        out["timedOut"] = True
    except SystemExit as stop:
        # as CPython's exit: None is 0, an int is the code, anything else is printed to stderr and is 1
        code = stop.code
        if code is None:
            code = 0
        elif not isinstance(code, int):
            _STDERR.write(str(code) + "\n")
            code = 1
        out["exitCode"] = int(code)
    except MemoryError:
        drop(key)
        _collect()
        out["error"] = "MemoryError: the memory limit was reached; this episode's variables were cleared"
    except BaseException as error:
        out["error"] = "".join(_format_exception(error)).strip()
    finally:
        for stream in (_STDOUT, _STDERR):
            try:
                stream.flush()
            except BaseException:
                pass
    return _dumps(out)

random.seed()  # the warm-up imported random before the snapshot: every worker would replay its state
_REFUSE = _Refuse()
_META_PATH = list(sys.meta_path)
_guard()
`;
