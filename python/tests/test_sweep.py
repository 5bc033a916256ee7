"""sweep() against the real plateau binary ($PLATEAU_BIN): a result read back from the run,
a failing task, a refused keyword, functions sent by reference and by value, and the script
a user runs with its __main__ guard."""

import json
import os
import signal
import subprocess
import sys
import time
import unittest

from helpers import Folder, binary, env, needs_binary

import plateau_bench
from plateau_bench import TaskFailed, sweep

# Few counts, few tasks, one round: a run of about a second with the debug binary.
QUICK = dict(workers=range(1, 3), tasks=4, repetitions=1, warmup=0, seed=1, echo=False)


def read(path):
    with open(path) as f:
        return json.load(f)


def square(n):
    return n * n


def fails_at_3(n):
    if n == 3:
        raise ValueError(f"task {n} is refused")


class InModule(Folder):
    def setUp(self):
        super().setUp()
        if binary():
            os.environ.setdefault("PLATEAU_BIN", binary())

    @needs_binary
    def test_a_sweep_returns_the_runs_figures(self):
        out = os.path.join(self.dir, "run")
        r = sweep(square, out=out, **QUICK)
        self.assertEqual(r.path, out)
        self.assertTrue(os.path.exists(os.path.join(out, "results.json")))
        self.assertIsInstance(r.recommended, int)
        self.assertIn(r.recommended, (1, 2))
        self.assertEqual([p["workers"] for p in r.points], [1, 2])
        self.assertTrue(all(p["tasks"] == 4 and p["tasks_per_sec"] > 0 for p in r.points))
        self.assertEqual(r.points[0]["speedup"], 1.0)
        self.assertEqual(r.results["config"]["mode"], "persistent")
        self.assertIn("--repetitions", r.results["run"]["command_line"])
        self.assertTrue(r.verdict)
        self.assertIn(f"recommended {r.recommended} worker", repr(r))
        html = r._repr_html_()
        self.assertIn("<svg", html)
        self.assertEqual(html.count("<tr>"), 3)

    @needs_binary
    def test_the_default_folder_is_dated_under_reports_and_ignored_by_git(self):
        here = os.getcwd()
        os.chdir(self.dir)
        self.addCleanup(os.chdir, here)
        r = sweep(square, **QUICK)
        folder = os.path.relpath(r.path, os.path.realpath(self.dir))
        self.assertRegex(folder, r"^reports/\d{4}-\d\d-\d\d_\d{6}_square$")
        with open(os.path.join(r.path, ".gitignore")) as f:
            self.assertIn("*", f.read().split())

    @needs_binary
    def test_a_failed_task_names_the_task_and_the_exception(self):
        with self.assertRaises(TaskFailed) as caught:
            sweep(fails_at_3, out=os.path.join(self.dir, "run"), **dict(QUICK, tasks=6))
        e = caught.exception
        self.assertEqual((e.task, e.exc_type, e.exc_message), (3, "ValueError", "task 3 is refused"))
        self.assertIn("task 3 failed: ValueError: task 3 is refused", str(e))
        self.assertEqual(e.path, os.path.join(self.dir, "run"))

    @needs_binary
    def test_a_keyword_plateau_refuses_raises_its_sentence(self):
        cases = {
            "repetitions": (0, "--repetitions"),
            "no_such_flag": (1, "--no-such-flag"),
            "schedule": ("sideways", "sideways"),
        }
        for key, (value, needle) in cases.items():
            with self.subTest(key=key):
                with self.assertRaises(ValueError) as caught:
                    sweep(square, out=os.path.join(self.dir, key), **{**QUICK, key: value})
                self.assertIn(needle, str(caught.exception))
                self.assertNotIn("\n", str(caught.exception))
                self.assertFalse(os.path.exists(os.path.join(self.dir, key, "results.json")))


class ByValue(Folder):
    def test_a_lambda_without_cloudpickle_is_refused_in_one_sentence(self):
        saved = sys.modules.get("cloudpickle")
        sys.modules["cloudpickle"] = None  # import cloudpickle now raises ImportError
        try:
            with self.assertRaises(ValueError) as caught:
                sweep(lambda n: n, out=os.path.join(self.dir, "run"), **QUICK)
        finally:
            if saved is None:
                del sys.modules["cloudpickle"]
            else:
                sys.modules["cloudpickle"] = saved
        message = str(caught.exception)
        self.assertIn("cloudpickle", message)
        self.assertIn("move it into a module", message)
        self.assertNotIn("\n", message)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "run")))

    @needs_binary
    def test_a_notebook_style_function_is_sent_by_value_with_cloudpickle(self):
        try:
            import cloudpickle  # noqa: F401
        except ImportError:
            self.skipTest("cloudpickle is not installed")
        # Defined by exec in a namespace that no worker can import, as a notebook cell is.
        cell = {"__name__": "__main__"}
        exec("def cell_task(n):\n    return sum(range(n + 1000))\n", cell)
        os.environ.setdefault("PLATEAU_BIN", binary())
        r = sweep(cell["cell_task"], out=os.path.join(self.dir, "run"), **QUICK)
        self.assertEqual(len(r.points), 2)
        self.assertTrue(r.results["config"]["workload"]["argv"][-1].endswith(".pkl"))


