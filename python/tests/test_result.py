"""SweepResult read from a saved run (the repository's published example run): the
figures, the text and HTML views, and pandas imported only when asked for."""

import json
import os
import subprocess
import sys
import types
import unittest

from helpers import PYTHON_DIR, env

from plateau_bench import SweepResult

RUN = os.path.join(os.path.dirname(PYTHON_DIR), "reports", "2026-11-21_224126_cpu")


def load():
    with open(os.path.join(RUN, "results.json")) as f:
        return SweepResult(RUN, json.load(f), name="cpu")


class Figures(unittest.TestCase):
    def test_points_fall_back_to_the_configs_task_count(self):
        r = load()
        tasks = r.results["config"]["tasks"]
        self.assertTrue(r.points)
        for p, raw in zip(r.points, r.results["points"]):
            self.assertEqual(p["workers"], raw["workers"])
            self.assertEqual(p["tasks"], raw.get("tasks", tasks))
            self.assertEqual(list(p["tasks_per_sec_ci95"]), raw["summary"]["tasks_per_sec_ci95"])
        self.assertEqual(r.recommended, r.results["analysis"]["recommended_workers"])

    def test_a_points_own_task_count_wins(self):
        r = load()
        r.results["points"][0]["tasks"] = 12345
        self.assertEqual(r.points[0]["tasks"], 12345)

    def test_repr_and_html_show_every_count(self):
        r = load()
        text = repr(r)
        self.assertTrue(text.startswith(f"sweep of cpu: recommended {r.recommended} worker"))
        self.assertEqual(len(text.splitlines()), len(r.points) + 3)
        page = r._repr_html_()
        self.assertEqual(page.count("<tr>"), len(r.points) + 1)
        self.assertEqual(page.count("<svg"), 1)
        self.assertIn(r.verdict[:40].replace("'", "&#x27;"), page)


class Pandas(unittest.TestCase):
    def test_importing_the_package_does_not_import_pandas(self):
        code = "import sys, plateau_bench; print('pandas' in sys.modules)"
        done = subprocess.run([sys.executable, "-c", code], env=env(), capture_output=True, text=True)
        self.assertEqual(done.stdout.strip(), "False", done.stderr)

    def test_to_pandas_builds_one_row_per_count(self):
        made = {}

        class DataFrame:
            def __init__(self, rows):
                made["rows"] = rows

            def set_index(self, key):
                made["index"] = key
                return self

        saved = sys.modules.get("pandas")
        sys.modules["pandas"] = types.SimpleNamespace(DataFrame=DataFrame)
        try:
            r = load()
            r.to_pandas()
        finally:
            if saved is None:
                del sys.modules["pandas"]
            else:
                sys.modules["pandas"] = saved
        self.assertEqual(made["index"], "workers")
        self.assertEqual([row["workers"] for row in made["rows"]], [p["workers"] for p in r.points])
        first = made["rows"][0]
        self.assertEqual(first["tasks_per_sec_ci95_lo"], r.points[0]["tasks_per_sec_ci95"][0])
        self.assertNotIn("tasks_per_sec_ci95", first)


if __name__ == "__main__":
    unittest.main()
