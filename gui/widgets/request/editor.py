"""The request side: method, URL, Send, and the Params / Auth / Headers / Body / Settings /
Tests tabs (Settings is options_form.py, Tests tests_tab.py, Auth auth_panel.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import deferred
from ...core.model import Body, Options, RequestSpec, Row
from .. import theme
from ..icons import icon
from ..kvtable import KeyValueTable
from .auth_panel import AuthPanel
from .curl_paste import CurlPaste
from .editor_pages import LazyPages
from .options_form import OptionsForm
from .tests_tab import TestsTab

if TYPE_CHECKING:
    from ...core.validate import Problem
    from .added_headers import AddedHeaders
    from .body_editor import BodyEditor

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
PARAMS, AUTH, HEADERS, BODY, SETTINGS, TESTS = range(6)


class RequestEditor(LazyPages, QWidget):
    """Emits `send_requested` for Enter in the URL or a click on Send/Cancel."""

    send_requested = Signal()
    #: Anything the user can change changed.
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requestEditor")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.method = QComboBox(objectName="methodCombo", accessibleName="Method")
        self.method.setEditable(True)
        self.method.addItems(METHODS)
        self.method.setMinimumContentsLength(8)
        self.method.setToolTip("Pick a method or type any other (e.g. PROPFIND)")
        self.method.currentTextChanged.connect(self._colour_method)

        theme.notifier().changed.connect(self._colour_method)
        theme.notifier().changed.connect(self._colour_url)
        self._colour_method()
        self.url = QLineEdit(objectName="urlEdit", accessibleName="URL")
        self.url.setPlaceholderText("Enter a URL, e.g. https://httpbin.org/get — Enter sends")
        self.url.setClearButtonEnabled(True)
        self.send_button = QPushButton("Send", objectName="sendButton",
                                       accessibleName="Send request")
        self.send_button.setDefault(True)
        self.send_button.setMinimumWidth(96)

        self.send_button.setIcon(icon("send", "on_accent"))
        self.send_button.setToolTip("Send (Enter in the URL, or Ctrl+Enter)")
        bar.addWidget(self.method)
        bar.addWidget(self.url, 1)
        bar.addWidget(self.send_button)
        layout.addLayout(bar)

        self.problem = QLabel("", objectName="problemLabel", accessibleName="Request problem")
        self.problem.setProperty("tone", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)

        # A pasted curl command becomes the request (its notes shown under the URL).
        self.curl_paste = CurlPaste(self)
        layout.addWidget(self.curl_paste.note)

        self.tabs = QTabWidget(objectName="requestTabs", accessibleName="Request")
        self.params = KeyValueTable("paramsTable", "Query params")
        # The headers table is built when first needed, as the Settings form is below.
        self._headers: KeyValueTable | None = None
        self._pending_headers: list[Row] = []
        self.auth = AuthPanel()
        # The body editor is built when first needed (its tab opened, or typed into):
        # not part of the first paint, and not in the memory of each tab a session
        # restores (issue 17: 1.8 MiB for a tab with a JSON body). Until then the
        # request's body is kept as it came.
        self._body: BodyEditor | None = None
        self._pending_body = Body()
        self._body_page = QWidget(objectName="bodyPage")
        QVBoxLayout(self._body_page).setContentsMargins(0, 0, 0, 0)
        # The Settings form is built when first needed (its tab opened, or read): its
        # 17 widgets cost start-up time and, like every widget under the application's
        # style sheet, memory in each tab (issue 17). Until then the request's options
        # are kept as they came.
        self._options: OptionsForm | None = None
        self._pending_options: Options | None = None
        self.tabs.addTab(self.params, "Params")
        self.tabs.addTab(self.auth, "Auth")
        # The table over the headers Gatepost adds (built when the tab is first shown).
        self._headers_page = QWidget(objectName="headersPage")
        QVBoxLayout(self._headers_page).setContentsMargins(0, 0, 0, 0)
        self.added_headers: AddedHeaders | None = None
        #: Headers Gatepost adds that this request does not send (RequestSpec's).
        self._omit: list[str] = []
        self.tabs.addTab(self._headers_page, "Headers")
        self.tabs.addTab(self._body_page, "Body")
        # In a scroll area: the form's height must not set the editor's least height,
        # or the response could never have the room (issue 15).
        self._settings_page = QScrollArea(objectName="settingsPage", widgetResizable=True)
        self._settings_page.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs.addTab(self._settings_page, "Settings")
        # Assertions and captures: RequestItem's, not the spec's (the window reads them).
        self.tests = TestsTab()
        self.tabs.addTab(self.tests, "Tests")
        self.tests.edited.connect(self.edited)
        self.tests.title_changed.connect(
            lambda: self._set_tab(TESTS, self.tests.title()))
        self.tabs.currentChanged.connect(
            lambda i: self.body if self.tabs.widget(i) is self._body_page else None)
        self.tabs.currentChanged.connect(
            lambda i: self.options if self.tabs.widget(i) is self._settings_page else None)
        self.tabs.currentChanged.connect(
            lambda i: self._show_added() if self.tabs.widget(i) is self._headers_page
            else None)
        layout.addWidget(self.tabs, 1)

        #: Gives the {{variable}} values in scope for this request (name -> value).
        self.scope_provider: Any = None
        self._marked = False  # some cell or the body text may be marked
        self.url.textChanged.connect(self._show_variables)
        self.url.returnPressed.connect(self._return_pressed)
        self.send_button.clicked.connect(self.send_requested)
        self.url.textEdited.connect(self._url_edited)
        self.url.textChanged.connect(self._update_counts)
        self.params.edited.connect(self._params_edited)
        self.auth.edited.connect(self._update_counts)
        self.params.edited.connect(self._mark_variables)
        for signal in (self.url.textChanged, self.method.currentTextChanged, self.params.edited,
                       self.auth.edited):
            signal.connect(self.edited)


    def _colour_method(self) -> None:
        """The method in its badge colour, in the box and in its list."""
        typed = self.method.currentText()
        for i in range(self.method.count()):
            self.method.setItemData(i, QColor(theme.method_colour(self.method.itemText(i))),
                                    Qt.ItemDataRole.ForegroundRole)
        if self.method.currentText() != typed:
            # A change to the current item's data puts that item's text back in the box:
            # a typed method (or one set as text) would become GET on a theme change.
            self.method.setEditText(typed)
        # A style sheet, not the palette: the application's sheet would override that.
        self.method.lineEdit().setStyleSheet(
            f"color: {theme.method_colour(self.method.currentText())};")

    # -- params <-> URL ----------------------------------------------------------------

    def _return_pressed(self) -> None:
        if not self.curl_paste.taken(self.url.text(), typed=True):
            self.send_requested.emit()

    def _url_edited(self, text: str) -> None:
        if self.curl_paste.taken(text):
            return
        urls = deferred.urls
        self.params.set_rows(urls.merge_rows(self.params.rows(), urls.query_pairs(text)))
        self.clear_problems()

    def _params_edited(self) -> None:
        pairs = [(r.name, r.value) for r in self.params.rows() if r.enabled and r.name]
        cursor = self.url.cursorPosition()
        self.url.setText(deferred.urls.with_query(self.url.text(), pairs))
        self.url.setCursorPosition(min(cursor, len(self.url.text())))

    def refresh_variables(self) -> None:
        self._show_variables(self.url.text())
        self._mark_variables()

    def _mark_variables(self) -> None:
        """Mark unknown {{variables}} in the params, headers and body, as in the URL."""
        tables = [self.params] + ([self._headers] if self._headers is not None else [])
        spec_text = [text for row in self._pending_headers for text in (row.name, row.value)
                     if self._headers is None]
        if self._body is not None:
            tables += [self._body.form, self._body.multipart]
            spec_text.append(self._body.text.toPlainText())
        else:
            spec_text += [self._pending_body.text, *(text for row in self._pending_body.rows
                                                     for text in (row.name, row.value))]
        spec_text += [text for table in tables for text in table.texts()]
        # The scope reads the globals file (and the keychain): not for a request without
        # a single {{ — such as the empty one on screen at start-up.
        if not any("{{" in text for text in spec_text):
            if self._marked:
                self._marked = False
                for table in tables:
                    table.mark_variables({})
                if self._body is not None:
                    self._body.mark_variables({})
            return
        self._marked = True
        scope = self.scope_provider() if self.scope_provider else {}
        for table in tables:
            table.mark_variables(scope)
        if self._body is not None:
            self._body.mark_variables(scope)

    def _show_variables(self, text: str) -> None:
        """The URL's {{variables}}: the resolved URL on hover, unknown ones marked."""
        if "{{" not in text:
            if self.url.property("unknownVariables"):
                self.url.setProperty("unknownVariables", False)
                self.url.setStyleSheet("")
            self.url.setToolTip("")
            return

        scope = self.scope_provider() if self.scope_provider else {}
        unknown = deferred.variables.unknown_variables(text, scope)
        try:
            resolved = deferred.variables.resolve_text(text, scope)
        except deferred.variables.UnresolvedVariable:
            resolved = ""
        except deferred.variables.VariableError as exc:
            resolved = str(exc)
        if unknown:
            names = ", ".join("{{" + n + "}}" for n in unknown)
            self.url.setToolTip(f"Unknown variable: {names}")
        else:
            self.url.setToolTip(f"Sends: {resolved}")
        self.url.setProperty("unknownVariables", bool(unknown))
        self._colour_url()

    def _colour_url(self) -> None:
        """A URL naming an unknown {{variable}} framed in the theme's warning colour."""
        self.url.setStyleSheet(
            f"QLineEdit {{ border: 2px solid {theme.colours().warning}; }}"
            if self.url.property("unknownVariables") else "")

    def _update_counts(self) -> None:
        for index, label, rows in ((PARAMS, "Params", self.params.rows()),
                                   (HEADERS, "Headers", self._header_rows())):
            count = sum(1 for r in rows if r.enabled and r.name)
            self._set_tab(index, f"{label} ({count})" if count else label)
        kind = (self._body.current_kind() if self._body is not None
                else self._pending_body.kind.value)
        self._set_tab(BODY, "Body" if kind == "none" else f"Body ({kind})")
        scheme = self.auth.config().scheme
        self._set_tab(AUTH, "Auth" if scheme == "none" else f"Auth ({scheme})",
                      _scheme_label(scheme) if scheme != "none" else "")

    def _set_tab(self, index: int, text: str, said: str = "") -> None:
        """The tab's text with its badge, and the words a screen reader says for it:
        "Headers (3)" is read "Headers, 3 set", "Auth (basic)" "Auth, Basic"."""
        self.tabs.setTabText(index, text)
        label, _, badge = text.partition(" (")
        badge = badge.rstrip(")")
        words = said or (f"{badge} set" if badge.isdigit() else badge)
        spoken = f"{label}, {words}" if badge else label
        self.tabs.tabBar().setAccessibleTabName(index, spoken)
        self.tabs.setTabToolTip(index, spoken if badge else "")

    # -- the model side -------------------------------------------------------------------

    def spec(self) -> RequestSpec:
        return RequestSpec(
            method=self.method.currentText().strip(),
            url=self.url.text().strip(),
            params=self.params.rows(),
            headers=self._header_rows(),
            body=self._body.body() if self._body is not None else _copy(self._pending_body),
            options=self._options.options() if self._options is not None
            else self._pending_options or Options(),
            auth=self.auth.config(),
            omit_headers=list(self._omit),
        )

    def set_spec(self, spec: RequestSpec) -> None:
        known = self.method.findText(spec.method)
        if known >= 0:
            self.method.setCurrentIndex(known)
        self.method.setEditText(spec.method)
        self.url.setText(spec.url)
        urls = deferred.urls
        self.params.set_rows(spec.params or urls.merge_rows([], urls.query_pairs(spec.url)))
        if self._headers is not None:
            self._headers.set_rows(spec.headers)
        else:
            self._pending_headers = [replace(row) for row in spec.headers]
        self._omit = list(spec.omit_headers)
        if self._body is not None:
            self._body.set_body(spec.body)
        else:
            self._pending_body = _as_edited(spec.body)
        if self._options is not None:
            self._options.set_options(spec.options)
        else:
            self._pending_options = spec.options
        self.auth.set_config(spec.auth)
        self._update_counts()
        if self.scope_provider is not None:
            self._mark_variables()

    # -- feedback ---------------------------------------------------------------------------

    def set_running(self, running: bool) -> None:
        self.send_button.setText("Cancel" if running else "Send")
        self.send_button.setIcon(icon("circle-stop") if running else icon("send", "on_accent"))
        self.send_button.setProperty("running", running)
        self.send_button.style().unpolish(self.send_button)
        self.send_button.style().polish(self.send_button)
        self.send_button.setAccessibleName("Cancel request" if running else "Send request")

    def show_problems(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            self.problem.setText(problems)
        else:
            self.problem.setText("\n".join(str(p) for p in problems))
            first = problems[0]
            widget = {"method": self.method, "url": self.url}.get(first.field)
            tab = {"headers": HEADERS, "body": BODY, "auth": AUTH,
                   "options": SETTINGS}.get(first.field)
            if tab is not None:
                self.tabs.setCurrentIndex(tab)
            table = self.headers if first.field == "headers" else None
            if table is not None and first.row is not None:
                table.setCurrentCell(first.row, 1)
                widget = table
            if widget is not None:
                widget.setFocus()
        self.problem.show()

    def clear_problems(self) -> None:
        self.problem.hide()
        self.problem.setText("")


def _copy(body: Body) -> Body:
    """A body that shares no rows with `body` (a spec's rows are edited in place)."""
    return replace(body, rows=[replace(row) for row in body.rows])


#: What the body editor's text box makes of a text (QPlainTextEdit's line and paragraph
#: separators and no-break space): a body kept for it must read back the same once the
#: editor is built, or opening the Body tab would mark the request changed.
_AS_TYPED = str.maketrans({"\r": "\n", "\xa0": " ", "\u2028": "\n", "\u2029": "\n"})


def _as_edited(body: Body) -> Body:
    """`body` as BodyEditor.set_body and then body() would give it back."""
    return replace(_copy(body), text=body.text.replace("\r\n", "\n").translate(_AS_TYPED),
                   content_type=body.content_type.strip(), path=body.path.strip())


def _scheme_label(scheme: str) -> str:
    try:
        return deferred.auth.get(scheme).label
    except deferred.auth.AuthError:
        return scheme
