"""Preview: an image drawn, or HTML as Qt's rich text (no scripts, nothing loaded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, QUrl
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QTextBrowser

from . import BodyMode

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ....core.http.exchange import ReceivedResponse
    from ....core.present import Presentation
    from ..body_view import BodyView

#: Larger images are not decoded (a pixmap of them would hold far more memory).
IMAGE_LIMIT = 64 * 1024 * 1024


class _NoNetworkBrowser(QTextBrowser):
    """HTML preview: no scripts (Qt's rich text has none) and no resource loading."""

    def loadResource(self, kind: int, url: QUrl) -> Any:
        return None


class Preview(BodyMode):
    name, rank = "preview", 0

    def __init__(self, view: BodyView) -> None:
        super().__init__(view)
        self.image = QLabel(objectName="imagePreview", accessibleName="Image preview")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_page = QScrollArea()
        self.image_page.setWidget(self.image)
        self.image_page.setWidgetResizable(True)
        self.html = _NoNetworkBrowser(objectName="htmlPreview", accessibleName="HTML preview")
        self.html.setOpenLinks(False)

    def pages(self) -> list[QWidget]:
        return [self.image_page, self.html]

    def enabled(self, p: Presentation | None) -> bool:
        return p is not None and p.language in ("image", "html")

    def fits(self, p: Presentation) -> bool:
        return not p.binary and p.language in ("image", "html")

    def render(self, r: ReceivedResponse, p: Presentation) -> None:
        if p.language == "html":
            self.html.setHtml(p.pretty)
            self.view.stack.setCurrentWidget(self.html)
            return
        if p.language == "image":
            pixmap = QPixmap()
            if r.body_size <= IMAGE_LIMIT and pixmap.loadFromData(QByteArray(r.body)):
                self.image.setPixmap(pixmap)
                self.view.stack.setCurrentWidget(self.image_page)
                return
            self.view.say(
                f"The {r.content_type} body ({r.body_size} bytes) does not decode as an image."
                " The Hex view shows its bytes.")
        else:
            self.view.say("There is no preview for this content type.")


MODE = Preview
