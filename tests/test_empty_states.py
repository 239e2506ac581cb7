"""Empty states: an empty pane says what will appear there and how to get it."""

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from gui.core.collections import manage as col
from gui.core.storage.keychain import SecretStore
from gui.widgets.main_window import MainWindow
from gui.widgets.sidebar.sent_requests import SentRequestsPanel
from tests.fakes import MemoryKeyring


def make(qtbot) -> MainWindow:
    w = MainWindow(None, store=SecretStore(MemoryKeyring()))
    qtbot.addWidget(w)
    w.show()
    return w


def test_no_collection_open_offers_open_new_and_import(qtbot, tmp_path, monkeypatch):
    w = make(qtbot)
    empty = w.findChild(QWidget, "collectionsEmpty")
    assert empty.isVisible() and not w.sidebar.tree.isVisible()
    assert w.findChild(QLabel, "collectionsEmptyTitle").text() == "No collection open"
    asked = []
    monkeypatch.setattr(type(w), "import_files", lambda self, paths=None: asked.append(paths))
    monkeypatch.setattr(type(w), "open_collection_dialog", lambda self: asked.append("open"))
    monkeypatch.setattr(type(w), "new_collection_dialog", lambda self: asked.append("new"))
    # The window connected the sidebar's buttons before these were patched: ask again.
    w.sidebar.open_button.clicked.disconnect()
    w.sidebar.new_button.clicked.disconnect()
    w.sidebar.import_requested.disconnect()
    w.sidebar.open_button.clicked.connect(w.open_collection_dialog)
    w.sidebar.new_button.clicked.connect(w.new_collection_dialog)
    w.sidebar.import_requested.connect(w.import_files)
    for name in ("emptyOpenCollection", "emptyNewCollection", "emptyImport"):
        w.findChild(QPushButton, name).click()
    assert asked == ["open", "new", []]
    c = col.new_collection(tmp_path / "api", "API")
    w.open_collection(str(c.path))
    assert not empty.isVisible() and w.sidebar.tree.isVisible()
    w.sidebar.close_collection(w.sidebar.collections[0])
    assert empty.isVisible()


def test_sent_requests_empty_and_no_match(qtbot, tmp_path):
    from gui.core.storage.history import SentRequests

    panel = SentRequestsPanel(SentRequests(tmp_path / "sent.db"))
    qtbot.addWidget(panel)
    panel.show()
    title = panel.findChild(QLabel, "sentEmptyTitle")
    assert panel.empty.isVisible() and not panel.table.isVisible()
    assert title.text() == "Nothing sent yet"
    assert not panel.count_label.isVisible()


def test_no_match_in_sent_requests_says_so(qtbot, tmp_path, httpbin_url):
    from gui.core.http.engine import Engine
    from gui.core.model import RequestSpec
    from gui.core.storage.history import SentRequests

    panel = SentRequestsPanel(SentRequests(tmp_path / "sent.db"))
    qtbot.addWidget(panel)
    panel.show()
    spec = RequestSpec(url=f"{httpbin_url}/get")
    with Engine() as engine:
        exchange = engine.send(spec)
    with qtbot.waitSignal(panel.recorded, timeout=10000):
        panel.record(spec, exchange)
    assert panel.table.isVisible() and not panel.empty.isVisible()
    panel.search.setText("nothing-like-this")
    panel.refresh()
    assert panel.empty.isVisible()
    assert panel.findChild(QLabel, "sentEmptyTitle").text() == "No match"
    assert "nothing-like-this" in panel.findChild(QLabel, "sentEmptyText").text()


def test_response_area_before_any_send_gives_the_keys(qtbot):
    w = make(qtbot)
    placeholder = w.tab.findChild(QWidget, "responsePlaceholder")
    assert placeholder.isVisible()
    text = placeholder.findChild(QLabel, "responsePlaceholderText").text()
    assert "Ctrl+Enter" in text and "Ctrl+L" in text and "Ctrl+P" in text
