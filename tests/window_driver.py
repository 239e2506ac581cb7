"""Runs the real window (`gatepost`, i.e. gui.cli.main) and drives it as a person would:
context menus, modal dialogs typed into, shortcuts, then closing the window.

tests/test_quit.py starts it in a subprocess (python -X faulthandler) and checks how the
process ends. Usage: window_driver.py create|whole [URL], with the session file in
GATEPOST_DATA_DIR naming one open collection.

The steps run from the event loop after the window's own restore, one at a time; a
step that opens a modal dialog or a menu first arranges who answers it. Lines starting
with "driver:" on stdout say how far it got.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QWidget

POLL_MS = 50
STEP_TIMEOUT_S = 30.0  # generous: a loaded 2-core box


def say(text: str) -> None:
    print(f"driver: {text}", flush=True)


def answer_when(find: Callable[[], QWidget | None], act: Callable[[QWidget], None]) -> None:
    """Poll for a modal dialog or popup and act on it once it is there."""
    deadline = time.monotonic() + STEP_TIMEOUT_S

    def poll() -> None:
        widget = find()
        if widget is not None and widget.isVisible():
            act(widget)
        elif time.monotonic() < deadline:
            QTimer.singleShot(POLL_MS, poll)
        else:
            say("FAILED: the expected dialog never appeared")
            QApplication.exit(3)

    QTimer.singleShot(POLL_MS, poll)


def modal(cls: type) -> Callable[[], QWidget | None]:
    def find() -> QWidget | None:
        widget = QApplication.activeModalWidget()
        return widget if isinstance(widget, cls) else None
    return find


def type_and_enter(text: str) -> Callable[[QWidget], None]:
    def act(dialog: QWidget) -> None:
        focus = dialog.focusWidget() or dialog
        QTest.keyClick(focus, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(focus, text)
        QTest.keyClick(focus, Qt.Key.Key_Return)
    return act


def menu_action(text: str) -> Callable[[QWidget], None]:
    def act(menu: QWidget) -> None:
        action = next(a for a in menu.actions() if a.text() == text)
        menu.setActiveAction(action)
        QTest.keyClick(menu, Qt.Key.Key_Return)
    return act


def none_drift(window) -> int:  # type: ignore[no-untyped-def]
    """How many references None lost over a thousand calls that should leave it alone."""
    before = sys.getrefcount(None)
    for _ in range(1000):
        window.statusBar().showMessage("")
    return sys.getrefcount(None) - before


def activate(window) -> Iterator[Callable[[], bool]]:  # type: ignore[no-untyped-def]
    """After a dialog closes the window is active again under a window manager; the
    offscreen platform has none, so ask (shortcuts only reach the active window)."""
    window.activateWindow()
    yield window.isActiveWindow
    window.editor.url.setFocus()


def scenario(window, name: str, url: str) -> Iterator[Callable[[], bool] | None]:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMenu

    yield lambda: bool(window.sidebar.collections)
    yield from activate(window)
    say("collection open")
    # Right-click the collection -> New request, type a name, Enter.
    tree = window.sidebar.tree
    pos: QPoint = tree.visualItemRect(tree.topLevelItem(0)).center()
    answer_when(lambda: QApplication.activePopupWidget() if isinstance(
        QApplication.activePopupWidget(), QMenu) else None, menu_action("New request"))
    answer_when(modal(QInputDialog), type_and_enter("First"))
    tree.customContextMenuRequested.emit(pos)
    yield lambda: window.tabs.count() == 2
    say("request made from the menu")
    yield from activate(window)
    QTest.keyClicks(window.editor.url, url + "/get")
    yield lambda: window.tab.dirty()
    QTest.keyClick(window.editor.url, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    yield lambda: not window.tab.dirty()
    say("request saved")
    # The Scratch tab: a URL, Ctrl+S, where to save it, Enter.
    window.tabs.setCurrentIndex(0)
    yield from activate(window)
    QTest.keyClicks(window.editor.url, url + "/anything")
    if name == "whole":
        QTest.keyClick(window.editor.url, Qt.Key.Key_Return)
        yield lambda: window.scratch.job is None and window.scratch.last_exchange is not None
        exchange = window.scratch.last_exchange
        say(f"sent: {exchange.response.status if exchange.response else exchange.error}")
    answer_when(modal(QDialog), type_and_enter("Second"))
    QTest.keyClick(window.editor.url, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    yield lambda: window.tabs.count() == 3
    say("scratch saved into the collection")
    yield from activate(window)
    if name == "whole":
        window.left.setCurrentIndex(1)
        yield lambda: window.sent_requests.table.rowCount() > 0
        window.sent_requests.table.selectRow(0)
        window.sent_requests.open_selected()
        yield lambda: window.tabs.currentIndex() == 0
        say("opened from Sent requests")
    yield None
    say(f"none drift: {none_drift(window)}")
    window.close()


def run_steps(steps: Iterator[Callable[[], bool] | None]) -> None:
    state = {"wait": None, "deadline": 0.0}

    def tick() -> None:
        wait = state["wait"]
        if wait is not None and not wait():
            if time.monotonic() > state["deadline"]:
                say("FAILED: a step timed out")
                QApplication.exit(3)
                return
            QTimer.singleShot(POLL_MS, tick)
            return
        try:
            state["wait"] = next(steps)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - any failure ends the run, with its traceback
            import traceback

            traceback.print_exc()
            say("FAILED: a step raised")
            QApplication.exit(3)
            return
        state["deadline"] = time.monotonic() + STEP_TIMEOUT_S
        QTimer.singleShot(POLL_MS, tick)

    QTimer.singleShot(POLL_MS, tick)


def main() -> int:
    name, url = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:9")
    from gui.widgets.main_window import MainWindow

    restore = MainWindow.restore

    def restore_then_drive(window: MainWindow, session: dict | None = None) -> None:
        restore(window, session)
        run_steps(scenario(window, name, url))

    MainWindow.restore = restore_then_drive  # type: ignore[method-assign]
    sys.argv[1:] = []
    from gui.cli import main as gatepost

    code = gatepost()
    say(f"window closed: {code}")
    return code


if __name__ == "__main__":
    sys.exit(main())
