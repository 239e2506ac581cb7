"""The Body tab's views, chosen from a registry: each is one small class in one module
here, named in VIEWS (the order of the buttons). Adding a view is a module with a
`MODE = TheClass` line and its name in VIEWS.

A view is paged (it fills BodyView's text a page at a time: Find, Wrap, Load more and
the JSON filter work on it) or draws its own page(s) of BodyView's stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, ClassVar

from .... import deferred

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ....core.http.exchange import ReceivedResponse
    from ....core.present import Presentation
    from ..body_view import BodyView

#: The views' modules, in the order of their buttons.
VIEWS = ("pretty", "raw", "hexview", "preview", "tree")
#: The view a JSON filter's result is shown in, when the current one cannot show it.
TEXT = "pretty"
#: The view a streaming body is shown in, as it arrives.
LIVE = "raw"


class BodyMode:
    name: ClassVar[str] = ""
    #: Which view opens a body the chosen one does not fit: the lowest rank that fits.
    rank: ClassVar[int] = 99
    #: Filled a page at a time into BodyView's text.
    paged: ClassVar[bool] = False
    #: Shows the JSON filter's result (paged views only).
    filtered: ClassVar[bool] = False

    def __init__(self, view: BodyView) -> None:
        self.view = view

    @property
    def label(self) -> str:
        return self.name.capitalize()

    def pages(self) -> list[QWidget]:
        """The widgets this view adds to BodyView's stack."""
        return []

    def enabled(self, p: Presentation | None) -> bool:
        """Whether its button can be pressed for this body."""
        return True

    def fits(self, p: Presentation) -> bool:
        """Whether a body opens in this view when it was the one last chosen."""
        return True

    def forget(self) -> None:
        """A new body: drop what was drawn for the last one."""

    def render(self, r: ReceivedResponse, p: Presentation) -> None:
        """Show the body (views that are not paged)."""
        raise NotImplementedError

    def page(self, r: ReceivedResponse, p: Presentation, loaded: int,
             filtered: str | None) -> tuple[str, int, bool]:
        """The next page after `loaded` (characters, or bytes when bytes are paged):
        (its text, what is loaded after it, whether it was the last)."""
        raise NotImplementedError


def make_modes(view: BodyView) -> dict[str, BodyMode]:
    """One instance of every registered view, in button order, by name."""
    modes = [importlib.import_module(f"{__name__}.{module}").MODE(view) for module in VIEWS]
    return {mode.name: mode for mode in modes}


def mode_for(modes: dict[str, BodyMode], p: Presentation, chosen: str) -> str:
    """The view a body opens in: the one last chosen, where it can show this body."""
    if modes[chosen].fits(p):
        return chosen
    return min((m for m in modes.values() if m.fits(p)), key=lambda m: m.rank).name


def decoded_page(r: ReceivedResponse, loaded: int) -> tuple[str, int, bool]:
    """The body's next bytes as text, for a body paged by bytes (Raw, past the limit)."""
    data = r.data.read(loaded, deferred.present.PAGE)
    loaded += len(data)
    return deferred.present._decode(data, r), loaded, loaded >= r.data.size


def text_page(source: str, loaded: int) -> tuple[str, int, bool]:
    """The next page of a text held in memory (pretty-printed, or a filter's result)."""
    chunk = source[loaded:loaded + deferred.present.PAGE]
    loaded += len(chunk)
    return chunk, loaded, loaded >= len(source)
