"""plateau-bench for Python: how many workers should your pool have?

    from plateau_bench import sweep
    r = sweep(my_function, workers=range(1, 9))
    r.recommended, r.points, r.verdict, r.path

sweep() runs the `plateau` binary this package installs with a persistent pool of your
function (the worker side is plateau_bench.worker, standard library only). Linux only.
"""

from .result import SweepResult
from .runner import PlateauError, TaskFailed, find_binary, sweep

__all__ = ["sweep", "SweepResult", "PlateauError", "TaskFailed", "find_binary"]
