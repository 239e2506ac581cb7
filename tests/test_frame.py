"""gui/frame.py: the window on the screen before the main window is built into it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMessageBox

from gui import frame as frame_module
from gui import launch
from gui.core.collections import manage as col
from gui.core.model import RequestSpec
from gui.core.storage.keychain import SecretStore
from gui.core.storage.paths import data_dir, session_file
from gui.frame import Frame
from gui.widgets import theme, window_session
from gui.widgets.main_window import MainWindow
from tests.fakes import MemoryKeyring

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def framed(qtbot):
    """A frame holding a main window, as `gatepost` shows it."""
    frame = Frame({})
    qtbot.addWidget(frame)
    frame.show()
    main = MainWindow(None, store=SecretStore(MemoryKeyring()))
    frame.adopt(main)
    frame.reveal()
    return frame, main


def test_the_main_window_is_the_frames_content(framed):
    frame, main = framed
    assert main.parent() is frame and not main.isWindow() and main.isVisible()
    assert main.window() is frame
    assert frame.windowTitle() == main.windowTitle() == "Gatepost"
    main.setWindowTitle("Gatepost — Demo API")
    assert frame.windowTitle() == "Gatepost — Demo API"


def test_quit_closes_the_frame(qtbot, framed):
    frame, main = framed
    main.close()  # File → Quit
    qtbot.waitUntil(lambda: not frame.isVisible(), timeout=5000)
    assert not main.isVisible()


def test_closing_the_frame_asks_about_unsaved_changes_first(qtbot, framed, tmp_path,
                                                              monkeypatch):
    frame, main = framed
    c = col.new_collection(tmp_path / "api", "API")
    item = col.new_request(c.root, "Health", RequestSpec(url="http://127.0.0.1:9/get"))
    main.open_collection(str(c.path))
    main.open_request(item)
    main.editor.url.setText("http://127.0.0.1:9/changed")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (
        asked.append(a[1]), QMessageBox.StandardButton.Cancel)[1])
    assert not frame.close()  # the window's close button
    assert asked == ["Unsaved changes"] and frame.isVisible() and main.isVisible()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert frame.close()
    assert not frame.isVisible() and not main.isVisible()
    assert "9/get" in item.path.read_text()  # discarded: the file is as it was


def test_the_session_places_the_frame_and_the_window_saves_its_geometry(qtbot, framed):
    frame, main = framed
    frame.resize(700, 500)  # within the offscreen screen
    saved = bytes(frame.saveGeometry().toBase64()).decode("ascii")
    again = Frame({"geometry": saved, "sidebar": [260, 640]})
    qtbot.addWidget(again)
    assert again.size() == frame.size()
    frame.resize(760, 560)
    main.restore_layout({"geometry": saved})  # the window restores its frame, not itself
    assert frame.size() == again.size()


@pytest.mark.parametrize("appearance, colours", [("light", theme.LIGHT_COLOURS),
                                                 ("dark", theme.DARK_COLOURS)])
def test_the_outline_paints_in_the_sessions_appearance(qtbot, appearance, colours):
    frame = Frame({"appearance": appearance})
    qtbot.addWidget(frame)
    image = frame.grab().toImage()
    assert image.pixelColor(4, 30) == QColor(colours.window)  # the menu bar's band
    assert image.pixelColor(100, 400) == QColor(colours.base)  # inside the sidebar
    assert image.pixelColor(image.width() - 40, 100) == QColor(colours.accent)  # Send


def test_a_bad_sidebar_width_falls_back_to_the_default():
    for sizes in (None, "wide", [5000, 1], [10, 10], ["a", 1]):
        assert frame_module.sidebar_width({"sidebar": sizes}) == frame_module.SIDEBAR_WIDTH
    assert frame_module.sidebar_width({"sidebar": [260, 900]}) == 260


def test_the_first_frame_loads_neither_the_window_nor_the_theme():
    # What the frame's first paint waits for (gui/launch.py up to frame.show()).
    code = ("import sys\n"
            "from PySide6.QtWidgets import QApplication\n"
            "import gui.launch as launch\n"
            "app = QApplication([])\n"
            "launch.Frame(launch.read_session()).show()\n"
            "print(sorted(m for m in sys.modules if m.startswith('gui.widgets')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=60,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
                              "GATEPOST_DATA_DIR": str(ROOT / "nowhere")}).stdout
    assert out.strip() == "['gui.widgets', 'gui.widgets.colours']"


def _session_with_a_tab(tmp_path):
    c = col.new_collection(tmp_path / "api", "API")
    item = col.new_request(c.root, "Health", RequestSpec(url="http://127.0.0.1:9/get"))
    data_dir().mkdir(parents=True, exist_ok=True)
    session_file().write_text(json.dumps({
        "collections": [str(c.path)], "tabs": [str(item.path)], "current": str(item.path)}))
    return item


@pytest.fixture
def quiet_build(monkeypatch):
    """launch.build without the app-wide theme and collector (other tests share the app)."""
    monkeypatch.setattr(theme, "apply", lambda *_a: None)
    monkeypatch.setattr(launch, "GarbageCollector", lambda _app: None)


def test_the_window_is_shown_once_the_session_is_back(qtbot, tmp_path, monkeypatch,
                                                      quiet_build):
    item = _session_with_a_tab(tmp_path)
    monkeypatch.setattr(launch, "RESTORE_WAIT_MS", 60_000)
    frame = Frame({})
    qtbot.addWidget(frame)
    frame.show()
    session = launch.read_session()
    reads = []
    monkeypatch.setattr(window_session, "read_session", lambda: reads.append(1) or {})
    launch.build(QApplication.instance(), frame, session, 0.0)
    main = frame.main
    assert main.window() is frame  # its dialogs meanwhile are the frame's
    assert not frame.revealed and not main.isVisible()  # the outline, while it is read
    qtbot.waitUntil(lambda: frame.revealed, timeout=10_000)
    assert main.tab.item.path == item.path  # as it was left, without Scratch first
    assert not main.scratch.built and main.isVisible()
    assert reads == []  # the session read before the first frame, not read again


def test_a_slow_session_does_not_keep_the_window_away(qtbot, tmp_path, monkeypatch,
                                                      quiet_build):
    _session_with_a_tab(tmp_path)
    monkeypatch.setattr(launch, "RESTORE_WAIT_MS", 0)
    frame = Frame({})
    qtbot.addWidget(frame)
    frame.show()
    launch.build(QApplication.instance(), frame, launch.read_session(), 0.0)
    qtbot.waitUntil(lambda: frame.revealed, timeout=10_000)
    main = frame.main
    assert main.wait_for_collections()  # the tabs still come, into the shown window
    qtbot.waitUntil(lambda: main.tabs.count() == 2, timeout=10_000)
    assert frame.main is main and main.isVisible()


def test_quit_and_typing_work_before_the_main_window_is_shown(qtbot, tmp_path,
                                                               monkeypatch, quiet_build):
    _session_with_a_tab(tmp_path)
    monkeypatch.setattr(launch, "RESTORE_WAIT_MS", 60_000)
    # A session never back.
    monkeypatch.setattr(MainWindow, "restore", lambda self, _session=None: None)
    frame = Frame({})
    qtbot.addWidget(frame)
    frame.show()
    launch.build(QApplication.instance(), frame, launch.read_session(), 0.0)
    assert not frame.revealed
    qtbot.keyClicks(frame, "http://")  # typed at the outline: kept for the URL
    assert frame.reveal() == "http://"
    qtbot.keyClicks(frame, "x")  # shown: keys are the main window's business
    assert frame.reveal() == ""
    closing = Frame({})
    qtbot.addWidget(closing)
    closing.show()
    qtbot.keyClick(closing, "q", Qt.KeyboardModifier.ControlModifier)  # Quit
    assert not closing.isVisible()


class _App:
    """What launch.build asks of the application, and the exit status it is given."""

    exited: int | None = None

    def setWindowIcon(self, _icon) -> None:
        pass

    def exit(self, status: int) -> None:
        self.exited = status


def test_a_window_that_cannot_be_built_is_said_not_left_as_an_outline(
        qtbot, monkeypatch, capsys, quiet_build):
    def broken(*_a, **_k):
        raise OSError("no room")

    monkeypatch.setattr(MainWindow, "__init__", broken)
    said = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: said.append(a[1:]))
    frame = Frame({})
    qtbot.addWidget(frame)
    app = _App()
    launch.build(app, frame, {}, 0.0)
    assert app.exited == 70
    assert said == [("Gatepost cannot start",
                     "The window could not be built (OSError): no room")]
    err = capsys.readouterr().err
    assert "gatepost: internal error" in err and "Traceback" not in err
