"""Hex: offset, bytes and their ASCII, a page of bytes at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .... import deferred
from . import BodyMode

if TYPE_CHECKING:
    from ....core.http.exchange import ReceivedResponse
    from ....core.present import Presentation


class Hex(BodyMode):
    name, rank, paged = "hex", 2, True

    def page(self, r: ReceivedResponse, p: Presentation, loaded: int,
             filtered: str | None) -> tuple[str, int, bool]:
        data = r.data.read(loaded, deferred.present.PAGE // 4)
        chunk = deferred.present.hexdump(data, loaded)
        loaded += len(data)
        return chunk, loaded, loaded >= r.data.size


MODE = Hex
