"""A widget's tasks in flight (gui/tasks.py): their answers reach it only while it exists
and only while they are the latest of their kind."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from .. import tasks

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from ..tasks import Task

R = TypeVar("R")


def _forget(pending: dict[object, Task[Any]], lane_name: str | None, finish: bool,
            *_destroyed: object) -> None:
    if finish:
        tasks.wait(lane_name)  # work the user counts on (a record) is not dropped
    for task in list(pending.values()):
        task.cancel()
    pending.clear()


class OwnedTasks:
    """Runs `owner`'s tasks. A task given a `key` cancels the one before it with that key
    (its answer would be stale); every task is cancelled when `owner` is destroyed, so no
    answer touches a deleted widget. `finish`: let the lane's queued work run first."""

    def __init__(self, owner: QObject, lane_name: str | None = None,
                 finish: bool = False) -> None:
        self.lane_name = lane_name
        self._pending: dict[object, Task[Any]] = {}
        # A plain function over the dict, not a bound method: the owner's Python wrapper
        # (and this object with it) may already be gone when `destroyed` is emitted.
        owner.destroyed.connect(partial(_forget, self._pending, lane_name, finish))

    def run(self, work: Callable[[Task[R]], R], on_done: Callable[[R], Any],
            on_error: Callable[[BaseException], Any] | None = None,
            key: object = None) -> Task[R]:
        key = object() if key is None else key
        old = self._pending.pop(key, None)
        if old is not None:
            old.cancel()

        def done(result: R) -> None:
            self._pending.pop(key, None)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._pending.pop(key, None)
            if on_error is None:
                raise exc
            on_error(exc)

        task = tasks.run(work, done, failed, lane_name=self.lane_name)
        self._pending[key] = task
        return task

    def wait(self, msecs: int = -1) -> bool:
        return tasks.wait(self.lane_name, msecs)
