"""sweep(): measures a Python function in a persistent pool of the installed `plateau` binary
and reads its results back. The function reaches the workers by reference (a module, or the
caller's script imported by path) or by value (cloudpickle); plateau's refusals and failures
come back as Python exceptions carrying plateau's own sentence."""

import datetime
import json
import os
import re
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tempfile
import threading

from . import flags, targets
from .result import SweepResult

# A task's failure as plateau states it: "task 3: ValueError: task 3 is refused (worker 0, ...".
_TASK_FAILED = re.compile(r"\btask (\d+)(?: failed)?: ([A-Za-z_][\w.]*)(?:: (.*?))? \(worker \d+, pid ")


class PlateauError(RuntimeError):
    """plateau could not finish the run; the message is its own sentence. `path` is the run's
    folder when it was made (every finished batch is saved there)."""

    def __init__(self, message, path=None, returncode=None):
        super().__init__(message)
        self.path = path
        self.returncode = returncode


class TaskFailed(PlateauError):
    """A task raised: `task` is its number, `exc_type` and `exc_message` what it raised."""

    def __init__(self, message, task, exc_type, exc_message, path=None, returncode=None):
        super().__init__(message, path, returncode)
        self.task = task
        self.exc_type = exc_type
        self.exc_message = exc_message


def find_binary():
    """The `plateau` executable: $PLATEAU_BIN, else the one installed beside this Python (the
    wheel puts it in the environment's scripts folder), else the first on PATH."""
    given = os.environ.get("PLATEAU_BIN")
    if given:
        return given
    for scheme in (None, f"{os.name}_user"):
        try:
            folder = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
        except KeyError:
            continue
        candidate = os.path.join(folder, "plateau")
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("plateau")
    if found:
        return found
    raise PlateauError(
        "the plateau binary is not installed beside this Python nor on PATH: "
        "pip install plateau-bench, or set PLATEAU_BIN to its path"
    )


def _name(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def _target(fn, folder, stem, what):
    """The adapter's target for a callable (or a target string given as is)."""
    if isinstance(fn, str):
        return fn
    if not callable(fn):
        raise TypeError(f"{what} must be callable or a 'module:function' string, not {type(fn).__name__}")
    return targets.by_reference(fn) or targets.by_value(fn, os.path.join(folder, stem + ".pkl"), what)


def _worker_env():
    """The workers' environment: the caller's sys.path (with '' as the working folder), and
    this package's folder on PYTHONPATH when site-packages would not find it."""
    env = dict(os.environ)
    cwd = os.getcwd()
    env[targets.CALLER_PATH] = json.dumps([p or cwd for p in sys.path])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    known = set(site.getsitepackages()) | {site.getusersitepackages()}
    if here not in known:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
    return env


def _default_out(fn):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d_%H%M%S")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", _name(fn) if callable(fn) else str(fn)).strip("-")
    base = os.path.join("reports", f"{stamp}_{slug or 'sweep'}")
    out, n = base, 1
    while os.path.exists(out):
        n += 1
        out = f"{base}-{n}"
    return out


def _tee(stream, sink, kept):
    for line in iter(stream.readline, ""):
        kept.append(line)
        if sink is not None:
            sink.write(line)
            sink.flush()


def _run(argv, env, echo):
    """Runs plateau; returns (exit code, stdout, stderr). Its stderr (notes, warnings, errors)
    is also shown as it comes; an interrupt is passed on so that plateau saves what it has,
    then raised here."""
    with subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env, text=True, errors="replace",
        # Its own session: a Ctrl-C in the terminal reaches this process alone, which passes on
        # exactly one SIGINT (a second would make plateau exit before its final save).
        start_new_session=True,
    ) as proc:
        err = []
        sink = sys.stderr if echo else None
        reader = threading.Thread(target=_tee, args=(proc.stderr, sink, err), daemon=True)
        reader.start()
        try:
            out = proc.stdout.read()
            proc.wait()
        except KeyboardInterrupt:
            # plateau saves every finished batch on the first SIGINT; a second exits at once.
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait()
            except KeyboardInterrupt:
                proc.send_signal(signal.SIGINT)
                proc.wait()
            raise
        finally:
            reader.join()
    return proc.returncode, out, "".join(err)


def _sentence(stderr):
    """plateau's error sentence: its first `error: ` line, without the prefix."""
    for line in stderr.splitlines():
        if line.startswith("error: "):
            return line[len("error: "):].strip()
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "plateau failed without a message"


def _failure(code, stderr, out):
    sentence = _sentence(stderr)
    path = out if os.path.exists(os.path.join(out, "results.json")) else None
    if code == 2:
        return ValueError(sentence)
    match = _TASK_FAILED.search(sentence)
    if code == 3 and match:
        task, exc_type, message = match.groups()
        return TaskFailed(sentence, int(task), exc_type, message or "", path, code)
    return PlateauError(sentence, path, code)


def sweep(fn, workers=None, tasks=None, init=None, max_time=None, out=None, echo=True, **more):
    """Measures `fn(task)` across worker counts in a persistent pool of the plateau binary and
    returns a SweepResult.

    `workers` is a range, a list of counts or a plateau spec ("1..16"); `tasks` the tasks per
    batch (default: plateau's calibration); `init` a function each worker calls once before
    the clock starts; `max_time` the adaptive budget (seconds, a timedelta or "2m"); `out` the
    run's folder (default reports/<date>_<time>_<function>). Every other `plateau run` flag is
    a keyword (`repetitions=5`, `target_ci="2%"`, `seed=1`, `label="c7i"`); a value plateau
    refuses raises ValueError with plateau's sentence, a failed task raises TaskFailed. `echo`
    shows plateau's notes and warnings on stderr as they come.

    `fn` defined in a module or in the script being run (which then needs its
    `if __name__ == "__main__":` guard: the workers import it) is sent by reference; a lambda,
    or a function of a notebook or a REPL, is sent by value with cloudpickle.
    """
    if os.environ.get(targets.IN_WORKER):
        raise RuntimeError(
            "sweep() was called inside a plateau worker, which happens when the workers import "
            "a script that calls sweep() at its top level: put that call under "
            "if __name__ == \"__main__\":"
        )
    options = {"workers": workers, "tasks": tasks, "max_time": flags.seconds(max_time)}
    options.update(more)
    dated = out is None
    out = os.path.abspath(_default_out(fn) if dated else out)
    options["out"] = out
    argv = [find_binary(), "run", *flags.to_flags(options), "--persistent", "--"]
    with tempfile.TemporaryDirectory(prefix="plateau-bench-") as folder:
        argv += [sys.executable, "-m", "plateau_bench.worker", _target(fn, folder, "task", "the function")]
        if init is not None:
            argv += ["--init", _target(init, folder, "init", "the init function")]
        code, stdout, stderr = _run(argv, _worker_env(), echo)
    if dated and os.path.isdir(out):
        # Like plateau's own dated folders: unpublished runs never dirty a checkout.
        with open(os.path.join(out, ".gitignore"), "w") as f:
            f.write("# written by plateau: unpublished run\n*\n")
    if code != 0:
        raise _failure(code, stderr, out)
    with open(os.path.join(out, "results.json")) as f:
        return SweepResult(out, json.load(f), stdout, _name(fn) if callable(fn) else str(fn))
