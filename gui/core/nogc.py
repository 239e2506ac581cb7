"""The cyclic garbage collector paused while a large tree of objects is built.

Building a collection (opening 5,000 request files, reading a 5,000-request Postman
file, writing it out) makes no garbage to collect, yet every 700 new objects start a
collection and every tenth of those a scan of everything alive: a tenth or more of the
work, and more the more is already open. Nothing is lost by pausing: what was garbage
is collected after. The window runs with automatic collection off anyway (gcguard);
there this does nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Automatic collection off for the block, then back on if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
