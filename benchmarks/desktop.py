"""Start-up and idle memory of the real window, measured from outside as a desktop sees
it: an X server (Xvfb, Qt's `xcb` platform), Gatepost against a bare PySide6
QMainWindow of the same size, alternating in one run.

- start-up: from exec to the window's first frame on the screen (XDamage on the root
  window after its MapNotify: benchmarks/xwatch.py). No probe inside the application.
  Gatepost's first frame is its frame's outline of the layout (gui/frame.py); the main
  window is built into it next, and the session restored after that, all of which
  "exec to idle" includes. `python -m benchmarks.startup` times the main window's own
  first paint from inside.
- idle memory: VmRSS once the process is idle, i.e. whatever it defers has run: its CPU
  time has not moved by more than IDLE_CPU_TICKS and its RSS by more than IDLE_RSS_KIB
  for IDLE_FOR seconds (read from /proc, every POLL seconds).

Three programs per round: the bare window, Gatepost with an empty data folder, and
Gatepost whose session reopens a collection of 200 requests with three request tabs
(generated in a temporary GATEPOST_DATA_DIR). Medians of ROUNDS. Nothing here needs to
be installed beyond Xvfb (`apt-get install xvfb`); without it the figures are skipped
with a sentence saying why.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from benchmarks import verdict
from benchmarks.xwatch import ScreenWatch, XError

HERE = Path(__file__).resolve().parent
ROUNDS = 5
POLL = 0.1
IDLE_FOR = 1.5
IDLE_CPU_TICKS = 3  # 1/100 s each: under 2 % of a core over IDLE_FOR
IDLE_RSS_KIB = 256
IDLE_TIMEOUT = 30.0
TICK = os.sysconf("SC_CLK_TCK")


class Skip(Exception):
    """A figure that cannot be measured here, and why."""


@contextlib.contextmanager
def xvfb() -> Iterator[str]:
    """A private X server on a free display number; its name (":N")."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise Skip("Xvfb is not installed (apt-get install xvfb)")
    number = next(n for n in range(90, 200)
                  if not Path(f"/tmp/.X11-unix/X{n}").exists()
                  and not Path(f"/tmp/.X{n}-lock").exists())
    display = f":{number}"
    server = subprocess.Popen([binary, display, "-screen", "0", "1920x1080x24",
                               "-nolisten", "tcp", "-noreset"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise Skip(f"Xvfb did not start on {display}")
            time.sleep(0.05)
        yield display
    finally:
        server.terminate()
        server.wait(10)


def _cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])  # utime + stime of every thread


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


def wait_idle(proc: subprocess.Popen) -> tuple[int, float]:
    """(RSS in KiB, seconds it took) once `proc` has settled."""
    started = time.perf_counter()
    samples: list[tuple[float, int, int]] = []
    window = round(IDLE_FOR / POLL)
    while time.perf_counter() - started < IDLE_TIMEOUT:
        if proc.poll() is not None:
            raise Skip("the program exited before it was idle")
        samples.append((time.perf_counter(), _cpu_ticks(proc.pid), _rss_kib(proc.pid)))
        recent = samples[-window - 1:]
        if len(recent) > window:
            cpu = recent[-1][1] - recent[0][1]
            rss = [s[2] for s in recent]
            if cpu <= IDLE_CPU_TICKS and max(rss) - min(rss) <= IDLE_RSS_KIB:
                return rss[-1], recent[0][0] - started
        time.sleep(POLL)
    raise Skip(f"the program was still busy after {IDLE_TIMEOUT:.0f} s")


