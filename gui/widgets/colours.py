"""The two palettes' colours, without Qt: the window's placeholder (gui/frame.py) paints
in them before the first frame, when gui/widgets/theme.py and the Qt names it uses are
not loaded yet. theme.py gives them to every widget."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Colours:
    window: str
    base: str
    alt_base: str
    raised: str  # buttons, headers
    hover: str
    text: str
    muted: str
    border: str
    accent: str
    accent_hover: str
    on_accent: str
    selection: str
    on_selection: str
    error: str
    warning: str
    success: str  # a check that passed, a certificate that is fine
    notice_bg: str  # a banner (changed on disk)


LIGHT_COLOURS = Colours(
    window="#f5f6f8", base="#ffffff", alt_base="#f7f8fa", raised="#ffffff",
    hover="#eaedf1", text="#1f2328", muted="#59636e", border="#d0d7de",
    accent="#2f5fd0", accent_hover="#2650b4", on_accent="#ffffff",
    selection="#d6e2fb", on_selection="#1f2328", error="#c42b1c", warning="#9a5b00",
    success="#1a7f37", notice_bg="#fff4d6")
DARK_COLOURS = Colours(
    window="#1b1d21", base="#23262b", alt_base="#272a30", raised="#2b2f35",
    hover="#353a41", text="#e6e8eb", muted="#9aa3ad", border="#3a3f46",
    accent="#3d6ae0", accent_hover="#4f79e8", on_accent="#ffffff",
    selection="#2c4677", on_selection="#ffffff", error="#f47067", warning="#e5a33d",
    success="#57c46b", notice_bg="#3d3320")
