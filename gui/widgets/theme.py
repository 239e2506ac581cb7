"""The look: light and dark palettes on Qt's Fusion style, one accent, a spacing scale
and a small central style sheet. Widgets name a role (`tone` property, objectName) and
this module gives it its colour, so no widget hard-codes a colour that fails in dark.

The appearance is "system" (follow the desktop's colour scheme, Qt 6.5's
QStyleHints.colorScheme), "light" or "dark". Every colour pair used for text meets
WCAG AA (4.5:1) against the background it is drawn on (tests/test_look.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette

from . import icons  # icons reads the theme too: module, not names, for the cycle
from .colours import DARK_COLOURS, LIGHT_COLOURS, Colours

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

SYSTEM, LIGHT, DARK = "system", "light", "dark"
MODES = (SYSTEM, LIGHT, DARK)
#: The spacing scale, in device-independent pixels: every margin and gap is one of these.
SPACE = (2, 4, 8, 12, 16, 24)


#: Method colours by Postman's convention (GET green, POST amber, PUT blue, PATCH purple,
#: DELETE red, the rest neutral): (on light, on dark).
METHOD_COLOURS = {
    "GET": ("#1a7f37", "#57c46b"), "POST": ("#9a5b00", "#e5a33d"),
    "PUT": ("#0b5cad", "#5aa7f0"), "PATCH": ("#7a3fb8", "#bc8cf2"),
    "DELETE": ("#c42b1c", "#f47067"), "HEAD": ("#57606a", "#9ba6b2"),
    "OPTIONS": ("#57606a", "#9ba6b2")}
NEUTRAL_METHOD = ("#57606a", "#9ba6b2")
#: Status pills, by class, white text on each (AA in both modes): 2xx green, 3xx blue,
#: 4xx amber, 5xx red; 1xx and errors-before-a-status neutral and red.
STATUS_COLOURS = {1: "#57606a", 2: "#1a7f37", 3: "#0b5cad", 4: "#9a5b00", 5: "#c42b1c"}
ERROR_PILL = "#c42b1c"
#: A body's syntax colours by token kind (gui.core.highlight): (on light, on dark).
SYNTAX_COLOURS = {
    "key": ("#8b1a8b", "#d2a8ff"), "string": ("#1e7d32", "#7ee787"),
    "number": ("#1f5fbf", "#79c0ff"), "keyword": ("#b35c00", "#ffa657"),
    "comment": ("#636c76", "#8b949e"), "tag": ("#8b1a8b", "#d2a8ff"),
    "attr": ("#b35c00", "#ffa657"), "punct": ("#5a6270", "#9aa3ad"),
    "operator": ("#5a6270", "#9aa3ad")}


class _State(QObject):
    """Tells widgets that draw colours themselves (badges, pills) to redraw."""

    changed = Signal()


_state: _State | None = None
_mode = SYSTEM
_dark = False


def notifier() -> _State:
    global _state
    if _state is None:
        _state = _State()
    return _state


def mode() -> str:
    return _mode


def is_dark() -> bool:
    return _dark


def colours() -> Colours:
    return DARK_COLOURS if _dark else LIGHT_COLOURS


def method_colour(method: str) -> str:
    pair = METHOD_COLOURS.get(method.strip().upper(), NEUTRAL_METHOD)
    return pair[1] if _dark else pair[0]


def status_colour(status: int | None) -> str:
    return STATUS_COLOURS.get(status // 100, STATUS_COLOURS[1]) if status else ERROR_PILL


def syntax_colour(kind: str) -> str:
    pair = SYNTAX_COLOURS[kind]
    return pair[1] if _dark else pair[0]


def status_text_colour(status: int | None) -> str:
    """A status written as text on the base colour (Sent requests): readable in both
    modes, where the pill colours are for white text on them."""
    if not _dark:
        return status_colour(status)
    klass = status // 100 if status else 5
    return {1: "#9ba6b2", 2: "#57c46b", 3: "#5aa7f0", 4: "#e5a33d"}.get(klass, "#f47067")


def set_tone(widget: QWidget, tone: str) -> None:
    """Give a widget a colour role of the style sheet (muted, error, warning, success,
    heading), redrawn at once when it changes on a widget already shown."""
    if widget.property("tone") == tone:
        return
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def palette(c: Colours) -> QPalette:
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for r, value in ((role.Window, c.window), (role.WindowText, c.text), (role.Base, c.base),
                     (role.AlternateBase, c.alt_base), (role.Text, c.text),
                     (role.Button, c.raised), (role.ButtonText, c.text),
                     (role.ToolTipBase, c.raised), (role.ToolTipText, c.text),
                     (role.PlaceholderText, c.muted), (role.Highlight, c.selection),
                     (role.HighlightedText, c.on_selection), (role.Link, c.accent),
                     (role.BrightText, c.error), (role.Light, c.raised),
                     (role.Midlight, c.hover), (role.Mid, c.border), (role.Dark, c.border),
                     (role.Shadow, c.border), (role.Accent, c.accent)):
        p.setColor(r, QColor(value))
    disabled = QColor(c.muted)
    disabled.setAlpha(160)
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, disabled)
    return p


def style_sheet(c: Colours) -> str:
    """The whole sheet: spacing, radii, the accent; everything else is Fusion's."""
    folder = icons.ICONS.as_posix()
    tone = "dark" if c is DARK_COLOURS else "light"
    return f"""
/* Words alone on dialog buttons, as Postman, Insomnia and the desktops do: Fusion's
   stock OK/Cancel pictures looked out of place beside the app's icons. (A sheet
   property: a Python styleHint override is asked thousands of times at start-up.) */
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QMainWindow::separator {{ background: {c.border}; width: 1px; height: 1px; }}
QSplitter::handle {{ background: {c.window}; }}
QSplitter::handle:hover {{ background: {c.border}; }}
QToolTip {{ color: {c.text}; background: {c.raised}; border: 1px solid {c.border};
  padding: 4px; }}
QPushButton {{ background: {c.raised}; color: {c.text}; border: 1px solid {c.border};
  border-radius: 6px; padding: 4px 12px; min-height: 18px; }}
QPushButton:hover {{ background: {c.hover}; }}
QPushButton:pressed {{ background: {c.border}; }}
QPushButton:disabled {{ color: {c.muted}; background: {c.window}; }}
QPushButton:focus {{ border-color: {c.accent}; }}
QPushButton:flat {{ border: none; background: transparent; padding: 4px 8px; }}
QPushButton:flat:hover {{ background: {c.hover}; }}
QPushButton:flat:pressed {{ background: {c.border}; }}
QPushButton#sendButton {{ background: {c.accent}; color: {c.on_accent}; border: none;
  font-weight: 600; padding: 5px 16px; }}
QPushButton#sendButton:hover {{ background: {c.accent_hover}; }}
QPushButton#sendButton[running="true"] {{ background: {c.raised}; color: {c.text};
  border: 1px solid {c.border}; }}
QToolButton {{ border: none; border-radius: 6px; padding: 4px; }}
QToolButton:hover {{ background: {c.hover}; }}
QLineEdit, QAbstractSpinBox {{ background: {c.base}; border: 1px solid {c.border};
  border-radius: 6px; padding: 4px 6px; selection-background-color: {c.selection};
  selection-color: {c.on_selection}; }}
QLineEdit:focus, QAbstractSpinBox:focus {{ border-color: {c.accent}; }}
QComboBox {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 6px;
  padding: 4px 6px; }}
QComboBox:focus {{ border-color: {c.accent}; }}
QComboBox QLineEdit {{ border: none; padding: 0; background: transparent; }}
QComboBox::drop-down {{ border: none; width: 20px; }}
QComboBox::down-arrow {{ image: url({folder}/chevron-down-{tone}.svg); width: 14px;
  height: 14px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ border: none; width: 16px; }}
QAbstractSpinBox::up-arrow {{ image: url({folder}/chevron-up-{tone}.svg); width: 12px;
  height: 12px; }}
QAbstractSpinBox::down-arrow {{ image: url({folder}/chevron-down-{tone}.svg); width: 12px;
  height: 12px; }}
QComboBox#methodCombo {{ font-weight: 700; }}
QTabWidget::pane {{ border: none; border-top: 1px solid {c.border}; }}
QTabBar::tab {{ background: transparent; color: {c.muted}; padding: 6px 12px;
  border: none; border-bottom: 2px solid transparent; }}
QTabBar::tab:hover {{ color: {c.text}; }}
QTabBar::tab:selected {{ color: {c.text}; border-bottom: 2px solid {c.accent}; }}
QTabWidget#openRequests > QTabBar::tab {{ padding: 6px 8px 6px 10px; }}
QHeaderView::section {{ background: {c.alt_base}; color: {c.muted}; border: none;
  border-bottom: 1px solid {c.border}; border-right: 1px solid {c.border};
  padding: 3px 6px; }}
QTableView, QTreeView, QListView, QPlainTextEdit, QTextEdit {{ background: {c.base};
  border: 1px solid {c.border}; border-radius: 4px; gridline-color: {c.border};
  selection-background-color: {c.selection}; selection-color: {c.on_selection}; }}
QTreeView::item {{ padding: 3px 0; }}
QAbstractItemView::indicator, QCheckBox::indicator {{ width: 13px; height: 13px;
  border: 1px solid {c.muted}; border-radius: 3px; background: {c.base}; }}
QAbstractItemView::indicator:checked, QCheckBox::indicator:checked {{
  background: {c.accent}; border-color: {c.accent};
  image: url({folder}/check-on-accent.svg); }}
QAbstractItemView::indicator:disabled, QCheckBox::indicator:disabled {{
  border-color: {c.border}; }}
QMenuBar {{ background: {c.window}; }}
QMenuBar::item {{ padding: 4px 8px; border-radius: 4px; }}
QMenuBar::item:selected {{ background: {c.hover}; }}
QMenu {{ background: {c.raised}; border: 1px solid {c.border}; padding: 4px; }}
QMenu::item {{ padding: 4px 24px 4px 8px; border-radius: 4px; }}
QMenu::item:selected {{ background: {c.selection}; color: {c.on_selection}; }}
QMenu::separator {{ height: 1px; background: {c.border}; margin: 4px 8px; }}
QStatusBar {{ color: {c.muted}; }}
QProgressBar {{ border: 1px solid {c.border}; border-radius: 4px; background: {c.base};
  text-align: center; max-height: 14px; }}
QProgressBar::chunk {{ background: {c.accent}; border-radius: 3px; }}
*[tone="muted"] {{ color: {c.muted}; }}
*[tone="error"] {{ color: {c.error}; }}
*[tone="warning"] {{ color: {c.warning}; }}
*[tone="success"] {{ color: {c.success}; }}
*[tone="heading"] {{ color: {c.text}; font-weight: 600; }}
QWidget#changedOnDiskBar {{ background: {c.notice_bg}; border-radius: 4px; }}
QLabel#statusPill {{ color: #ffffff; border-radius: 9px; padding: 2px 10px;
  font-weight: 700; }}
"""


