"""Export from the window: a collection or folder as a Postman v2.1 file, an exchange as
HAR 1.2, a request as a Python (httpx) script on the clipboard.

The documents are the core's (gui/core/exporters); here the person picks the file, the
work runs in a worker (the collection is read from disk, the file written atomically),
and what was left out is said. Nothing secret is written: the Postman export never
reads the keychain, the HAR comes from the masked record masked once more with the
request's secrets, and the script reads secrets from environment variables.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from .. import deferred, tasks
from ..core.collections.inherit import effective_auth, effective_headers
from ..core.collections.manage import slugify
from ..core.collections.model import Collection, RequestItem, collection_of
from ..core.storage.atomic import write_atomic
from .request.tab import RequestTab

if TYPE_CHECKING:
    from datetime import datetime

    from PySide6.QtWidgets import QWidget

    from ..core.collections.model import Folder
    from ..core.http.exchange import Exchange
    from ..core.model import RequestSpec

LANE = "export"


def _save_path(parent: QWidget, title: str, name: str, filters: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / name), filters)
    return Path(chosen) if chosen else None


def _file_name(name: str, suffix: str) -> str:
    return f"{slugify(name) or 'export'}{suffix}"


def _problem(path: Path, exc: BaseException) -> str:
    if isinstance(exc, deferred.postman_export.ExportFailed):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{path} could not be written: {exc.strerror or exc}. Nothing was written."
    return f"The export failed: {exc}. Nothing was written."


def write_postman(collection_dir: Path, folder: str | None, path: Path) -> tuple[int, list[str]]:
    """In a worker: the collection (or folder) read from disk and written to `path` as
    Postman v2.1; (requests written, notes on what was left out or changed)."""

    data, notes = deferred.postman_export.export(collection_dir, folder)
    write_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())

    def count(items: list[dict[str, Any]]) -> int:
        return sum(count(i["item"]) if "item" in i else 1 for i in items)

    return count(data.get("item", [])), notes


def export_postman(window: Any, obj: Collection | Folder, path: Path | None = None) -> Any:
    """Export… in the sidebar: asks for the file (unless `path`), writes in a worker and
    says where, and what was left out (secrets are never written). The task, or None."""

    collection = obj if isinstance(obj, Collection) else collection_of(obj)
    folder = None if isinstance(obj, Collection) or obj.parent is None else \
        str(obj.path.relative_to(collection.path))
    what = collection.name if folder is None else f"{collection.name} / {obj.name}"
    path = path or _save_path(window, f"Export {what} as a Postman collection",
                              _file_name(obj.name, ".postman_collection.json"),
                              "Postman collection v2.1 (*.json);;All files (*)")
    if path is None:
        return None
    unsaved = [t for t in _tabs(window) if t.item is not None and t.dirty() and
               collection_of(t.item) is collection]
    window.statusBar().showMessage(f"Exporting {what}…")

    def done(outcome: tuple[int, list[str]]) -> None:
        count, notes = outcome
        line = f"Exported {count} request{'s' * (count != 1)} of {what} to {path}."
        if unsaved:
            line += " Unsaved changes in open tabs are not in it (the files are)."
        window.statusBar().showMessage(line)
        if notes:
            box = QMessageBox(QMessageBox.Icon.Information, "Exported", line, parent=window)
            box.setObjectName("exportNotes")
            box.setInformativeText("Left out or changed (secret values are never exported; "
                                   "fill them in after importing):")
            box.setDetailedText("\n".join(notes))
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    def failed(exc: BaseException) -> None:
        window.statusBar().showMessage(_problem(path, exc))
        QMessageBox.warning(window, "Not exported", _problem(path, exc))

    return tasks.run(lambda _task: write_postman(collection.path, folder, path), done,
                     failed, lane_name=LANE)


def _tabs(window: Any) -> list[Any]:
    tabs = [window.tabs.widget(i) for i in range(window.tabs.count())]
    return [t for t in tabs if isinstance(t, RequestTab)]


def save_har(parent: QWidget, exchange: Exchange, secrets: tuple[str, ...],
             started: datetime | None, report: Any, path: Path | None = None) -> Any:
    """Save as HAR…: the exchange as HAR 1.2 in the file the person picks (unless
    `path`), written in a worker; `report(text)` says how it went. The task, or None."""

    first = exchange.hops[0].request.url if exchange.hops else ""
    host = first.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "exchange"
    path = path or _save_path(parent, "Save the exchange as HAR", _file_name(host, ".har"),
                              "HTTP Archive (*.har);;All files (*)")
    if path is None:
        return None

    def work(_task: Any) -> int:
        data = deferred.har_export.dumps(exchange, started, secrets).encode("utf-8")
        write_atomic(path, data)
        return len(exchange.hops)

    def done(hops: int) -> None:
        report(f"Saved the exchange ({hops} hop{'s' * (hops != 1)}, secrets masked) to "
               f"{path}.")

    return tasks.run(work, done, lambda exc: report(_problem(path, exc)), lane_name=LANE)


def python_script(spec: RequestSpec, secrets: tuple[str, ...]) -> str:
    return deferred.python_export.to_python(spec, secrets)


def copy_python(spec: RequestSpec, secrets: tuple[str, ...]) -> str:
    """Copy as Python (httpx): the script on the clipboard; the text copied."""

    script = python_script(spec, secrets)
    QGuiApplication.clipboard().setText(script)
    return script


def as_saved(spec: RequestSpec, item: Any) -> RequestSpec:
    """The request as edited, with what it inherits from its folders and collection
    (headers, auth) applied and its `{{variables}}` left as references."""

    if item is None:
        return spec

    draft = RequestItem(item.path, item.name, copy.deepcopy(spec), item.id, item.parent)
    out = draft.spec
    out.headers = effective_headers(draft)
    out.auth = effective_auth(draft)
    if out.auth.scheme == "inherit":
        out.auth.scheme = "none"
    return out
