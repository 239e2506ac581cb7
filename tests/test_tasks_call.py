"""tasks.call: a save in a worker that the GUI thread waits for, still delivering other
tasks' answers meanwhile."""

import os
import sys
import threading
import time

import pytest

from gui import tasks


def test_the_result_comes_back_from_a_worker_thread(qtbot):
    assert tasks.call(lambda _t: threading.current_thread() is threading.main_thread()) \
        is False


def test_what_the_work_raised_is_raised_on_the_gui_thread(qtbot):
    def full(_task):
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        tasks.call(full, tasks.KEYCHAIN)


def test_other_answers_arrive_while_the_gui_thread_waits(qtbot):
    other, started = [], threading.Event()
    tasks.run(lambda _t: started.wait(5) and "other", other.append)

    def save(_task):
        started.set()
        deadline = time.monotonic() + 5
        while not other and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(other)

    assert tasks.call(save, "tasks-call-test") == ["other"]


def test_workers_hand_the_gil_back_to_the_gui_thread_often(qtbot):
    # At Python's 5 ms, each of the GUI thread's many entries into Python in a frame
    # waited that long while a worker ran Python: stalls of 100-500 ms.
    assert tasks.call(lambda _t: sys.getswitchinterval()) == tasks.SWITCH_INTERVAL <= 0.001


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own nice value is Linux's")
def test_workers_give_way_to_the_gui_thread_for_the_cpu(qtbot):
    def nice(_task=None):
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert tasks.call(nice) == min(19, nice() + tasks.WORKER_NICE)