def mono_font() -> QFont:
    """The monospace face for bodies and heads (the platform's fixed font)."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


def apply(app: QGuiApplication, wanted: str = SYSTEM) -> None:
    """Set the appearance; "system" follows the desktop's scheme as it changes. A style
    or palette that fails to apply leaves the platform's own look (never a crash)."""
    global _mode, _dark
    _mode = wanted if wanted in MODES else SYSTEM
    _dark = system_is_dark() if _mode == SYSTEM else _mode == DARK
    hints = QGuiApplication.styleHints()
    if not app.property("gatepostFollowing") and hasattr(hints, "colorSchemeChanged"):
        app.setProperty("gatepostFollowing", True)
        hints.colorSchemeChanged.connect(lambda _scheme: _system_changed(app))
    try:
        icons.install_style(app)
        c = colours()
        app.setPalette(palette(c))
        app.setStyleSheet(style_sheet(c))
    except Exception:  # a broken theme must not stop the window
        logging.getLogger(__name__).exception("the theme could not be applied")
        return
    notifier().changed.emit()


def _system_changed(app: QGuiApplication) -> None:
    if _mode == SYSTEM:
        apply(app, SYSTEM)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    def luminance(colour: str) -> float:
        q = QColor(colour)
        channels = [q.redF(), q.greenF(), q.blueF()]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
