"""SweepResult: one finished run read from its results.json, with the figures a Python user
asks for first, a table for the terminal and for Jupyter (with the run's chart), and pandas
on request."""

import html
import os


def _pair(values):
    return tuple(values) if isinstance(values, (list, tuple)) and len(values) == 2 else (None, None)


def _point(point, default_tasks):
    summary = point.get("summary") or {}
    return {
        "workers": point["workers"],
        "tasks": point.get("tasks", default_tasks),
        "tasks_per_sec": summary.get("tasks_per_sec"),
        "tasks_per_sec_ci95": _pair(summary.get("tasks_per_sec_ci95")),
        "speedup": summary.get("speedup"),
        "efficiency": summary.get("efficiency"),
        "median_s": summary.get("median_s"),
        "ci95_s": _pair(summary.get("ci95_s")),
        "cv": summary.get("cv"),
        "samples": len(point.get("samples") or []),
    }


def _num(value, spec):
    return "-" if value is None else format(value, spec)


class SweepResult:
    """A finished sweep. `path` is its folder, `results` its results.json as a dict."""

    def __init__(self, path, results, table="", name="the function"):
        self.path = path
        self.results = results
        self.table = table
        self.name = name

    @property
    def analysis(self):
        return self.results.get("analysis") or {}

    @property
    def recommended(self):
        """The recommended worker count (an int), or None when there was nothing to decide."""
        value = self.analysis.get("recommended_workers")
        return None if value is None else int(value)

    @property
    def stability(self):
        """Share of bootstrap resamples that recommend the same count (None when not drawn)."""
        return (self.analysis.get("decision") or {}).get("stability")

    @property
    def verdict(self):
        """The analysis's verdict, in words."""
        return self.analysis.get("verdict", "")

    @property
    def warnings(self):
        return list(self.analysis.get("warnings") or [])

    @property
    def points(self):
        """One dict per worker count: workers, tasks, tasks_per_sec and its 95% CI
        (tasks_per_sec_ci95, a (low, high) pair), speedup, efficiency, median_s, ci95_s, cv and
        the number of samples."""
        default = (self.results.get("config") or {}).get("tasks")
        return [_point(p, default) for p in self.results.get("points") or []]

    def to_pandas(self):
        """The points as a pandas DataFrame, one row per worker count (pandas is imported
        here, only when asked for)."""
        import pandas

        rows = []
        for p in self.points:
            row = {k: v for k, v in p.items() if k not in ("tasks_per_sec_ci95", "ci95_s")}
            row["tasks_per_sec_ci95_lo"], row["tasks_per_sec_ci95_hi"] = p["tasks_per_sec_ci95"]
            row["ci95_s_lo"], row["ci95_s_hi"] = p["ci95_s"]
            rows.append(row)
        return pandas.DataFrame(rows).set_index("workers")

    def _headline(self):
        rec = self.recommended
        stab = self.stability
        text = f"sweep of {self.name}: "
        text += "no recommendation" if rec is None else f"recommended {rec} worker{'s' * (rec != 1)}"
        if stab is not None:
            text += f" (stability {stab:.0%})"
        return text

    def _rows(self):
        for p in self.points:
            lo, hi = p["tasks_per_sec_ci95"]
            yield (
                str(p["workers"]),
                str(p["tasks"] if p["tasks"] is not None else "-"),
                _num(p["tasks_per_sec"], ".2f"),
                f"[{_num(lo, '.2f')}, {_num(hi, '.2f')}]",
                _num(p["speedup"], ".2f") + ("x" if p["speedup"] is not None else ""),
                _num(None if p["efficiency"] is None else p["efficiency"] * 100, ".0f")
                + ("%" if p["efficiency"] is not None else ""),
            )

    HEADER = ("workers", "tasks", "tasks/s", "95% CI of tasks/s", "speedup", "efficiency")

    def __repr__(self):
        rows = [self.HEADER, *self._rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEADER))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
        return "\n".join([self._headline(), *lines, f"folder: {self.path}"])

    def _repr_html_(self):
        chart = ""
        svg = os.path.join(self.path, "chart.svg")
        if os.path.exists(svg):
            with open(svg, encoding="utf-8") as f:
                chart = f.read()
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.HEADER)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self._rows()
        )
        return (
            f"<div><p><b>{html.escape(self._headline())}</b></p>{chart}"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p>{html.escape(self.verdict)}</p><p><code>{html.escape(self.path)}</code></p></div>"
        )
