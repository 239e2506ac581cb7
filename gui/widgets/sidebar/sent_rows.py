"""How a row of the Sent requests list shows (gui/widgets/sidebar/sent_requests.py): the
URL cell's two lines and the Time column's text."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from .. import theme

#: The URL cell's second line: host, time and duration (the URL cell draws two lines, so
#: the path stays readable at the sidebar's default width).
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 1


class TwoLines(QStyledItemDelegate):
    """The path and query on the first line, elided in the middle; the host, when it
    was sent and how long it took on the second, muted."""

    def paint(self, painter, option, index) -> None:  # type: ignore[no-untyped-def]
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        url, opt.text = opt.text, ""
        widget = opt.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        try:
            parts = urlsplit(url)
            first = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            host = parts.netloc
        except ValueError:
            first, host = url, ""
        second = "  ·  ".join(p for p in (host, index.data(DETAIL_ROLE) or "") if p)
        rect = opt.rect.adjusted(6, 2, -6, -2)
        metrics = opt.fontMetrics
        line = metrics.height()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setPen(opt.palette.color(QPalette.ColorRole.HighlightedText if selected
                                         else QPalette.ColorRole.Text))
        top = QRect(rect.left(), rect.top(), rect.width(), line)
        painter.drawText(top, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         metrics.elidedText(first, Qt.TextElideMode.ElideMiddle, rect.width()))
        if not selected:
            painter.setPen(QColor(theme.colours().muted))
        painter.drawText(top.translated(0, line),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         metrics.elidedText(second, Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()


def when_sent(seconds: float) -> tuple[str, str]:
    """Short text for the Time column and the full date for its tool tip."""
    local = time.localtime(seconds)
    full = time.strftime("%Y-%m-%d %H:%M:%S", local)
    if time.strftime("%Y-%m-%d", local) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M:%S", local), full
    return time.strftime("%Y-%m-%d %H:%M", local), full
