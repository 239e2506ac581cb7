"""`gatepost run` against its floor (and newman): 500 requests, two assertions each.

The same collection — 500 GETs to one loopback httpbin (its own process), each checked
for its status and a JMESPath into its JSON body — is run by:

- `gatepost run DIR` (a fresh process, as CI runs it);
- the floor: a plain `httpx.Client` loop in a fresh process, making the same requests
  and the same two checks;
- `newman run` on the same collection in Postman v2.1 form, when newman can be had:
  the benchmark installs it itself (`npm install newman` into a cache folder), never the
  tests; `--no-newman` skips it.

Wall time is the whole process (start-up included, as a CI job pays it), peak memory
its maximum resident set (wait4, in a small launcher process: see LAUNCHER). Rounds
alternate so that drift in the machine's load hits all alike; the median wall time and
the largest peak are reported.

    python -m benchmarks.runner [--rounds 3] [--no-newman]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import verdict

REQUESTS = 500
#: gatepost run's wall time and peak memory, each against the floor's (issue 20).
TARGET = 1.5
ROOT = Path(__file__).resolve().parent.parent
NEWMAN_HOME = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / \
    "gatepost-bench" / "newman"

SERVER = r"""
import sys
from httpbin import app
from werkzeug.serving import make_server
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""

FLOOR = r"""
import json, sys
import httpx
base, count = sys.argv[1], int(sys.argv[2])
failed = 0
with httpx.Client() as client:
    for n in range(count):
        response = client.get(f"{base}/anything/item-{n}")
        if response.status_code != 200:
            failed += 1
        if not response.json()["url"].endswith(f"/item-{n}"):
            failed += 1
sys.exit(1 if failed else 0)
"""


def _collection(folder: Path, base: str) -> Path:
    root = folder / "bench"
    root.mkdir()
    (root / "collection.yaml").write_text(
        f"version: 1\nid: be0c4be0c4be0c4be0c4be0c4be0c4be\nname: Bench\n"
        f"variables:\n  - name: base\n    value: {base}\n", encoding="utf-8")
    for n in range(REQUESTS):
        (root / f"r{n:04d}.request.yaml").write_text(
            f"name: item {n}\nurl: \"{{{{base}}}}/anything/item-{n}\"\n"
            "assertions:\n"
            "  - query: status\n    equals: 200\n"
            f"  - query: jmespath url\n    ends_with: /item-{n}\n", encoding="utf-8")
    return root


def _postman(folder: Path, base: str) -> Path:
    items = []
    for n in range(REQUESTS):
        items.append({
            "name": f"item {n}",
            "request": {"method": "GET", "url": f"{{{{base}}}}/anything/item-{n}"},
            "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": [
                "pm.test('status', () => pm.response.to.have.status(200));",
                f"pm.test('url', () => pm.expect(pm.response.json().url)"
                f".to.match(/\\/item-{n}$/));",
            ]}}],
        })
    doc = {"info": {"name": "Bench", "schema": "https://schema.getpostman.com/json/"
                    "collection/v2.1.0/collection.json"},
           "variable": [{"key": "base", "value": base}], "item": items}
    path = folder / "bench.postman_collection.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _newman() -> list[str] | None:
    """The newman command, installed into the cache folder on first use."""
    binary = NEWMAN_HOME / "node_modules" / ".bin" / "newman"
    if binary.exists():
        return [str(binary)]
    if shutil.which("npm") is None:
        return None
    NEWMAN_HOME.mkdir(parents=True, exist_ok=True)
    print("installing newman into", NEWMAN_HOME, "...", file=sys.stderr)
    done = subprocess.run(["npm", "install", "--prefix", str(NEWMAN_HOME), "--no-audit",
                           "--no-fund", "newman@6"], capture_output=True, text=True)
    if done.returncode != 0 or not binary.exists():
        print("newman could not be installed:", done.stderr.strip()[-400:], file=sys.stderr)
        return None
    return [str(binary)]