class AsAScript(Folder):
    def run_script(self, text):
        self.write("bench.py", text)
        e = env(PLATEAU_BIN=binary() or "")
        return subprocess.run(
            [sys.executable, "bench.py"], cwd=self.dir, env=e, capture_output=True, text=True,
            timeout=120,
        )

    @needs_binary
    def test_a_function_of_the_running_script_is_measured_from_its_main_guard(self):
        done = self.run_script("""
            from plateau_bench import sweep
            def cpu_intensive_task(n):
                return sum(i * i for i in range(20_000))
            if __name__ == "__main__":
                r = sweep(cpu_intensive_task, workers=[1, 2], tasks=4, repetitions=1,
                          warmup=0, out="run", echo=False)
                print("recommended", r.recommended, r.results["config"]["workload"]["argv"][-1])
        """)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertRegex(done.stdout, r"recommended [12] .*bench\.py:cpu_intensive_task")

    @needs_binary
    def test_a_script_without_the_guard_is_refused_naming_it(self):
        done = self.run_script("""
            from plateau_bench import sweep
            def task(n):
                return n
            sweep(task, workers=[1], tasks=2, repetitions=1, warmup=0, out="run", echo=False)
        """)
        self.assertNotEqual(done.returncode, 0)
        last = done.stderr.strip().splitlines()[-1]
        self.assertIn("ValueError", last)
        self.assertIn('if __name__ == "__main__":', last)


class Interrupt(Folder):
    @needs_binary
    def test_ctrl_c_lets_plateau_save_the_interrupted_run(self):
        self.write("slow.py", """
            import time
            from plateau_bench import sweep
            def task(n):
                time.sleep(0.02)
            if __name__ == "__main__":
                sweep(task, workers=[1, 2], tasks=10, repetitions=1000, warmup=0, out="run",
                      echo=False)
        """)
        proc = subprocess.Popen([sys.executable, "slow.py"], cwd=self.dir, stderr=subprocess.PIPE,
                                env=env(PLATEAU_BIN=binary() or ""), text=True)
        saved = os.path.join(self.dir, "run", "results.json")
        for _ in range(600):  # until a first batch is saved (at most a minute)
            if proc.poll() is not None or (os.path.exists(saved) and read(saved)["points"][0]["samples"]):
                break
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        self.assertIn("KeyboardInterrupt", err)
        record = read(saved)
        self.assertTrue(record["run"]["interrupted"], err)
        self.assertEqual(record["run"]["stop_reason"], "interrupted")
        self.assertIsNotNone(record["run"]["finished_at"])


class CommandLine(Folder):
    @needs_binary
    def test_plateau_run_serves_a_scripts_function_from_its_folder(self):
        self.write("bench.py", """
            def cpu_intensive_task(n):
                return sum(i * i for i in range(10_000))
            if __name__ == "__main__":
                raise SystemExit("the __main__ block ran in a worker")
        """)
        argv = [binary(), "run", "--persistent", "--workers", "1,2", "--tasks", "4",
                "--repetitions", "1", "--warmup", "0", "--quiet", "--out", "run", "--",
                sys.executable, "-m", "plateau_bench.worker", "bench.py:cpu_intensive_task"]
        done = subprocess.run(argv, cwd=self.dir, env=env(), capture_output=True, text=True,
                              timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "run", "results.json")))


    @needs_binary
    def test_a_worker_that_exits_in_a_task_is_reported_with_that_task(self):
        self.write("m.py", """
            import os
            def task(n):
                if n == 5:
                    os._exit(7)
        """)
        # One claim of all eight tasks: tasks 0-4 finish in microseconds before task 5 exits.
        argv = [binary(), "run", "--persistent", "--workers", "1", "--tasks", "8", "--chunk", "8",
                "--repetitions", "1", "--warmup", "0", "--quiet", "--out", "run", "--",
                sys.executable, "-m", "plateau_bench.worker", "m:task"]
        done = subprocess.run(argv, cwd=self.dir, env=env(), capture_output=True, text=True,
                              timeout=120)
        self.assertEqual(done.returncode, 3, done.stderr)
        self.assertIn("while running task 5", done.stderr)
        self.assertIn("exited with status 7", done.stderr)


class Binary(unittest.TestCase):
    def test_plateau_bin_is_the_binary_sweep_runs(self):
        os.environ["PLATEAU_BIN"], saved = "/nonexistent/plateau", os.environ.get("PLATEAU_BIN")
        try:
            self.assertEqual(plateau_bench.find_binary(), "/nonexistent/plateau")
        finally:
            if saved is None:
                del os.environ["PLATEAU_BIN"]
            else:
                os.environ["PLATEAU_BIN"] = saved


if __name__ == "__main__":
    unittest.main()
