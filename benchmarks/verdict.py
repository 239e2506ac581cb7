"""Every target of the benchmarks, gathered as they run, for one summary at the end of
`python -m benchmarks.run` (issue 17: each ratio at or under its target in one run).

A benchmark calls `record` for each figure it has a target for; a figure it could not
measure (no X server, no npm) is recorded with `value=None` and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Figure:
    what: str
    value: float | None
    target: float
    unit: str = "x"
    why: str = ""

    @property
    def met(self) -> bool | None:
        return None if self.value is None else self.value <= self.target


FIGURES: list[Figure] = []


def record(what: str, value: float | None, target: float, unit: str = "x",
           why: str = "") -> None:
    FIGURES.append(Figure(what, value, target, unit, why))


def summary() -> list[str]:
    lines = ["summary (at or under target?)"]
    for f in FIGURES:
        if f.value is None:
            lines.append(f"  {f.what:<52} not measured: {f.why}")
            continue
        shown = f"{f.value:.2f}{f.unit}" if f.unit == "x" else f"{f.value:.0f} {f.unit}"
        goal = f"{f.target:.2f}{f.unit}" if f.unit == "x" else f"{f.target:.0f} {f.unit}"
        lines.append(f"  {f.what:<52} {shown:>9}  target <= {goal:<8} "
                     f"{'met' if f.met else 'NOT MET'}")
    return lines
