"""Importing a generated Postman v2.1 collection of 5,000 requests in 200 folders, then
opening the result as the window would: the time from the file to an open collection.

Generating the file is not timed. Keychain-free (the generated auth refers to a
variable) and with its own data folder, so nothing of the user's is touched. Run it
from the checkout: `python -m benchmarks.import_postman`.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import verdict

FOLDERS = 200
REQUESTS = 5000
ROUNDS = 3
TARGET = 2.0


def generate(path: Path) -> None:
    per_folder = REQUESTS // FOLDERS
    folders = []
    for f in range(FOLDERS):
        items = []
        for r in range(per_folder):
            request: dict[str, object] = {
                "method": "POST" if r % 3 == 0 else "GET",
                "header": [{"key": "Accept", "value": "application/json"},
                           {"key": "X-Trace", "value": "{{trace}}", "disabled": r % 2 == 0}],
                "url": {"raw": f"{{{{baseUrl}}}}/api/v1/items/{f}/{r}?page=1",
                        "host": ["{{baseUrl}}"], "path": ["api", "v1", "items", str(f), str(r)],
                        "query": [{"key": "page", "value": "1"},
                                  {"key": "debug", "value": "1", "disabled": True}]},
            }
            if r % 3 == 0:
                request["body"] = {"mode": "raw", "raw": f'{{\n  "id": {r},\n  "name": "item"\n}}',
                                   "options": {"raw": {"language": "json"}}}
            items.append({"name": f"Request {f}-{r}", "request": request,
                          "event": [{"listen": "test", "script": {
                              "exec": ["pm.test('ok', () => pm.response.to.be.ok);"]}}]
                          if r == 0 else []})
        folders.append({"name": f"Folder {f}", "item": items,
                        "description": f"Folder number {f}."})
    collection = {
        "info": {"name": "Benchmark",
                 "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]},
        "variable": [{"key": "baseUrl", "value": "https://api.example.test"}],
        "item": folders,
    }
    path.write_text(json.dumps(collection))


def main() -> None:
    saved = os.environ.get("GATEPOST_DATA_DIR")
    try:
        _main()
    finally:  # benchmarks.run goes on in this process
        if saved is None:
            os.environ.pop("GATEPOST_DATA_DIR", None)
        else:
            os.environ["GATEPOST_DATA_DIR"] = saved


def _main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GATEPOST_DATA_DIR"] = str(Path(tmp) / "data")
        from gui.core.collections.manage import open_collection
        from gui.core.importers import read
        from gui.core.importers.write import write

        source = Path(tmp) / "big.postman_collection.json"
        generate(source)
        size = source.stat().st_size
        times, imports, cpu = [], [], []
        for n in range(ROUNDS):
            target = Path(tmp) / f"imported-{n}"
            started, started_cpu = time.perf_counter(), time.process_time()
            result = read(source)
            write(result, target)
            imports.append(time.perf_counter() - started)
            opened, problems = open_collection(target)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            assert not problems and len(opened.requests()) == REQUESTS, problems[:3]
    # The CPU time says what the code costs when the disk is busy with other work.
    print(f"import_postman: {REQUESTS:,} requests in {FOLDERS} folders "
          f"({size / 1e6:.1f} MB of JSON), import + open: median "
          f"{statistics.median(times):.3f} s, best {min(times):.3f} s (target < {TARGET:.0f} s); "
          f"import alone: median {statistics.median(imports):.3f} s; CPU: median "
          f"{statistics.median(cpu):.3f} s")
    verdict.record(f"import: {REQUESTS:,} Postman requests, import + open",
                   statistics.median(times) * 1000, TARGET * 1000, unit="ms")


if __name__ == "__main__":
    main()
