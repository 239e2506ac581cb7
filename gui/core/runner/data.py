"""Data files for a run: CSV or JSON, one iteration per row, columns as variables.

CSV: the first row names the columns; a byte order mark is allowed, quoting is CSV's
(a quoted cell may hold commas, quotes doubled, line breaks); blank lines are skipped;
an empty cell sets its variable to empty text. A row with another number of cells than
the header is refused, naming its line. JSON: a list of objects; numbers and true/false
become their JSON text, null empty text.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from .declare import NAME


class DataError(ValueError):
    """The data file cannot be used; the message names the file and line."""


def load_data(path: Path | str) -> list[dict[str, str]]:
    path = Path(path).expanduser()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(f"{path}, line {line}: is not UTF-8 text") from None
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        rows = _json_rows(text, path)
    else:
        rows = _csv_rows(text, path)
    if not rows:
        raise DataError(f"{path}: has no rows of data")
    return rows


def _csv_rows(text: str, path: Path) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[dict[str, str]] = []
    try:
        for cells in reader:
            if not cells:
                continue  # a blank line
            if header is None:
                header = [c.strip() for c in cells]
                _check_names(header, path, reader.line_num)
                continue
            if len(cells) != len(header):
                raise DataError(f"{path}, line {reader.line_num}: has {len(cells)} "
                                f"cell{'s' if len(cells) != 1 else ''}, the header has "
                                f"{len(header)} ({', '.join(header)})")
            rows.append(dict(zip(header, cells, strict=True)))
    except csv.Error as exc:
        raise DataError(f"{path}, line {reader.line_num}: is not valid CSV: {exc}") from None
    return rows


def _check_names(names: list[str], path: Path, line: int) -> None:
    seen: set[str] = set()
    for name in names:
        if not NAME.fullmatch(name):
            raise DataError(f"{path}, line {line}: the column {name!r} is not a variable "
                            "name (letters, digits, _ . -)")
        if name in seen:
            raise DataError(f"{path}, line {line}: the column {name!r} is given twice")
        seen.add(name)


def _json_rows(text: str, path: Path) -> list[dict[str, str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}, line {exc.lineno}: is not valid JSON: {exc.msg}") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise DataError(f"{path}: must hold a list of objects, one per iteration")
    rows = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise DataError(f"{path}: item {index + 1} is not an object of variables")
        _check_names([str(k) for k in item], path, _line_of_item(text, index))
        rows.append({str(k): _text(v) for k, v in item.items()})
    return rows


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _line_of_item(text: str, index: int) -> int:
    """Roughly where the index-th object starts, for a message (1-based)."""
    depth, count = 0, -1
    for offset, char in enumerate(text):
        if char in "[{":
            if depth == 1 and char == "{":
                count += 1
                if count == index:
                    return text.count("\n", 0, offset) + 1
            depth += 1
        elif char in "]}":
            depth -= 1
    return 1
