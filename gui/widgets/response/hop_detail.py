"""The selected hop of the Timeline as sections (gui/core/hopsections.py): the request
line and headers, the body, the status line and headers, each challenge as a table
beside the answer sent, cookies, proxy, TLS, timings — each with its Copy link, instead
of one monospace dump. One QTextBrowser: it scrolls, selects and wraps a long nonce
anywhere, and draws in the theme's colours (redrawn when the appearance changes)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QGuiApplication, QTextOption
from PySide6.QtWidgets import QTextBrowser, QWidget

from ... import deferred
from .. import theme
from ..theme import contrast

if TYPE_CHECKING:
    from ...core.hopsections import Section
    from ...core.http.exchange import Exchange
    from ..theme import Colours

COPY_SCHEME = "copy"
#: The width of a row's name (a header's, a parameter's), in pixels: the longest common
#: header names fit, the value gets the rest.
NAME_WIDTH = 170
ALL = "all"


class HopDetail(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hopDetail")
        self.setAccessibleName("The selected hop as sent and received")
        self.setOpenLinks(False)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.anchorClicked.connect(self._link)
        self._sections: list[Section] = []
        self._plain = ""
        self._lead = ""
        self._title = ""
        theme.notifier().changed.connect(self._render)

    # -- what the Timeline calls ---------------------------------------------------------

    def show_hop(self, exchange: Exchange, index: int, lead: str = "") -> None:
        """Sections of hop `index`; `lead` is a sentence above them (the proxy)."""
        hop = exchange.hops[index]
        self._sections = deferred.hopsections.hop_sections(exchange, index)
        status = (f"{hop.response.status} {hop.response.reason}" if hop.response else
                  "no response")
        self._title = f"Hop {index + 1} of {len(exchange.hops)} · {hop.kind.value} · {status}"
        self._lead = lead
        hop_plain = deferred.present.hop_text(exchange.hops[index])
        self._plain = f"{lead}\n\n{hop_plain}" if lead else hop_plain
        self._render()

    def setPlainText(self, text: str) -> None:  # a message instead of a hop
        self._sections, self._lead, self._plain = [], "", text
        super().setPlainText(text)

    def clear(self) -> None:
        self._sections, self._lead, self._plain = [], "", ""
        super().clear()

    def toPlainText(self) -> str:
        """The hop as HTTP text (request head, response head, challenge, TLS, timings):
        what Copy all gives."""
        return self._plain

    def sections(self) -> list[Section]:
        return list(self._sections)

    def copy_section(self, key: str) -> str:
        """Put a section (by its position, or ALL) on the clipboard; returns the text."""
        if key == ALL:
            text = self._plain
        else:
            text = self._sections[int(key)].copy_text()
        QGuiApplication.clipboard().setText(text)
        return text

    def _link(self, url: QUrl) -> None:
        if url.scheme() == COPY_SCHEME:
            self.copy_section(url.path())

    # -- drawing ------------------------------------------------------------------------

    def _render(self) -> None:
        if not self._sections:
            return

        c = theme.colours()
        mono = escape(theme.mono_font().family())
        scroll = self.verticalScrollBar().value()
        html = [f"<html><body style='color:{c.text}'>"]
        html.append(self._heading(self._title, ALL, "Copy all", c, first=True, muted=True))
        if self._lead:
            html.append(f"<p style='color:{c.muted}; margin:4px 0 0 0'>"
                        f"{escape(self._lead)}</p>")
        for n, s in enumerate(self._sections):
            html.append(self._heading(s.title, str(n), "Copy", c, first=False))
            if s.headline:
                colour = _tone_colour(s.tone, c)
                html.append(f"<p style='font-family:{mono}; font-weight:600; color:{colour};"
                            f" margin:2px 0 4px 0'>{escape(s.headline)}</p>")
            if s.rows:
                html.append("<table width='100%' cellspacing='0' cellpadding='3' "
                            f"style='border-collapse:collapse; border-color:{c.border}'>")
                for name, value in s.rows:
                    html.append(
                        f"<tr><td width='{NAME_WIDTH}' style='color:{c.muted}; "
                        f"border-bottom:1px solid {c.border}'>{escape(name)}</td>"
                        f"<td style='font-family:{mono}; border-bottom:1px solid "
                        f"{c.border}'>{escape(value)}</td></tr>")
                html.append("</table>")
            if s.text:
                html.append(f"<pre style='font-family:{mono}; background:{c.alt_base}; "
                            f"margin:2px 0'>{escape(s.text)}</pre>")
            if s.note:
                html.append(f"<p style='color:{c.muted}; margin:4px 0 0 0'>"
                            f"{escape(s.note)}</p>")
        html.append("</body></html>")
        self.setHtml("".join(html))
        self.verticalScrollBar().setValue(scroll)

    @staticmethod
    def _heading(title: str, key: str, link: str, c: Colours, first: bool,
                 muted: bool = False) -> str:
        top = "0" if first else "14px"
        look = f"color:{c.muted}" if muted else f"font-weight:700; color:{c.text}"
        return (f"<table width='100%' cellspacing='0' cellpadding='0' style='margin-top:{top}'>"
                f"<tr><td style='{look}'>{escape(title)}</td>"
                f"<td align='right'><a href='{COPY_SCHEME}:{key}' style='color:"
                f"{_link_colour(c)}; text-decoration:none'>{escape(link)}</a></td></tr></table>")


def _link_colour(c: Colours) -> str:
    """The accent, made lighter until it reads on the base colour (AA, 4.5:1): dark's
    accent is a fill colour, too dark for text."""
    colour = QColor(c.accent)
    for _ in range(10):
        if contrast(colour.name(), c.base) >= 4.5:
            break
        colour = colour.lighter(112)
    return colour.name()


def _tone_colour(tone: str, c: Colours) -> str:
    if tone.endswith("xx") and tone[0].isdigit():
        return theme.status_text_colour(int(tone[0]) * 100)
    if tone == "error":
        return c.error
    return c.text
