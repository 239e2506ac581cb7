"""The waterfall column of the History tab: each hop's phases as bars on one time axis."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

#: Phase colours, in the order phases happen.
PHASES = [("dns", "#8e24aa"), ("connect", "#f9a825"), ("tls", "#6d4c41"), ("send", "#1f5fbf"),
          ("wait", "#43a047"), ("receive", "#00838f")]
ROLE = Qt.ItemDataRole.UserRole + 1


class WaterfallDelegate(QStyledItemDelegate):
    """Paints (start, [(phase, seconds)…], exchange total) stored in the cell."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        data = index.data(ROLE)
        if not data:
            return
        start, phases, total = data
        rect = option.rect.adjusted(4, 6, -4, -6)
        if total <= 0 or rect.width() <= 0:
            return
        scale = rect.width() / total
        x = rect.left() + start * scale
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        colours = dict(PHASES)
        for phase, seconds in phases:
            width = max(seconds * scale, 1.0)
            painter.setBrush(QColor(colours[phase]))
            painter.drawRect(QRectF(x, rect.top(), width, rect.height()))
            x += width
        painter.restore()


def legend() -> str:
    return "  ".join(f'<span style="color:{c}">■</span> {p}' for p, c in PHASES)
