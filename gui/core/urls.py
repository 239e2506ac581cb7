"""Keep a URL's query string and a params table in step, both ways.

The text is kept as the user typed it (no percent-encoding or decoding), so that
editing one side never rewrites what the user wrote on the other.
"""

from __future__ import annotations

from .model import Row


def _split(url: str) -> tuple[str, str | None, str]:
    """Split into (before the query, the query or None, the fragment with its '#')."""
    rest, hash_, fragment = url.partition("#")
    base, qmark, query = rest.partition("?")
    return base, (query if qmark else None), hash_ + fragment


def query_pairs(url: str) -> list[tuple[str, str]]:
    """The query string's name/value pairs, in order, as typed."""
    _, query, _ = _split(url)
    if not query:
        return []
    pairs = []
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((name, value))
    return pairs


def with_query(url: str, pairs: list[tuple[str, str]]) -> str:
    """The URL with its query replaced by the pairs (no '?' when there are none)."""
    base, _, fragment = _split(url)
    query = "&".join(f"{n}={v}" if v else n for n, v in pairs)
    return base + ("?" + query if query else "") + fragment


def merge_rows(rows: list[Row], pairs: list[tuple[str, str]]) -> list[Row]:
    """New table rows for a query that changed in the URL.

    Disabled rows are not in the URL, so they stay where they were; enabled rows take
    the URL's pairs in order.
    """
    result: list[Row] = []
    remaining = list(pairs)
    for row in rows:
        if not row.enabled:
            result.append(row)
        elif remaining:
            name, value = remaining.pop(0)
            result.append(Row(name, value, True))
    result.extend(Row(n, v, True) for n, v in remaining)
    return result
