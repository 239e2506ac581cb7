"""Cold start to first paint, and idle memory: gatepost against a bare QMainWindow.

Gatepost's "painted" is its main window's first paint, built into the frame after the
frame's own (gui/frame.py): the full window, where benchmarks/desktop.py's first frame
is the frame's outline.

Both run in fresh processes, alternating, on the offscreen platform; the time is wall
clock from spawning the process to reading its "painted" line, so interpreter start-up
counts for both. Prints medians and the ratios the targets are stated in.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMANDS = {
    "bare": [sys.executable, str(HERE / "bare_window.py")],
    "gatepost": [sys.executable, "-m", "gui"],
}


def _run(command: list[str], mode: str) -> tuple[float, int | None]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GATEPOST_BENCH_STARTUP=mode)
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    painted = None
    rss = None
    for line in proc.stdout:
        if line.startswith("painted") and painted is None:
            painted = time.perf_counter() - started
        elif line.startswith("rss"):
            rss = int(line.split()[1])
    proc.wait(timeout=60)
    if painted is None:
        raise SystemExit(f"{command} never painted")
    return painted, rss


def measure(runs: int = 9) -> dict[str, dict[str, float]]:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    rss: dict[str, list[int]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():
        _run(command, "paint")  # warm the page cache: "cold" means a new process
    for _ in range(runs):
        for name, command in COMMANDS.items():
            times[name].append(_run(command, "paint")[0])
    for _ in range(3):
        for name, command in COMMANDS.items():
            rss[name].append(_run(command, "idle")[1] or 0)
    return {name: {"start_s": statistics.median(times[name]),
                   "rss_mib": statistics.median(rss[name]) / 1024} for name in COMMANDS}


def main() -> None:
    result = measure()
    bare, ours = result["bare"], result["gatepost"]
    print(f"start to the main window's first paint: bare {bare['start_s'] * 1000:.0f} ms, gatepost "
          f"{ours['start_s'] * 1000:.0f} ms, ratio {ours['start_s'] / bare['start_s']:.2f} "
          "(the target is on the first frame: benchmarks/desktop.py)")
    print(f"idle memory (RSS):    bare {bare['rss_mib']:.1f} MiB, gatepost "
          f"{ours['rss_mib']:.1f} MiB, ratio {ours['rss_mib'] / bare['rss_mib']:.2f} "
          "(target <= 1.5)")


if __name__ == "__main__":
    main()
