"""A window shortcut given both as a platform standard key and spelled out (Quit:
Keys.Quit and "Ctrl+Q", which are the same on X11) must still fire: Qt calls one
sequence registered twice on an action ambiguous and triggers nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence


def test_a_standard_key_repeated_explicitly_still_triggers(qtbot, window):
    fired: list[bool] = []
    menu = window.menuBar().addMenu("Probe")
    # Undo is Ctrl+Z on every platform Qt knows, offscreen included, and the window
    # binds nothing else to it: the same overlap X11 gives Quit and "Ctrl+Q".
    probe = window._action(menu, "Probe", "actionProbe", lambda: fired.append(True),
                           (QKeySequence.StandardKey.Undo, "Ctrl+Z"))
    assert [k.toString() for k in probe.shortcuts()].count("Ctrl+Z") == 1
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert fired == [True]


def test_no_window_action_lists_a_sequence_twice(window):
    for action in window.findChildren(QAction):
        listed = [k.toString() for k in action.shortcuts()]
        assert len(listed) == len(set(listed)), (action.objectName(), listed)
