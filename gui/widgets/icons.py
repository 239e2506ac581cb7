"""Icons: Lucide's SVGs (ISC licence, gui/resources/icons/LICENSE) drawn in the theme's
colours at whatever size and scale is asked, so they stay crisp at 100 % and 200 %; the
method badges; the application icon; the Fusion style with our tab close button.

Icons are drawn when painted, from the palette of that moment: a switch between light
and dark needs no icon to be rebuilt. A missing or unreadable SVG draws nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle

from . import theme

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ICONS = RESOURCES / "icons"
APP_ICON = RESOURCES / "gatepost.svg"
#: Short labels where the method's name is too wide for a badge (Insomnia's and Yaak's).
SHORT = {"DELETE": "DEL", "OPTIONS": "OPT"}
BADGE_SIZE = QSize(38, 16)

_svg_cache: dict[str, bytes] = {}


def _svg(name: str) -> bytes:
    if name not in _svg_cache:
        try:
            _svg_cache[name] = (ICONS / f"{name}.svg").read_bytes()
        except OSError:
            _svg_cache[name] = b""
    return _svg_cache[name]


def _pixmap(engine: QIconEngine, size: QSize, mode: QIcon.Mode, state: QIcon.State,
            scale: float) -> QPixmap:
    pixmap = QPixmap(size * scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    pixmap.setDevicePixelRatio(scale)
    painter = QPainter(pixmap)
    engine.paint(painter, QRect(QPoint(0, 0), size), mode, state)
    painter.end()
    return pixmap


class SvgIconEngine(QIconEngine):
    """A Lucide icon stroked in `tone`: "text", "muted", "accent", "on_accent", "warning"
    or "error" of the theme."""

    def __init__(self, name: str, tone: str = "text") -> None:
        super().__init__()
        self.name, self.tone = name, tone

    def _colour(self, mode: QIcon.Mode) -> str:
        c = theme.colours()
        if mode == QIcon.Mode.Disabled:
            return c.muted
        if mode == QIcon.Mode.Selected:
            return c.on_selection
        if mode == QIcon.Mode.Active and self.tone == "muted":
            return c.text  # hovered: the close cross darkens, no red square
        return {"muted": c.muted, "accent": c.accent, "on_accent": c.on_accent,
                "warning": c.warning, "error": c.error}.get(self.tone, c.text)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode,
              state: QIcon.State) -> None:
        data = _svg(self.name)
        if not data:
            return
        side = min(rect.width(), rect.height())
        square = QRectF(rect.x() + (rect.width() - side) / 2,
                        rect.y() + (rect.height() - side) / 2, side, side)
        colour = self._colour(mode).encode()
        renderer = QSvgRenderer(data.replace(b"currentColor", colour))
        if renderer.isValid():
            renderer.render(painter, square)

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        side = min(size.width(), size.height())
        return QSize(side, side)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,
                     scale: float) -> QPixmap:
        return _pixmap(self, self.actualSize(size, mode, state), mode, state, scale)

    def clone(self) -> QIconEngine:
        return SvgIconEngine(self.name, self.tone)


class BadgeEngine(QIconEngine):
    """A request's method in its colour, bold, left-aligned: GET, POST, DEL, PROPF…"""

    def __init__(self, method: str) -> None:
        super().__init__()
        self.method = method.strip().upper() or "?"

    def label(self) -> str:
        short = SHORT.get(self.method, self.method)
        return short if len(short) <= 5 else short[:4] + "…"

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode,
              state: QIcon.State) -> None:
        font = QFont(QGuiApplication.font())
        font.setBold(True)
        font.setPixelSize(max(7, round(rect.height() * 0.62)))
        painter.save()
        painter.setFont(font)
        painter.setPen(QColor(theme.method_colour(self.method)))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         self.label())
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,
                     scale: float) -> QPixmap:
        return _pixmap(self, size, mode, state, scale)

    def clone(self) -> QIconEngine:
        return BadgeEngine(self.method)


def icon(name: str, tone: str = "text") -> QIcon:
    return QIcon(SvgIconEngine(name, tone))


#: One badge per method: a collection's tree holds one per request, and an engine of its
#: own for each (a Python object and its Qt engine) was memory kept for nothing, since a
#: badge is drawn from the method and the theme of the moment (issue 17).
_badges: dict[str, QIcon] = {}


def method_badge(method: str) -> QIcon:
    badge = _badges.get(method)
    if badge is None:
        badge = _badges[method] = QIcon(BadgeEngine(method))
    return badge


def app_icon() -> QIcon:
    """Gatepost's own icon (gui/resources/gatepost.svg); empty if it cannot be read."""
    return QIcon(str(APP_ICON)) if APP_ICON.is_file() else QIcon()


def install_style(app: QGuiApplication) -> None:
    """Fusion, with the tab close button drawn as a quiet cross in the text colour
    instead of Fusion's red square on hover."""
    if not isinstance(app, QApplication) or app.property("gatepostStyled"):
        return

    pixmaps = QStyle.StandardPixmap
    # Message boxes in the app's own line icons instead of Fusion's 2000s bitmaps.
    drawn = {pixmaps.SP_TabCloseButton: ("x", "muted"),
             pixmaps.SP_MessageBoxQuestion: ("circle-help", "accent"),
             pixmaps.SP_MessageBoxInformation: ("info", "accent"),
             pixmaps.SP_MessageBoxWarning: ("triangle-alert", "warning"),
             pixmaps.SP_MessageBoxCritical: ("circle-x", "error")}

    class Style(QProxyStyle):
        def standardIcon(self, standard, option=None, widget=None):  # type: ignore[no-untyped-def]
            if standard in drawn:
                return icon(*drawn[standard])
            return super().standardIcon(standard, option, widget)

    style = Style("Fusion")
    app.setStyle(style)
    app.setProperty("gatepostStyled", True)
