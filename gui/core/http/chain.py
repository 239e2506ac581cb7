"""An exception's chain (its causes and contexts), as the engine reads it: httpx wraps
what httpcore, the socket or our own streams raised, and the reason is further down."""

from __future__ import annotations

from typing import TypeVar

E = TypeVar("E", bound=BaseException)


def chain(exc: BaseException) -> list[BaseException]:
    """`exc`, then its cause (or context), and so on; a loop is followed once."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and not any(current is s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def first(exc: BaseException, kind: type[E]) -> E | None:
    """The first exception of type `kind` in `exc`'s chain, if there is one."""
    return next((e for e in chain(exc) if isinstance(e, kind)), None)
