"""A session's request tabs behind the one in front build their editors when first shown
(issue 17.2: each built tab holds about 1 MiB of widgets); until then they keep their
place, title and badge, are saved with the session and are not unsaved changes."""

from __future__ import annotations

import json
import time

from gui import tasks
from gui.core.collections import manage as col
from gui.core.model import Body, BodyKind, RequestSpec
from gui.core.storage import scratch
from gui.core.storage.paths import current_request_file, data_dir, session_file
from gui.persistence import Persistence
from gui.widgets import window_io
from gui.widgets.main_window import MainWindow


def _collection(tmp_path):
    c = col.new_collection(tmp_path / "shop", "Shop")
    get = col.new_request(c.root, "List", RequestSpec(url="https://example.com/items"))
    post = col.new_request(c.root, "Add", RequestSpec(
        method="POST", url="https://example.com/items",
        body=Body(BodyKind.JSON, text='{\r\n  "name": "cup"\r\n}')))
    put = col.new_request(c.root, "Edit", RequestSpec(method="PUT",
                                                      url="https://example.com/items/1"))
    return c, get, post, put


def _window(qtbot, c, tabs, **extra):
    data_dir().mkdir(parents=True, exist_ok=True)
    session_file().write_text(json.dumps({
        "collections": [str(c.path)], "tabs": [str(t.path) for t in tabs], **extra}))
    w = MainWindow(Persistence())
    qtbot.addWidget(w)
    w.show()
    w.restore()
    assert w.wait_for_collections()
    tasks.wait()
    return w


def test_only_the_tab_in_front_is_built(qtbot, tmp_path):
    c, get, post, put = _collection(tmp_path)
    w = _window(qtbot, c, [get, post, put])
    tabs = [w.tabs.widget(i) for i in range(w.tabs.count())]
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == ["Scratch", "List", "Add",
                                                                 "Edit"]
    assert w.tabs.currentWidget() is tabs[3]  # the last one, as before
    assert [t.built for t in tabs] == [True, False, False, True]
    assert [w.tabs.tabBar().tabData(i) for i in (1, 2, 3)] == ["GET", "POST", "PUT"]
    assert not any(t.dirty() for t in tabs)

    w.tabs.setCurrentWidget(tabs[2])  # shown: built, with its request, unchanged
    assert tabs[2].built and not tabs[1].built
    assert tabs[2].editor.url.text() == "https://example.com/items"
    assert tabs[2].editor.spec().body.text == '{\n  "name": "cup"\n}'
    tabs[2].editor.tabs.setCurrentWidget(tabs[2].editor._body_page)
    assert tabs[2].editor.body.text.toPlainText() == '{\n  "name": "cup"\n}'
    assert not tabs[2].dirty() and w.tabs.tabText(2) == "Add"
    assert tabs[2].editor.scope_provider is not None  # the window's wiring came with it

    w._save_session()  # an unbuilt tab is in the session all the same
    saved = json.loads(session_file().read_text())
    assert saved["tabs"] == [str(get.path), str(post.path), str(put.path)]


def test_the_current_tab_of_the_session_is_the_one_built(qtbot, tmp_path):
    c, get, post, put = _collection(tmp_path)
    w = _window(qtbot, c, [get, post, put], current=str(get.path))
    tabs = [w.tabs.widget(i) for i in range(w.tabs.count())]
    assert w.tabs.currentWidget() is tabs[1]
    assert [t.built for t in tabs] == [True, True, False, False]
    w.tabs.setCurrentIndex(0)  # Scratch in front: nothing more is built
    assert [t.built for t in tabs] == [True, True, False, False]
    assert tabs[3].editor.method.currentText() == "PUT"  # used: built then


def test_a_tab_switched_to_puts_the_cursor_in_its_url(qtbot, tmp_path):
    """Qt gives a page's first control the focus (the method box); a person switching
    tabs types a URL next, as in a browser."""
    c, get, post, put = _collection(tmp_path)
    w = _window(qtbot, c, [get, post, put])
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    tabs = [w.tabs.widget(i) for i in range(w.tabs.count())]
    tabs[3].editor.method.setFocus()
    qtbot.waitUntil(tabs[3].editor.method.hasFocus)
    w.tabs.setCurrentWidget(tabs[2])  # not built yet
    qtbot.waitUntil(tabs[2].editor.url.hasFocus)
    w.tabs.setCurrentWidget(tabs[3])  # built
    qtbot.waitUntil(tabs[3].editor.url.hasFocus)


def test_scratch_behind_the_session_is_built_when_first_shown(qtbot, tmp_path):
    """The app restores a session before it shows the window (gui/launch.py): Scratch,
    not in front, is built only when looked at, with the request its file holds."""
    c, get, _post, _put = _collection(tmp_path)
    data_dir().mkdir(parents=True, exist_ok=True)
    scratch.save_current(RequestSpec(method="POST", url="https://example.com/scratch"))
    kept = current_request_file().read_bytes()
    session_file().write_text(json.dumps({
        "collections": [str(c.path)], "tabs": [str(get.path)], "current": str(get.path)}))
    w = MainWindow(Persistence(), scratch_behind=True)
    qtbot.addWidget(w)
    w.restore()
    assert w.wait_for_collections()
    tasks.wait()
    qtbot.waitUntil(lambda: w.tabs.tabBar().tabData(0) == "POST")  # its file's method
    w.show()
    tabs = [w.tabs.widget(i) for i in range(w.tabs.count())]
    assert w.tabs.currentWidget() is tabs[1] and not tabs[0].built
    assert w.editor.url.text() == "https://example.com/items"
    w._save_session()
    w.save()  # a Scratch never shown has nothing new to write
    tasks.wait()
    assert current_request_file().read_bytes() == kept
    w.tabs.setCurrentIndex(0)
    assert tabs[0].built and not tabs[0].dirty()
    assert tabs[0].editor.url.text() == "https://example.com/scratch"
    assert tabs[0].editor.method.currentText() == "POST"


def test_quitting_before_scratch_is_read_keeps_its_file(qtbot, monkeypatch):
    """Closed while Scratch's file is still being read (a slow keychain, a slow disk),
    the window has nothing of the person's in Scratch: the file is not overwritten."""
    data_dir().mkdir(parents=True, exist_ok=True)
    scratch.save_current(RequestSpec(method="PUT", url="https://example.com/kept"))
    kept = current_request_file().read_bytes()
    real = scratch.load_current
    monkeypatch.setattr(scratch, "load_current", lambda *a: (time.sleep(0.5), real(*a))[1])
    w = MainWindow(Persistence())
    qtbot.addWidget(w)
    w.show()
    w.restore()
    assert w.close()  # before the file is read: Scratch is there, and empty
    tasks.wait()
    assert current_request_file().read_bytes() == kept


def test_quitting_before_the_session_is_back_keeps_what_it_named(qtbot, tmp_path,
                                                                   monkeypatch):
    c, get, _post, put = _collection(tmp_path)
    data_dir().mkdir(parents=True, exist_ok=True)
    named = {"collections": [str(c.path)], "tabs": [str(get.path), str(put.path)],
             "current": str(put.path), "environments": {}}
    session_file().write_text(json.dumps(named))
    real = window_io.read_collection
    monkeypatch.setattr(window_io, "read_collection",
                        lambda path: (time.sleep(0.5), real(path))[1])
    w = MainWindow(Persistence())
    qtbot.addWidget(w)
    w.show()
    w.restore()
    assert w.close()  # the collections are still being read
    tasks.wait()
    saved = json.loads(session_file().read_text())
    assert {k: saved[k] for k in named} == named
