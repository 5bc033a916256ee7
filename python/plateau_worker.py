"""The Python side of plateau's worker protocol (version 1), standard library only.

Run your own function as a long-lived plateau worker:

    plateau run --persistent -- python3 -m plateau_worker mymod:cpu_intensive_task
    plateau run --persistent -- python3 -m plateau_worker mymod:task --init mymod:setup

Each worker process imports MODULE once, runs the optional initializer once, says
`ready 1`, then calls FUNCTION(task) for every task number plateau sends on stdin and answers
`ok`, or `error TYPE: MESSAGE` when it raises. Import, initialisation and start-up happen
before plateau's clock starts (they are recorded as startup_s). A target that cannot be
imported or is not callable is reported through the protocol as `error ...` before `ready`.

Anything the function prints goes to stderr (plateau shows its tail when a worker fails):
stdout carries the protocol alone. The contract is docs/worker-protocol.md in plateau's
repository; `serve(function)` runs the loop for a function you already hold.
"""

import argparse
import importlib
import os
import sys
import time
import traceback

VERSION = 1
# Answers wait at most this long to share one write while more tasks are already queued.
FLUSH_EVERY_S = 0.001


def load(target):
    """The callable named by "MODULE:FUNCTION" (FUNCTION may be dotted: "mod:Class.method")."""
    module, sep, attr = target.partition(":")
    if not sep or not module or not attr:
        raise ValueError(f"{target!r} is not MODULE:FUNCTION, e.g. mymod:cpu_intensive_task")
    obj = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise TypeError(f"{target} is not callable: it is {type(obj).__name__!r}")
    return obj


def one_line(exc):
    """"TYPE: MESSAGE" of an exception, on one line."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return " ".join(text.splitlines())


def _protocol_out():
    """A raw handle on the real stdout for the protocol; fd 1 and sys.stdout become stderr,
    so prints (Python's or a C library's) can never corrupt the protocol."""
    out = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def _write(fd, data):
    while data:
        data = data[os.write(fd, data):]


def serve(function, out=None, inp=0):
    """Answers tasks from file descriptor `inp` with `function(task)` until `quit` or the end
    of input; writes `ready 1` first. Returns the exit status (0)."""
    out = _protocol_out() if out is None else out
    _write(out, b"ready %d\n" % VERSION)
    buf = b""
    answers = []
    flushed = time.monotonic()
    while True:
        chunk = os.read(inp, 65536)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for i, raw in enumerate(lines):
            line = raw.strip()
            if line == b"quit":
                _write(out, b"".join(answers))
                return 0
            try:
                function(int(line))
                answers.append(b"ok\n")
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # the task failed: say why, keep serving
                traceback.print_exc()
                answers.append(b"error " + one_line(exc).encode("utf-8", "replace") + b"\n")
            # A lone or slow task is answered at once; queued fast ones share one write.
            if i == len(lines) - 1 or time.monotonic() - flushed >= FLUSH_EVERY_S:
                _write(out, b"".join(answers))
                answers.clear()
                flushed = time.monotonic()
    _write(out, b"".join(answers))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m plateau_worker",
        description="Serve FUNCTION(task) to plateau over its worker protocol "
        "(plateau run --persistent -- python3 -m plateau_worker MODULE:FUNCTION).",
    )
    parser.add_argument("target", metavar="MODULE:FUNCTION", help="the function each task calls")
    parser.add_argument("--init", metavar="MODULE:FUNCTION", help="called once per worker, before ready")
    args = parser.parse_args(argv)
    out = _protocol_out()
    # Like `python -m`, find the user's modules in the current folder.
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        function = load(args.target)
        if args.init:
            load(args.init)()
    except BaseException as exc:  # report every start-up failure through the protocol
        traceback.print_exc()
        what = f"--init {args.init}" if args.init and "function" in locals() else args.target
        _write(out, b"error cannot load %s: %s\n" % (what.encode(), one_line(exc).encode()))
        return 1
    return serve(function, out)


if __name__ == "__main__":
    sys.exit(main())
