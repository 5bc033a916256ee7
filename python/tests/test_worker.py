"""The adapter (python -m plateau_bench.worker) spoken to directly over the protocol: its
channels are kept from the function, coroutines and generators really run, a death in a task
keeps every earlier answer, and a script's function is imported by path."""

import os
import unittest

from helpers import Folder


class Channels(Folder):
    def test_the_function_reads_devnull_not_the_tasks(self):
        self.write("m.py", """
            import os, sys
            def task(n):
                got = sys.stdin.read() + os.read(0, 100).decode()
                if got:
                    raise RuntimeError(f"read {got!r} from stdin")
        """)
        out, err, code = self.converse("m:task", b"0\n1\n2\nquit\n")
        self.assertEqual(out, b"ready 1\nok\nok\nok\n", err)
        self.assertEqual(code, 0)

    def test_prints_and_child_processes_go_to_stderr(self):
        self.write("m.py", """
            import os
            def task(n):
                print("from print", n)
                os.system("echo from a child")
        """)
        out, err, code = self.converse("m:task", b"0\nquit\n")
        self.assertEqual(out, b"ready 1\nok\n")
        self.assertIn("from print 0", err)
        self.assertIn("from a child", err)
        self.assertNotIn("Warning", err)  # e.g. runpy's, had the package imported the adapter


class Bodies(Folder):
    def test_an_async_function_runs_its_body_on_one_loop(self):
        self.write("m.py", """
            import asyncio
            loops = set()
            async def task(n):
                await asyncio.sleep(0)
                loops.add(id(asyncio.get_running_loop()))
                if n == 1:
                    raise ValueError(f"ran task {n} on {len(loops)} loop(s)")
        """)
        out, err, _ = self.converse("m:task", b"0\n1\nquit\n")
        self.assertEqual(out, b"ready 1\nok\nerror ValueError: ran task 1 on 1 loop(s)\n", err)

    def test_a_generator_is_consumed_to_its_end(self):
        self.write("m.py", """
            def task(n):
                yield 1
                if n == 2:
                    raise KeyError("the body ran past its first yield")
        """)
        out, err, _ = self.converse("m:task", b"1\n2\nquit\n")
        self.assertEqual(out, b"ready 1\nok\nerror KeyError: 'the body ran past its first yield'\n", err)

    def test_an_async_generator_and_an_async_initializer_run(self):
        self.write("m.py", """
            ready = []
            async def setup():
                ready.append(1)
            async def task(n):
                if not ready:
                    raise RuntimeError("--init did not run")
                yield n
                raise ZeroDivisionError("after the yield")
        """)
        out, err, _ = self.converse("m:task", b"5\nquit\n", "--init", "m:setup")
        self.assertEqual(out, b"ready 1\nerror ZeroDivisionError: after the yield\n", err)


class Death(Folder):
    def test_os_exit_in_a_task_keeps_the_answers_of_the_tasks_before_it(self):
        self.write("m.py", """
            import os
            def task(n):
                if n == 3:
                    os._exit(7)
        """)
        out, _, code = self.converse("m:task", b"0\n1\n2\n3\n4\n")
        # Tasks 0-2 are answered before task 3 starts, so plateau names task 3, not task 0.
        self.assertEqual(out, b"ready 1\nok\nok\nok\n")
        self.assertEqual(code, 7)


class Targets(Folder):
    def test_a_scripts_function_is_imported_by_path_without_its_main_block(self):
        self.write("bench.py", """
            NAME = __name__
            def task(n):
                if n == 1:
                    raise LookupError(f"imported as {NAME}")
            if __name__ == "__main__":
                raise SystemExit("the __main__ block ran in a worker")
        """)
        os.mkdir(os.path.join(self.dir, "elsewhere"))
        out, err, _ = self.converse("bench.py:task", b"0\n1\nquit\n")
        self.assertEqual(out, b"ready 1\nok\nerror LookupError: imported as __plateau_main__\n", err)

    def test_a_script_beside_a_module_of_its_own_folder_imports_it(self):
        self.write("helper.py", "VALUE = 41\n")
        os.mkdir(os.path.join(self.dir, "sub"))
        self.write("sub/other.py", "VALUE = 1\n")
        self.write("sub/bench.py", """
            import other
            def task(n):
                assert other.VALUE == 1
        """)
        out, err, _ = self.converse("sub/bench.py:task", b"0\nquit\n")
        self.assertEqual(out, b"ready 1\nok\n", err)

    def test_targets_that_cannot_load_say_why_before_ready(self):
        cases = {
            "missing.py:task": "missing.py is not a file",
            "nomodule:task": "ModuleNotFoundError: No module named 'nomodule'",
            "justaname": "is not MODULE:FUNCTION or PATH.py:FUNCTION",
            "m:VALUE": "m:VALUE is not callable: it is 'int'",
        }
        self.write("m.py", "VALUE = 3\n")
        for target, needle in cases.items():
            with self.subTest(target=target):
                out, _, code = self.converse(target, b"0\n")
                self.assertTrue(out.startswith(b"error cannot load " + target.encode()), out)
                self.assertIn(needle.encode(), out)
                self.assertNotIn(b"ready", out)
                self.assertEqual(code, 1)


if __name__ == "__main__":
    unittest.main()
