"""The Python side of plateau's worker protocol (version 1), standard library only.

Run your own function as a long-lived plateau worker:

    plateau run --persistent -- python3 -m plateau_bench.worker mymod:cpu_intensive_task
    plateau run --persistent -- python3 -m plateau_bench.worker bench.py:cpu_intensive_task
    plateau run --persistent -- python3 -m plateau_bench.worker mymod:task --init mymod:setup

Each worker loads its target once (see plateau_bench.targets: a module function, a script's
function imported by path, or a pickled function), runs the optional initializer once, says
`ready 1`, then calls FUNCTION(task) for every task number plateau sends and answers `ok`, or
`error TYPE: MESSAGE` when it raises. A coroutine function is run to its end on one event loop
per worker; a generator is consumed. Loading, initialisation and start-up happen before
plateau's clock starts (they are recorded as startup_s). A target that cannot be loaded is
reported through the protocol as `error ...` before `ready`.

The protocol's two channels are kept from the function: the function's stdin is /dev/null,
and whatever it prints goes to stderr (plateau shows its tail when a worker fails). Every
answer is written before the next task starts, so a worker that dies in a task (os._exit, a
signal, a crash) is reported with that task, never an earlier one. The contract is
docs/worker-protocol.md in plateau's repository; `serve(function)` runs the loop for a
function you already hold.
"""

import argparse
import collections
import inspect
import json
import os
import sys
import traceback

from . import targets

VERSION = 1


def one_line(exc):
    """"TYPE: MESSAGE" of an exception, on one line."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return " ".join(text.splitlines())


def take_channels():
    """Moves the protocol off fds 0 and 1 and returns (input fd, output fd): fd 0 and
    sys.stdin become /dev/null, fd 1 and sys.stdout become stderr, so neither the function nor
    a C library nor a child process it starts can read tasks or corrupt answers. The two fds
    returned are not inherited by child processes."""
    inp, out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull)
    sys.stdout = sys.stderr
    return inp, out


def _write(fd, data):
    while data:
        data = data[os.write(fd, data):]


class Runner:
    """Calls the function and runs what it returns to its end: an awaitable on this worker's
    one event loop, a generator or async generator consumed. A plain result is discarded."""

    def __init__(self, function):
        self.function = function
        self._loop = None
        if inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function):
            self._new_loop()  # now, before ready, rather than inside the first timed task

    def _new_loop(self):
        import asyncio

        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)  # for code that asks for "the" loop

    def _run_async(self, awaitable):
        if self._loop is None:
            self._new_loop()
        return self._loop.run_until_complete(awaitable)

    def __call__(self, task):
        result = self.function(task)
        if inspect.isawaitable(result):
            result = self._run_async(result)
        if inspect.isgenerator(result):
            collections.deque(result, maxlen=0)
        elif inspect.isasyncgen(result):
            self._run_async(_drain(result))


async def _drain(agen):
    async for _ in agen:
        pass


def serve(function, out=None, inp=None):
    """Answers tasks from fd `inp` with `function(task)` until `quit` or the end of input;
    writes `ready 1` first. Without fds, takes the process's own channels (take_channels).
    Returns the exit status (0)."""
    if out is None or inp is None:
        inp, out = take_channels()
    run = function if isinstance(function, Runner) else Runner(function)
    _write(out, b"ready %d\n" % VERSION)
    buf = b""
    while True:
        chunk = os.read(inp, 65536)
        if not chunk:
            return 0
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for raw in lines:
            line = raw.strip()
            if line == b"quit":
                return 0
            try:
                run(int(line))
                answer = b"ok\n"
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # the task failed: say why, keep serving
                traceback.print_exc()
                answer = b"error " + one_line(exc).encode("utf-8", "replace") + b"\n"
            # Before the next task: a death in it must not take this answer with it.
            _write(out, answer)


def adopt_caller_path():
    """Puts the caller's sys.path entries (sent by sweep()) ahead of this worker's own, and,
    like `python -m`, the working folder."""
    given = json.loads(os.environ.get(targets.CALLER_PATH, "[]"))
    for entry in reversed(given + [os.getcwd()]):
        if entry not in sys.path:
            sys.path.insert(0, entry)


def _refusal(what, exc):
    why = " ".join(str(exc).splitlines()) if isinstance(exc, targets.Unloadable) else one_line(exc)
    return b"error cannot load %s: %s\n" % (
        what.encode("utf-8", "replace"),
        why.encode("utf-8", "replace"),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m plateau_bench.worker",
        description="Serve FUNCTION(task) to plateau over its worker protocol "
        "(plateau run --persistent -- python3 -m plateau_bench.worker MODULE:FUNCTION).",
    )
    parser.add_argument(
        "target",
        metavar="TARGET",
        help="the function each task calls: MODULE:FUNCTION or PATH.py:FUNCTION",
    )
    parser.add_argument("--init", metavar="TARGET", help="called once per worker, before ready")
    args = parser.parse_args(argv)
    inp, out = take_channels()
    os.environ[targets.IN_WORKER] = "1"
    adopt_caller_path()
    what = args.target
    try:
        runner = Runner(targets.load(args.target))
        if args.init:
            what = f"--init {args.init}"
            init = targets.load(args.init)
            Runner(lambda _task: init())(0)  # an async or generator initializer runs too
    except BaseException as exc:  # report every start-up failure through the protocol
        if not isinstance(exc, targets.Unloadable):
            traceback.print_exc()
        _write(out, _refusal(what, exc))
        return 1
    return serve(runner, out, inp)


if __name__ == "__main__":
    sys.exit(main())
