"""Pretty: the body pretty-printed (in the worker) and coloured (spans from the worker,
or JSON a line at a time as it is shown); past the size limit, or for a large body that
is not the JSON it looked like, the body's bytes paged as Raw pages them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .... import deferred
from . import BodyMode, decoded_page, text_page

if TYPE_CHECKING:
    from ....core.http.exchange import ReceivedResponse
    from ....core.present import Presentation


class Pretty(BodyMode):
    name, rank, paged, filtered = "pretty", 1, True, True

    def enabled(self, p: Presentation | None) -> bool:
        # Decoded as text, bytes that are not text are mojibake (and make Qt look for
        # fonts for every odd character): Raw is still there for a deliberate look.
        return p is None or not p.binary

    def fits(self, p: Presentation) -> bool:
        return not p.binary and p.language not in ("image", "html")

    def page(self, r: ReceivedResponse, p: Presentation, loaded: int,
             filtered: str | None) -> tuple[str, int, bool]:
        if p.over_limit or p.raw_paged:
            return decoded_page(r, loaded)
        if loaded == 0:
            # A filter's result is JSON pretty-printed: coloured as the body's JSON is.
            spans = getattr(p, "spans", None) if filtered is None else deferred.highlight.JSON_LINES
            self.view.highlighter.spans = spans
        return text_page(p.pretty if filtered is None else filtered, loaded)


MODE = Pretty
