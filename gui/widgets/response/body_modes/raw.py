"""Raw: the body's bytes decoded as its charset says, a page at a time (or a JSON
filter's result)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import BodyMode, decoded_page, text_page

if TYPE_CHECKING:
    from ....core.http.exchange import ReceivedResponse
    from ....core.present import Presentation


class Raw(BodyMode):
    name, rank, paged, filtered = "raw", 3, True, True

    def page(self, r: ReceivedResponse, p: Presentation, loaded: int,
             filtered: str | None) -> tuple[str, int, bool]:
        if filtered is None or p.over_limit or p.raw_paged:
            return decoded_page(r, loaded)
        return text_page(filtered, loaded)


MODE = Raw
