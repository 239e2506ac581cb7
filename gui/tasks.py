"""One way to run work off the GUI thread: `run(work, on_done=…, on_error=…)`.

`work` is a plain function called in a worker thread with its `Task`; what it returns
(or raises) comes back to the GUI thread, where `on_done` (or `on_error`) runs and may
touch widgets. Progress goes the same way: `task.progress(value)` from the worker,
`on_progress(value)` on the GUI thread. `task.cancel()` from the GUI thread drops the
result (no callback runs) and sets `task.cancelled`, which long work checks.

Everything crosses threads through one long-lived QObject made on the GUI thread: a
QObject owned by a worker would be freed on that thread, which Qt does not allow (and
why tasks are plain Python objects). A `lane` runs its tasks one at a time, in the order
given — saves and keychain writes, which must not overtake each other; without one,
tasks run side by side on Qt's global pool.

`call(work, lane_name)` is for a save whose outcome decides what the GUI does next (a
dialog closes only once its files and secrets are written, and stays open with every
edit on failure): it runs `work` the same way and returns its result, or raises what it
raised, to the GUI thread. Meanwhile the GUI thread keeps painting and delivering other
tasks' answers, but holds back keyboard and mouse input (delivered afterwards), so
nothing can start a second save or close what is being saved, and a busy cursor shows.

Sends use it too (gui/worker.py), as do auth actions, the scratch request's storage,
body formatting, Find, the Sent requests list, the cookie manager, and every save of a
collection file or a secret (`call`, lane KEYCHAIN).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThread,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QGuiApplication

R = TypeVar("R")

#: The GIL's switch interval once the window has workers (Python's default is 5 ms). The
#: GUI thread enters Python many times a frame (each event a widget made in Python gets,
#: icon engines, event filters, slots), and each entry waits out this interval while a
#: worker runs Python (a download, pretty-printing): at 5 ms that made stalls of 100-500
#: ms while a large body was pretty-printed.
SWITCH_INTERVAL = 0.0005
#: How much nicer than the GUI thread workers are to the CPU (Linux, where a thread has a
#: nice value of its own): on 2 busy cores the GUI thread waited 25-100 ms for a CPU
#: while a worker pretty-printed; a nicer worker gives way to it at once.
WORKER_NICE = 5

#: The lane of keychain reads and writes and of collection saves (which write secrets
#: too): one at a time, in the order asked, so that a save never overtakes a read.
KEYCHAIN = "keychain"


class Task(Generic[R]):
    """One piece of work in flight."""

    def __init__(self, work: Callable[[Task[R]], R], on_done: Callable[[R], Any] | None,
                 on_error: Callable[[BaseException], Any] | None,
                 on_progress: Callable[[Any], Any] | None) -> None:
        self.work = work
        self.on_done, self.on_error, self.on_progress = on_done, on_error, on_progress
        self._cancelled = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def progress(self, value: Any) -> None:
        """From the worker: hand `value` to on_progress on the GUI thread."""
        if self.on_progress is not None and not self.cancelled:
            _relay().progressed.emit(self, value)


class _Relay(QObject):
    done = Signal(object, object)
    failed = Signal(object, object)
    progressed = Signal(object, object)

    def __init__(self) -> None:
        super().__init__()
        self.done.connect(self._done)
        self.failed.connect(self._failed)
        self.progressed.connect(self._progressed)

    @staticmethod
    def _done(task: Task[Any], result: Any) -> None:
        if not task.cancelled and task.on_done is not None:
            task.on_done(result)

    @staticmethod
    def _failed(task: Task[Any], exc: BaseException) -> None:
        if task.cancelled:
            return
        if task.on_error is None:
            raise exc  # a bug: surfaces as any GUI-thread exception would
        task.on_error(exc)

    @staticmethod
    def _progressed(task: Task[Any], value: Any) -> None:
        if not task.cancelled and task.on_progress is not None:
            task.on_progress(value)


_gui_nice: int | None = None  # the GUI thread's, read when the relay is made
_worker = threading.local()


def _give_way() -> None:
    """Make the calling worker thread WORKER_NICE nicer than the GUI thread, once."""
    if getattr(_worker, "niced", False) or _gui_nice is None:
        return
    _worker.niced = True
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                       min(19, _gui_nice + WORKER_NICE))
    except OSError:
        pass  # not allowed (already nicer, and only root may go back): it stays as it is


class _Runnable(QRunnable):
    def __init__(self, task: Task[Any], relay: _Relay) -> None:
        super().__init__()
        self._task, self._relay = task, relay

    def run(self) -> None:
        task = self._task
        if task.cancelled:
            return
        _give_way()
        try:
            result = task.work(task)
        except Exception as exc:  # noqa: BLE001 - handed to on_error on the GUI thread
            self._relay.failed.emit(task, exc)
        else:
            self._relay.done.emit(task, result)


_relay_object: _Relay | None = None
_lanes: dict[str, QThreadPool] = {}


def _relay() -> _Relay:
    global _relay_object, _gui_nice
    if _relay_object is None:
        app = QCoreApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            raise RuntimeError("gui.tasks is first used from the GUI thread")
        _relay_object = _Relay()
        sys.setswitchinterval(SWITCH_INTERVAL)
        if sys.platform == "linux":
            _gui_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    return _relay_object


def lane(name: str) -> QThreadPool:
    """The pool of a lane: one thread, tasks in order."""
    pool = _lanes.get(name)
    if pool is None:
        pool = _lanes[name] = QThreadPool()
        pool.setMaxThreadCount(1)
    return pool


def run(work: Callable[[Task[R]], R], on_done: Callable[[R], Any] | None = None,
        on_error: Callable[[BaseException], Any] | None = None,
        on_progress: Callable[[Any], Any] | None = None,
        lane_name: str | None = None) -> Task[R]:
    """Run `work(task)` off the GUI thread; call from the GUI thread."""
    task = Task(work, on_done, on_error, on_progress)
    pool = lane(lane_name) if lane_name else QThreadPool.globalInstance()
    pool.start(_Runnable(task, _relay()))
    return task


def call(work: Callable[[Task[R]], R], lane_name: str | None = None) -> R:
    """Run `work(task)` off the GUI thread and wait for it as described above; call from
    the GUI thread."""

    loop = QEventLoop()
    outcome: list[tuple[bool, Any]] = []

    def finish(ok: bool, value: Any) -> None:
        outcome.append((ok, value))
        loop.quit()

    run(work, lambda result: finish(True, result), lambda exc: finish(False, exc),
        lane_name=lane_name)
    busy = isinstance(QCoreApplication.instance(), QGuiApplication)
    if busy:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        while not outcome:  # the answer comes through the relay: an event of this loop
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    finally:
        if busy:
            QGuiApplication.restoreOverrideCursor()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def wait(lane_name: str | None = None, msecs: int = -1) -> bool:
    """Wait for a lane's tasks (all lanes when None) — at quit, and in tests. During
    the application's teardown Qt may already have deleted a pool (a widget destroyed
    last waits here): a pool that is gone has nothing left to wait for."""
    pools = [_lanes.get(lane_name)] if lane_name else [*_lanes.values(),
                                                       QThreadPool.globalInstance()]
    return all(pool.waitForDone(msecs) for pool in pools
               if pool is not None and shiboken6.isValid(pool))
