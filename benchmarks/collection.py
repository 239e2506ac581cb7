"""A generated collection of 5,000 requests in 200 folders: time to open it, and to
filter its names by a substring (what the sidebar's filter box does on each key).

Only the open and the filter are timed; generating the files is not. Run it from the
checkout: `python -m benchmarks.collection`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from pathlib import Path

from gui.core.collections import schema as colschema
from gui.core.collections.manage import open_collection
from gui.core.collections.model import Collection, Folder, RequestItem
from gui.core.collections.yamlio import dump
from gui.core.model import Body, BodyKind, RequestSpec, Row

FOLDERS = 200
REQUESTS = 5000
ROUNDS = 5


def generate(path: Path) -> None:
    """Write the collection's files directly (new_request would fsync 5,000 times)."""
    c = Collection(path, uuid.uuid4().hex, "Benchmark")
    path.mkdir(parents=True, exist_ok=True)
    (path / "collection.yaml").write_text(dump(colschema.collection_data(c)))
    per_folder = REQUESTS // FOLDERS
    for f in range(FOLDERS):
        folder = path / f"folder-{f:03d}"
        folder.mkdir()
        meta = Folder(folder, f"Folder {f}", [Row("X-Folder", str(f))], id=uuid.uuid4().hex)
        (folder / "folder.yaml").write_text(dump(colschema.folder_data(meta)))
        for r in range(per_folder):
            spec = RequestSpec(
                method="POST" if r % 3 == 0 else "GET",
                url=f"https://{{{{host}}}}/api/v1/items/{f}/{r}?page=1",
                headers=[Row("Accept", "application/json"), Row("X-Trace", "{{trace}}")],
                body=Body(BodyKind.JSON, text=f'{{\n  "id": {r},\n  "name": "item"\n}}\n')
                if r % 3 == 0 else Body())
            item = RequestItem(folder / f"request-{r:03d}.request.yaml",
                               f"Request {f}-{r}", spec, uuid.uuid4().hex)
            item.path.write_text(dump(colschema.request_data(item)))


def _names(c: Collection) -> list[tuple[str, RequestItem]]:
    return [(item.name.casefold(), item) for item in c.requests()]


def filter_names(names: list[tuple[str, RequestItem]], text: str) -> list[RequestItem]:
    needle = text.casefold()
    return [item for name, item in names if needle in name]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench"
        generate(path)
        opens = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            c, problems = open_collection(path)
            opens.append(time.perf_counter() - started)
        assert not problems and len(c.requests()) == REQUESTS, problems[:3]
        names = _names(c)
        filters = []
        for text in ("1", "12", "12-", "12-7", "request 199-24", "nothing"):
            started = time.perf_counter()
            filter_names(names, text)
            filters.append(time.perf_counter() - started)
    print(f"collection: open {REQUESTS:,} requests in {FOLDERS} folders: "
          f"median {statistics.median(opens):.3f} s, best {min(opens):.3f} s "
          f"(target < 1 s)")
    print(f"collection: filter {REQUESTS:,} names by a substring: "
          f"median {statistics.median(filters) * 1000:.2f} ms, "
          f"worst {max(filters) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
