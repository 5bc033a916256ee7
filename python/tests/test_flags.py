"""Keywords become `plateau run` flags by one generic rule."""

import datetime
import unittest

from plateau_bench.flags import seconds, to_flags


class Flags(unittest.TestCase):
    def test_values_become_flags(self):
        args = to_flags({
            "workers": range(1, 9), "target_ci": "2%", "pin": True, "shell": False,
            "tasks": None, "sizes": [1, 10, 100], "max_time": datetime.timedelta(minutes=2),
            "stepped": range(1, 10, 4),
        })
        self.assertEqual(args, [
            "--workers", "1..8", "--target-ci", "2%", "--pin", "--sizes", "1,10,100",
            "--max-time", "120s", "--stepped", "1,5,9",
        ])

    def test_flags_sweep_sets_itself_are_refused(self):
        with self.assertRaisesRegex(ValueError, "sets --persistent itself"):
            to_flags({"persistent": True})

    def test_durations_in_seconds(self):
        self.assertEqual([seconds(30), seconds(1.5), seconds("2m"), seconds(None)], ["30s", "1.5s", "2m", None])
        with self.assertRaises(ValueError):
            seconds(True)


if __name__ == "__main__":
    unittest.main()