#: Starts one measured process and reports its wall time, peak memory and exit status.
#: A child's peak (ru_maxrss) includes the size of the process it was forked from, so
#: the measured process is forked from this small one, not from the benchmark's own
#: (which `benchmarks.run` has grown by running other benchmarks first).
LAUNCHER = r"""
import os, subprocess, sys, time
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    started = time.perf_counter()
    process = subprocess.Popen(sys.argv[3:], stdout=out, stderr=err)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
print(wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def _measure(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak resident MiB, exit status) of one process."""
    with tempfile.TemporaryDirectory() as folder:
        out, err = Path(folder) / "out", Path(folder) / "err"
        launched = subprocess.run([sys.executable, "-c", LAUNCHER, str(out), str(err),
                                   *command], env=env, capture_output=True, text=True,
                                  check=True)
        wall_text, peak_kib, code = launched.stdout.split()
        wall, returncode = float(wall_text), int(code)
        if returncode:
            shown = []
            for stream in (out, err):
                lines = stream.read_bytes().decode(errors="replace").splitlines()
                shown += [line for line in lines if not line.startswith("PASS")][-10:]
            print(f"{' '.join(command[:4])}: exit {returncode}:\n  "
                  + "\n  ".join(shown), file=sys.stderr)
    return wall, int(peak_kib) / 1024, returncode


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-newman", action="store_true")
    args = parser.parse_args(argv)
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            # Every process runs from compiled bytecode, as an installed program does
            # (pip compiles on install; this workplace sets PYTHONDONTWRITEBYTECODE, and
            # compiling Gatepost's modules at every start cost 67 ms of CPU): a private
            # PYTHONPYCACHEPREFIX, filled by the warm-up round below.
            env = {**os.environ, "GATEPOST_DATA_DIR": str(folder / "data"),
                   "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            runs = {
                "httpx loop (floor)": [sys.executable, "-c", FLOOR, base, str(REQUESTS)],
                "gatepost run": [sys.executable, "-m", "gui", "run",
                                 str(_collection(folder, base))],
            }
            newman = None if args.no_newman else _newman()
            if newman is not None:
                runs["newman run"] = [*newman, "run", str(_postman(folder, base)),
                                      "--reporters", "cli", "--silent"]
            for command in runs.values():  # warm the server and the file cache
                _measure(command, env)
            figures: dict[str, list[tuple[float, float, int]]] = {k: [] for k in runs}
            for _ in range(args.rounds):
                for name, command in runs.items():
                    figures[name].append(_measure(command, env))
    finally:
        server.terminate()
        server.wait()
    floor = figures["httpx loop (floor)"]
    floor_wall = statistics.median(f[0] for f in floor)
    floor_peak = max(f[1] for f in floor)
    print(f"{REQUESTS} requests, 2 assertions each, one loopback httpbin, "
          f"{args.rounds} rounds (median wall time, largest peak memory):")
    for name, results in figures.items():
        wall = statistics.median(f[0] for f in results)
        peak = max(f[1] for f in results)
        ok = "ok" if all(f[2] == 0 for f in results) else "FAILED"
        print(f"  {name:<20} {wall:6.2f} s ({wall / floor_wall:4.2f}x)   "
              f"{peak:6.1f} MiB ({peak / floor_peak:4.2f}x)   {ok}")
    run = figures["gatepost run"]
    failed = "" if all(f[2] == 0 for f in run) else "gatepost run failed"
    for what, value in (("wall time", statistics.median(f[0] for f in run) / floor_wall),
                        ("peak memory", max(f[1] for f in run) / floor_peak)):
        verdict.record(f"run: {REQUESTS} requests, {what} against an httpx loop",
                       None if failed else value, TARGET, why=failed)
    if "newman run" not in figures:
        print("  newman run           not measured (--no-newman, or npm unavailable)")


if __name__ == "__main__":
    main()
