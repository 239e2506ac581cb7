"""Gatepost's core: the model, the engine and the exchange record. Never imports Qt.

Submodules that pull in httpx are loaded on first use, so that the window can paint
before httpx is imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .. import __version__
from .exchange import ErrorInfo, Exchange, Hop, HopKind, ReceivedResponse, SentRequest, Timings
from .model import Body, BodyKind, Options, RequestSpec, Row, Timeouts

__all__ = [
    "Body", "BodyKind", "CancelToken", "Engine", "ErrorInfo", "Exchange", "Hop", "HopKind",
    "Options", "ReceivedResponse", "RequestSpec", "Row", "SentRequest", "Timeouts",
    "Timings", "__version__",
]

_LAZY = {"Engine": ".engine", "CancelToken": ".netio"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)
