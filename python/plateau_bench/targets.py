"""What a worker runs, named as one string: the grammar both sides share, standard library only.

A target is one of:

- ``MODULE:FUNCTION`` -- imported like ``python -m`` would (FUNCTION may be dotted,
  ``mod:Class.method``);
- ``PATH.py:FUNCTION`` -- a script imported by its path under the name ``__plateau_main__``,
  never ``__main__``, the way multiprocessing's spawn start method imports the parent's
  script, so its ``if __name__ == "__main__":`` block does not run in the workers;
- ``PATH.pkl`` -- a function pickled by value (``sweep()`` writes it with cloudpickle for a
  function of a notebook, a REPL, ``__main__`` without a file, or a lambda).

``by_reference(fn)`` and ``by_value(fn, path)`` are the caller's half (which form names a
function), ``load(target)`` the worker's half; the two environment variables below are the
rest of what sweep() tells its workers.
"""

import importlib
import importlib.util
import os
import pickle
import sys

# The module name a script imported by path gets in a worker.
SCRIPT_MODULE = "__plateau_main__"
# Set in a worker's environment, so sweep() called while a worker imports the caller's
# script (one without an `if __name__ == "__main__":` guard) refuses instead of recursing.
IN_WORKER = "PLATEAU_BENCH_WORKER"
# The caller's sys.path, as JSON, set by sweep() for its workers.
CALLER_PATH = "PLATEAU_BENCH_SYS_PATH"


class Unloadable(Exception):
    """A target the worker cannot load; its message is the sentence to show."""


def is_script(module):
    """True when the part before the colon names a file rather than a module."""
    return module.endswith(".py") or os.sep in module


def _import_script(path):
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise Unloadable(f"{path} is not a file")
    spec = importlib.util.spec_from_file_location(SCRIPT_MODULE, path)
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs, as an import would, so pickle and dataclasses find it.
    sys.modules[SCRIPT_MODULE] = module
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec.loader.exec_module(module)
    return module


def _unpickle(path):
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except ModuleNotFoundError as exc:
        if exc.name == "cloudpickle":
            raise Unloadable(
                f"{path} was pickled with cloudpickle, which this Python cannot import: "
                "install cloudpickle here"
            ) from exc
        raise


def load(target):
    """The callable a target names (see the module's doc)."""
    module, sep, attr = target.rpartition(":")
    if not sep and target.endswith(".pkl"):
        obj = _unpickle(target)
    else:
        if not sep or not module or not attr:
            raise Unloadable(
                f"{target!r} is not MODULE:FUNCTION or PATH.py:FUNCTION, "
                "e.g. mymod:cpu_intensive_task or bench.py:cpu_intensive_task"
            )
        obj = _import_script(module) if is_script(module) else importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
    if not callable(obj):
        raise Unloadable(f"{target} is not callable: it is {type(obj).__name__!r}")
    return obj


def _main_script():
    """The file of the running ``__main__`` module, or None (a REPL, a notebook, ``-c``)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path or not path.endswith(".py"):
        return None
    return os.path.abspath(path)


def by_reference(fn):
    """The target naming `fn` by where it is defined, or None when only its value can send it
    (a lambda, a nested function, anything defined in a notebook or a REPL)."""
    module = getattr(fn, "__module__", None)
    qualname = getattr(fn, "__qualname__", None)
    if not module or not qualname or "<" in qualname:
        return None
    owner = sys.modules.get(module)
    if module == "__main__":
        spec = getattr(owner, "__spec__", None)
        # `python -m pkg.mod` has a spec: the workers import pkg.mod itself.
        module = spec.name if spec is not None and spec.name else _main_script()
        if module is None:
            return None
    obj = owner
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    if obj is not fn:
        return None  # rebound or shadowed: the name would load something else
    return f"{module}:{qualname}"


NO_CLOUDPICKLE = (
    "{what} is defined where the workers cannot import it (a lambda, a nested function, a "
    "notebook or a REPL): move it into a module (or a script file) or install cloudpickle "
    "to send it by value"
)


def by_value(fn, path, what="the function"):
    """Pickles `fn` with cloudpickle into `path`; the target is `path`. Without cloudpickle,
    raises ValueError with the one sentence that says what to do."""
    try:
        import cloudpickle
    except ImportError:
        raise ValueError(NO_CLOUDPICKLE.format(what=what)) from None
    with open(path, "wb") as f:
        cloudpickle.dump(fn, f)
    return path