def run_once(display: str, command: list[str], env: dict[str, str]) -> dict[str, float]:
    env = {**os.environ, **env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    # An installed program starts from compiled bytecode: without it every start would
    # compile Gatepost's sources again (PYTHONPYCACHEPREFIX keeps the checkout clean).
    for name in ("WAYLAND_DISPLAY", "GATEPOST_BENCH_STARTUP", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    watch = ScreenWatch(display)
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            try:
                mapped, drawn = watch.wait_visible(30, lambda: proc.poll() is None)
            except XError as exc:
                raise Skip(f"{exc}: {_stderr_tail(proc)}") from None
            rss, settled = wait_idle(proc)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    finally:
        watch.close()
    return {"mapped": mapped - started, "visible": drawn - started, "rss": rss / 1024,
            "ready": drawn - started + settled}


def _stderr_tail(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.kill()
    _, err = proc.communicate(timeout=10)
    return (err or "").strip().splitlines()[-1:][0] if (err or "").strip() else "no output"


# -- the data: a collection of 200 requests and a session that reopens it ---------------------

REQUESTS = 200
FOLDERS = 10


def generate(root: Path) -> dict[str, str]:
    """Write the collection and the session file under `root`; the environment that
    points Gatepost at them."""
    from gui.core.collections import schema as colschema
    from gui.core.collections.model import Collection, Folder, RequestItem
    from gui.core.collections.yamlio import dump
    from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec, Row

    path = root / "collection"
    path.mkdir(parents=True)
    c = Collection(path, uuid.uuid4().hex, "Benchmark")
    (path / "collection.yaml").write_text(dump(colschema.collection_data(c)))
    tabs = []
    for f in range(FOLDERS):
        folder = path / f"folder-{f:02d}"
        folder.mkdir()
        meta = Folder(folder, f"Folder {f}", [Row("X-Folder", str(f))], id=uuid.uuid4().hex)
        (folder / "folder.yaml").write_text(dump(colschema.folder_data(meta)))
        for r in range(REQUESTS // FOLDERS):
            kind = r % 3
            spec = RequestSpec(
                method="POST" if kind == 1 else "GET",
                url=f"https://{{{{host}}}}/api/v1/items/{f}/{r}?page=1&size=20",
                headers=[Row("Accept", "application/json"), Row("X-Trace", "{{trace}}")],
                body=Body(BodyKind.JSON, text=json.dumps(
                    {"id": r, "name": f"item {r}", "tags": ["a", "b"], "price": 9.5},
                    indent=2)) if kind == 1 else Body(),
                auth=AuthConfig("bearer", {"token": "{{token}}"}) if kind == 2 else
                AuthConfig("inherit"))
            item = RequestItem(folder / f"request-{r:02d}.request.yaml",
                               f"Request {f}-{r}", spec, uuid.uuid4().hex)
            item.path.write_text(dump(colschema.request_data(item)))
            if f == 0 and r < 3:  # one of each kind: plain GET, JSON POST, bearer
                tabs.append(str(item.path))
    data = root / "data"
    data.mkdir()
    (data / "session.json").write_text(json.dumps(
        {"collections": [str(path)], "tabs": tabs, "environments": {}}))
    return {"GATEPOST_DATA_DIR": str(data)}


def measure(rounds: int = ROUNDS) -> dict[str, dict[str, float]]:
    gatepost = [sys.executable, "-m", "gui"]
    with tempfile.TemporaryDirectory(prefix="gatepost-bench-") as tmp:
        tmp_path = Path(tmp)
        empty = tmp_path / "empty"
        with_collection = generate(tmp_path / "full")
        session = Path(with_collection["GATEPOST_DATA_DIR"]) / "session.json"
        kept = session.read_bytes()
        cache = {"PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
        programs = {
            "bare": ([sys.executable, str(HERE / "bare_window.py")], cache),
            "gatepost": (gatepost, {**cache, "GATEPOST_DATA_DIR": str(empty)}),
            "collection": (gatepost, {**cache, **with_collection}),
        }
        results: dict[str, list[dict[str, float]]] = {name: [] for name in programs}
        with xvfb() as display:
            for rnd in range(rounds + 1):  # the first round warms the page cache
                for name, (command, env) in programs.items():
                    shutil.rmtree(empty, ignore_errors=True)
                    empty.mkdir()
                    session.write_bytes(kept)  # as the last session left it, every time
                    figures = run_once(display, command, env)
                    if rnd:
                        results[name].append(figures)
    return {name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            for name, runs in results.items()}


def report(result: dict[str, dict[str, float]]) -> list[str]:
    bare = result["bare"]
    lines = [f"desktop (Xvfb, xcb), median of {ROUNDS}: exec to first frame | idle RSS | "
             "exec to idle (all deferred work done)"]
    for name, label in (("bare", "bare QMainWindow"), ("gatepost", "gatepost, empty"),
                        ("collection", "gatepost, 200 requests + 3 tabs")):
        r = result[name]
        lines.append(
            f"  {label:<32} {r['visible'] * 1000:5.0f} ms ({r['visible'] / bare['visible']:.2f}x)"
            f" | {r['rss']:6.1f} MiB ({r['rss'] / bare['rss']:.2f}x) | idle from "
            f"{r['ready'] * 1000:5.0f} ms")
    lines.append("  targets: start-up <= 1.5x, idle memory <= 1.5x the bare window")
    return lines


def main() -> None:
    try:
        result = measure()
    except (Skip, XError) as exc:
        print(f"desktop: skipped: {exc}")
        for what in ("start-up", "idle memory"):
            verdict.record(f"desktop: {what}, 200 requests + 3 tabs", None, 1.5, why=str(exc))
        return
    print("\n".join(report(result)), flush=True)
    bare = result["bare"]
    for name, label in (("gatepost", "empty"), ("collection", "200 requests + 3 tabs")):
        r = result[name]
        verdict.record(f"desktop: start-up, {label}", r["visible"] / bare["visible"], 1.5)
        verdict.record(f"desktop: idle memory, {label}", r["rss"] / bare["rss"], 1.5)


if __name__ == "__main__":
    main()
