"""Shared by the Python tests: the adapter as a subprocess spoken to over the protocol, files
written into a temporary folder, and the plateau binary the sweep() tests run."""

import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def env(**extra):
    """The environment of a child Python that imports plateau_bench from this checkout."""
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [PYTHON_DIR, e.get("PYTHONPATH")]))
    e.update(extra)
    return e


class Folder(unittest.TestCase):
    """A test with its own temporary folder, `self.dir`, as the working folder of children."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def converse(self, target, tasks, *extra, timeout=30):
        """Runs the adapter on `target`, sends `tasks` (a bytes of lines) at once and closes
        its stdin; returns (stdout bytes, stderr text, exit code)."""
        proc = subprocess.run(
            [sys.executable, "-m", "plateau_bench.worker", target, *extra],
            input=tasks, capture_output=True, cwd=self.dir, env=env(), timeout=timeout,
        )
        return proc.stdout, proc.stderr.decode("utf-8", "replace"), proc.returncode


def binary():
    """The plateau binary under test ($PLATEAU_BIN), or None."""
    path = os.environ.get("PLATEAU_BIN")
    return path if path and os.access(path, os.X_OK) else None


needs_binary = unittest.skipUnless(binary(), "PLATEAU_BIN names no plateau binary")
