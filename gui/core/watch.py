"""Which thread does the blocking work: a hook for tests, off by default.

The window must never touch the keychain or read a collection's files on the GUI thread
(they can block on D-Bus or a slow disk). The places that do such work call `note(what)`;
a test sets `observer` to record the thread of each call and asserts that none ran on
`threading.main_thread()` (tests/test_gui_thread_io.py). With no observer, `note` costs a
global lookup.
"""

from __future__ import annotations

from collections.abc import Callable

#: Called with what is being done ("keychain get", "collection read"), on the thread
#: that does it; None: nobody is watching.
observer: Callable[[str], None] | None = None


def note(what: str) -> None:
    if observer is not None:
        observer(what)
