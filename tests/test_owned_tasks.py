"""A widget's tasks: a stale answer is dropped, and none reaches a deleted widget."""

import threading

from PySide6.QtWidgets import QWidget

from gui import tasks
from gui.widgets.owned_tasks import OwnedTasks


def test_a_newer_task_of_the_same_kind_drops_the_older_answer(qtbot):
    widget = QWidget()
    owned = OwnedTasks(widget)
    release, answers = threading.Event(), []
    owned.run(lambda _t: release.wait(10) and "old", answers.append, key="k")
    owned.run(lambda _t: "new", answers.append, key="k")
    release.set()
    qtbot.waitUntil(lambda: answers == ["new"], timeout=10000)
    assert tasks.wait(msecs=10000)
    qtbot.wait(50)
    assert answers == ["new"]


def test_no_answer_reaches_a_deleted_widget(qtbot):
    widget = QWidget()
    owned = OwnedTasks(widget)
    release, answers = threading.Event(), []
    task = owned.run(lambda _t: release.wait(10) and "late", answers.append)
    widget.deleteLater()
    qtbot.waitUntil(lambda: task.cancelled, timeout=10000)
    release.set()
    assert tasks.wait(msecs=10000)
    qtbot.wait(50)
    assert answers == []


def test_finish_lets_queued_work_run_before_the_widget_goes(qtbot):
    widget = QWidget()
    owned = OwnedTasks(widget, "owned-tasks-test", finish=True)
    ran = []
    for n in range(3):
        owned.run(lambda _t, n=n: ran.append(n), lambda _r: None)
    widget.deleteLater()
    qtbot.waitUntil(lambda: ran == [0, 1, 2], timeout=10000)
