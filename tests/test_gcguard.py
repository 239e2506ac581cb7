"""gui/gcguard.py: collection on the GUI thread, and memory given back after work."""

from gui import gcguard


def test_memory_is_given_back_once_after_each_burst_of_work(qtbot, monkeypatch):
    given: list[int] = []
    monkeypatch.setattr(gcguard, "give_back_memory", lambda: given.append(1))
    collector = gcguard.GarbageCollector()
    collector._timer.stop()  # ticks by hand
    try:
        collector.check()
        assert given == [1]  # nothing new since it started: idle
        collector.check()
        assert given == [1]  # still idle: once is enough
        burst = [[i] for i in range(5000)]  # new tracked objects: work under way
        collector.check()
        assert given == [1]
        collector.check()
        assert given == [1, 1]  # the work is over
        assert len(burst) == 5000
    finally:
        collector.deleteLater()


def test_giving_memory_back_is_harmless_anywhere():
    gcguard.give_back_memory()  # glibc here; a no-op where the C library has no trim
