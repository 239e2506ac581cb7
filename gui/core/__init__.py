"""Gatepost's core: the model, the engine and the exchange record. Never imports Qt.

Every name is loaded on first use, so that the window paints before the core's modules
(and httpx behind the engine) are imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .. import __version__ as __version__

_LAZY = {
    **dict.fromkeys(["AuthConfig", "Body", "BodyKind", "Options", "RequestSpec", "Row",
                     "Timeouts"], ".model"),
    **dict.fromkeys(["ErrorInfo", "Exchange", "Hop", "HopKind", "ReceivedResponse",
                     "SentRequest", "Timings"], ".http.exchange"),
    "Engine": ".http.engine",
    "CancelToken": ".http.cancel",
}
__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
