"""JSON and YAML documents with `$ref`s resolved lazily, confined to one folder.

A `$ref` is followed only to a file inside the spec's own folder (or below it), never
over the network and never up and out of it: an import must not read files the person
did not hand over. A chain of `$ref`s that comes back to where it started is a loop.
Both end in a `RefError` naming the JSON path where the `$ref` was found, so the item
holding it can be skipped and listed while the rest imports. Recursive schemas (a
`Node` whose children are `Node`s) are not loops: they resolve one step at a time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .. import deferred
from . import MAX_FILE_SIZE, ImportFailed

#: The longest chain of `$ref`s followed before giving up.
MAX_CHAIN = 64


class RefError(Exception):
    """A `$ref` that cannot be followed; the message names it and says why, and
    `where` is the JSON path of the item that holds it."""

    def __init__(self, reason: str, where: str = "") -> None:
        super().__init__(f"{where}: {reason}" if where else reason)
        self.where, self.reason = where, reason


def parse(text: str, path: Path) -> Any:
    """JSON or YAML text as plain values; ImportFailed naming the file and line. YAML
    goes through the safe loader only: a `!!python/...` tag is refused, not run."""
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.pos >= len(text.rstrip()):
                raise ImportFailed(f"{path} is not complete JSON: it ends before the "
                                   f"document does (line {exc.lineno}).") from None
            raise ImportFailed(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno},"
                               f" column {exc.colno}.") from None
        except RecursionError:
            raise ImportFailed(f"{path} is nested too deeply to read.") from None
    try:
        return deferred.yamlio.load_fast(text)
    except deferred.yamlio.YamlSyntaxError as exc:
        where = f" at line {exc.line}" if exc.line else ""
        raise ImportFailed(f"{path} is not valid YAML{where}: {exc}.") from None
    except RecursionError:
        raise ImportFailed(f"{path} is nested too deeply to read.") from None


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_SIZE:
            raise ImportFailed(f"{path} is {size // (1024 * 1024)} MB; files over "
                               f"{MAX_FILE_SIZE // (1024 * 1024)} MB are not imported.")
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise ImportFailed(f"{path} cannot be read: {exc.strerror or exc}") from None


class Documents:
    """The spec and the files its `$ref`s name, each read once."""

    def __init__(self, path: Path, root: Any) -> None:
        self.path = path.resolve()
        self.folder = self.path.parent
        self.root = root
        self._docs: dict[Path, Any] = {self.path: root}
        #: id() of each `{"$ref": ...}` mapping -> the file it was read from. Mappings
        #: stay alive as long as their documents, so the ids stay valid.
        self._base: dict[int, Path] = {}
        self._index(root, self.path)

    def _index(self, node: Any, base: Path) -> None:
        # Visited by identity: YAML aliases share nodes, and a "billion laughs" document
        # must cost its size, not its expansion.
        seen: set[int] = set()
        stack = [node]
        while stack:
            item = stack.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, dict):
                if isinstance(item.get("$ref"), str):
                    self._base[id(item)] = base
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
            elif isinstance(item, list):
                stack.extend(v for v in item if isinstance(v, dict | list))

    def _document(self, file: Path, where: str, ref: str) -> Any:
        if file in self._docs:
            return self._docs[file]
        if not file.is_relative_to(self.folder):
            raise RefError(f"$ref {ref!r} points outside the spec's folder "
                           f"({self.folder}); it was not read.")
        if not file.is_file():
            raise RefError(f"$ref {ref!r}: {file.relative_to(self.folder)} does not exist.")
        try:
            doc = parse(read_text(file), file)
        except ImportFailed as exc:
            raise RefError(f"$ref {ref!r}: {exc}") from None
        self._docs[file] = doc
        self._index(doc, file)
        return doc

    def _target(self, node: dict[str, Any], where: str) -> tuple[Path, str]:
        ref = node["$ref"]
        base = self._base.get(id(node), self.path)
        location, _, pointer = ref.partition("#")
        if "://" in location or location.startswith("//"):
            raise RefError(f"$ref {ref!r} is a remote URL; Gatepost does not fetch it.")
        file = (base.parent / unquote(location)).resolve() if location else base
        if not file.is_relative_to(self.folder):
            raise RefError(f"$ref {ref!r} points outside the spec's folder "
                           f"({self.folder}); it was not read.")
        return file, unquote(pointer)

    def deref(self, node: Any, where: str) -> Any:
        """`node`, or what its `$ref` (chain) points at; RefError naming `where`."""
        chain: list[tuple[Path, str]] = []
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            try:
                file, pointer = self._target(node, where)
                if (file, pointer) in chain or len(chain) >= MAX_CHAIN:
                    refs = " -> ".join(self._show(f, p) for f, p in [*chain, (file, pointer)])
                    raise RefError(f"$ref loop: {refs}.")
                chain.append((file, pointer))
                node = self._pointer(self._document(file, where, node["$ref"]), pointer,
                                     node["$ref"])
            except RefError as exc:
                raise RefError(exc.reason, where) from None
        return node

    def _show(self, file: Path, pointer: str) -> str:
        name = "" if file == self.path else str(file.relative_to(self.folder))
        return f"{name}#{pointer}"

    @staticmethod
    def _pointer(doc: Any, pointer: str, ref: str) -> Any:
        node = doc
        for raw in pointer.split("/")[1:] if pointer else []:
            key = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                raise RefError(f"$ref {ref!r} names nothing in its document.")
        return node
