/**
 * Python source run once in each fresh interpreter (see `interpreter.ts`). It defines `run` and `drop`, then
 * closes the doors to the host: the modules that reach JavaScript (`js`, `pyodide_js`, `pyodide.ffi`,
 * `_pyodide_core`, ...) and the network (`socket`, `ssl`) are removed from `sys.modules` and an import
 * hook refuses them with a clear ImportError; the hooks, `builtins` and `sys.stdout` are restored before
 * every run, so a careless episode does not break its own later calls.
 *
 * Code in the interpreter can undo all of this (it is Python in the same heap): it is a speed bump, not
 * the wall. The walls are that each episode has an interpreter of its own (`interpreter.ts`) and that
 * the worker's JavaScript realm gives nothing to reach the host through (`worker.ts`). None of them is a
 * hardened jail; for hostile code use the `sandbox` tool (SandboxFusion in a container).
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

_BLOCKED_TOP = frozenset(_BLOCKED)

def _blocked(name):
    # a blocked module or any of its submodules (no entry of _BLOCKED has a dot): its top-level name decides
    return name.partition(".")[0] in _BLOCKED_TOP

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
_namespaces = {}  # episode key -> its variables: one key per interpreter, unless the worker shares it

def _namespace(key):
    if key == "":
        return {"__name__": "__main__", "__builtins__": builtins}
    ns = _namespaces.get(key)
    if ns is None:
        ns = _namespaces[key] = {"__name__": "__main__", "__builtins__": builtins}
    return ns

def drop(key):
    _namespaces.pop(key, None)

def _guard():
    """Undoes what the episode's earlier code may have changed in the state each run relies on."""
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
